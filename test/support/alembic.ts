// Real Alembic for the tests: a python3 that imports alembic and psycopg2, installed from Debian by
// install-alembic.sh when missing. A machine where that fails fails the suite loudly with the reason.
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../reliability/support/cli';

let python: string | undefined;

function candidates(): string[] {
  const onPath = (process.env.PATH ?? '').split(':').filter(Boolean).map((d) => path.join(d, 'python3'));
  return [...new Set([...onPath, '/usr/bin/python3'])];
}

function importsAlembic(py: string): boolean {
  return spawnSync(py, ['-c', 'import alembic, psycopg2'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

/** The python3 with Alembic; installs it on first use if needed. */
export function alembicPython(): string {
  if (python) return python;
  python = candidates().find(importsAlembic);
  if (python) return python;
  try {
    execFileSync('bash', [path.join(REPO_ROOT, 'test', 'support', 'install-alembic.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 });
  } catch (err) {
    throw new Error(`Real Alembic is required by this suite and could not be installed: ${(err as Error).message}`);
  }
  python = candidates().find(importsAlembic);
  if (!python) throw new Error('install-alembic.sh ran, but no python3 on PATH imports alembic and psycopg2.');
  return python;
}

/** Runs real Alembic (`python3 -m alembic -c INI ARGS…`) directly, without Migration Chain. */
export function realAlembic(iniFile: string, args: readonly string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(alembicPython(), ['-m', 'alembic', '-c', iniFile, ...args], {
    cwd: path.dirname(iniFile), env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
