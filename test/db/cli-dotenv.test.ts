// The CLI reads the project's `.env` as python-dotenv (and so the project's env.py) reads it: `${VAR}`
// expanded, found from the folder it runs in up to the repository root, and a reference set nowhere
// named with its file and line instead of a "wrong password" from the server.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freshDatabaseUrl } from '../support/db-hooks';
import { cli, expectExit } from '../support/cli-checks';
import { REPO_ROOT } from '../reliability/support/cli';

const SEED_DIR = path.join(REPO_ROOT, 'migrations');

describe('cli: .env as Python reads it, found up to the repository root', function () {
  this.timeout(60_000);
  let repo: string;
  beforeEach(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-dotenv-repo-'));
    fs.mkdirSync(path.join(repo, '.git'));
    fs.mkdirSync(path.join(repo, 'backend'));
  });
  afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('run from backend/, takes DATABASE_URL from the root .env with ${POSTGRES_PASSWORD} expanded', async () => {
    const url = new URL(await freshDatabaseUrl('cli_dotenv'));
    const password = decodeURIComponent(url.password);
    url.password = '';
    const composed = url.toString().replace('://postgres@', '://postgres:${POSTGRES_PASSWORD}@');
    assert.ok(composed.includes('${POSTGRES_PASSWORD}'), composed);
    fs.writeFileSync(path.join(repo, '.env'), `# the project's .env\nPOSTGRES_PASSWORD='${password}'\nDATABASE_URL=${composed}\n`);
    const args = ['upgrade', '--dir', SEED_DIR, '--debug'];
    const r = await cli(args, { cwd: path.join(repo, 'backend') });
    expectExit(args, r, 0);
    assert.match(r.stderr, new RegExp(`database URL from DATABASE_URL from ${path.join('..', '.env').replace(/\./g, '\\.')} line 3`));
    assert.match(r.stdout, /4 migrations/);
  });

  it('names a ${VAR} set nowhere, with the file and line, and connects to nothing', async () => {
    fs.writeFileSync(path.join(repo, '.env'), 'A=1\nB=2\nDATABASE_URL=postgresql://postgres:${POSTGRES_PASSWORD}@localhost:5432/app\n');
    const args = ['current', '--dir', SEED_DIR];
    const r = await cli(args, { cwd: path.join(repo, 'backend'), env: { POSTGRES_PASSWORD: '' } });
    // undefined: the child gets no such variable (Node leaves undefined values out).
    const unset = await cli(args, { cwd: path.join(repo, 'backend'), env: { POSTGRES_PASSWORD: undefined } });
    expectExit(args, unset, 2);
    assert.match(unset.stderr, new RegExp(`^error: \`\\$\\{POSTGRES_PASSWORD\\}\` in DATABASE_URL from ${path.join('..', '.env').replace(/\./g, '\\.')} line 3 is not set\\.`, 'm'));
    assert.doesNotMatch(r.stderr, /is not set/, 'set to empty in the environment is set (python-dotenv agrees)');
  });

  it('run from the repository root, an Alembic project found in backend/ reads backend/.env, as its Python would', async () => {
    const url = await freshDatabaseUrl('cli_dotenv_sub');
    fs.cpSync(path.join(REPO_ROOT, 'examples', 'alembic-backend', 'backend'), path.join(repo, 'backend'),
      { recursive: true, filter: (src) => !src.includes('__pycache__') && !src.endsWith('.env') });
    assert.ok(fs.existsSync(path.join(repo, 'backend', 'alembic.ini')));
    fs.writeFileSync(path.join(repo, 'backend', '.env'), `# backend's own .env\nDATABASE_URL=${url}\n`);
    const args = ['current', '--debug'];
    const r = await cli(args, { cwd: repo, env: { DATABASE_URL: undefined } });
    expectExit(args, r, 0);
    assert.match(r.stderr, /Alembic project: backend\/alembic\.ini \(found below the working directory\)/);
    assert.match(r.stderr, new RegExp(`database URL from DATABASE_URL from ${path.join('backend', '.env').replace(/\./g, '\\.')} line 2`));
    // The project's .env comes first; the working folder's own .env is still read after it.
    fs.writeFileSync(path.join(repo, '.env'), 'DATABASE_URL=postgresql://nobody@127.0.0.1:1/elsewhere\n');
    const both = await cli(args, { cwd: repo, env: { DATABASE_URL: undefined } });
    expectExit(args, both, 0);
    assert.match(both.stderr, /database URL from DATABASE_URL from backend\/\.env line 2/);
    fs.rmSync(path.join(repo, 'backend', '.env'));
    const rootOnly = await cli(args, { cwd: repo, env: { DATABASE_URL: undefined } });
    assert.match(rootOnly.stderr, /database URL from DATABASE_URL from \.env line 1/);
  });
});
