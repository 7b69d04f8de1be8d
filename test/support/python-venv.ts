// A virtual environment with the newest Alembic and the drivers async and settings-based projects
// use (asyncpg with greenlet, psycopg2-binary, psycopg 3: SQLAlchemy 2.1's default for postgresql://,
// pydantic-settings), built with pip under the git-ignored
// .test-artifacts/ on first use. Idempotent: a marker file records the packages it was built with.
// A machine where pip cannot install them fails the suite loudly with pip's output.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../reliability/support/cli';

export const VENV_PACKAGES = ['alembic', 'sqlalchemy[asyncio]', 'asyncpg', 'psycopg2-binary', 'psycopg[binary]', 'pydantic-settings'];

export function testVenvPython(): string {
  const dir = path.join(REPO_ROOT, '.test-artifacts', 'venv-alembic');
  const python = path.join(dir, 'bin', 'python');
  const marker = path.join(dir, 'installed.txt');
  const want = VENV_PACKAGES.join(' ');
  if (fs.existsSync(python) && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === want) return python;
  const base = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  try {
    if (!fs.existsSync(python)) execFileSync(base, ['-m', 'venv', dir], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 120_000 });
    // --retries 0 --timeout 10: an index that is not reachable (no network but the configured mirrors) is skipped fast.
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--retries', '0', '--timeout', '10', ...VENV_PACKAGES], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
  } catch (err) {
    throw new Error(`The test venv (${dir}) could not be built with pip: ${(err as Error).message}`);
  }
  fs.writeFileSync(marker, `${want}\n`);
  return python;
}
