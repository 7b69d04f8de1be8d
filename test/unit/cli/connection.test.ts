import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { requireDatabaseUrl, resolveDatabaseUrl } from '../../../src/cli/connection';
import { secretFormsOf } from '../../../src/core/secrets';
import { UsageError } from '../../../src/cli/args';
import { Output } from '../../../src/cli/output';

describe('cli connection resolution', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-cli-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prefers --url, then DATABASE_URL, then .env', () => {
    fs.writeFileSync(path.join(dir, '.env'), '# comment\nOTHER=1\nDATABASE_URL="postgres://file@localhost/f"\n');
    const env = { DATABASE_URL: 'postgres://env@localhost/e' };
    assert.deepEqual(resolveDatabaseUrl({ flag: 'postgres://flag@localhost/x', env, cwd: dir }), { url: 'postgres://flag@localhost/x', source: { kind: 'flag' } });
    assert.deepEqual(resolveDatabaseUrl({ env, cwd: dir }), { url: 'postgres://env@localhost/e', source: { kind: 'env' } });
    assert.deepEqual(resolveDatabaseUrl({ env: {}, cwd: dir }), { url: 'postgres://file@localhost/f', source: { kind: 'dotenv', file: path.join(dir, '.env') } });
  });

  it('takes alembic.ini\'s sqlalchemy.url last (./alembic.ini or --config), as a PostgreSQL URL', () => {
    fs.writeFileSync(path.join(dir, 'alembic.ini'), '[alembic]\nsqlalchemy.url = postgresql+psycopg2://ini@localhost/i\n');
    assert.deepEqual(resolveDatabaseUrl({ env: {}, cwd: dir }), { url: 'postgresql://ini@localhost/i', source: { kind: 'alembic-ini', file: path.join(dir, 'alembic.ini') } });
    fs.writeFileSync(path.join(dir, '.env'), 'DATABASE_URL=postgres://file@localhost/f\n');
    assert.equal(resolveDatabaseUrl({ env: {}, cwd: dir })?.source.kind, 'dotenv', '.env wins over alembic.ini');
    fs.rmSync(path.join(dir, '.env'));
    fs.writeFileSync(path.join(dir, 'alembic.ini'), '[alembic]\nsqlalchemy.url = driver://user:pass@localhost/dbname\n');
    assert.equal(resolveDatabaseUrl({ env: {}, cwd: dir }), undefined, 'Alembic\'s template placeholder is no URL');
    fs.mkdirSync(path.join(dir, 'backend'));
    fs.writeFileSync(path.join(dir, 'backend', 'alembic.ini'), '[alembic]\nsqlalchemy.url = postgresql://b@localhost/b\n');
    assert.equal(resolveDatabaseUrl({ env: {}, cwd: dir, alembicIni: 'backend/alembic.ini' })?.url, 'postgresql://b@localhost/b');
  });

  it('says where a URL may come from when there is none', () => {
    assert.equal(resolveDatabaseUrl({ env: {}, cwd: dir }), undefined);
    assert.throws(() => requireDatabaseUrl({ env: {}, cwd: dir }), (err: unknown) =>
      err instanceof UsageError && /--url/.test(err.message) && /DATABASE_URL/.test(err.message) && /\.env/.test(err.message));
  });

  it('masks every form of the password in all output', () => {
    const secret = 's3cr3t/p@ss"word';
    const url = `postgres://app:${encodeURIComponent(secret)}@db.example.com:5432/app`;
    const written: string[] = [];
    const sink = { write: (s: string) => written.push(s) };
    const output = new Output({ stdout: sink, stderr: sink, stdinIsTTY: false, env: {}, cwd: dir, ask: async () => '' });
    output.addSecrets(secretFormsOf(url, { PGPASSWORD: 'envpass99' }));
    output.note(`failed for ${url} (raw ${secret})`);
    output.json({ password: secret, env: 'envpass99' });
    const text = written.join('');
    assert.ok(!text.includes(secret) && !text.includes(encodeURIComponent(secret)) && !text.includes(JSON.stringify(secret).slice(1, -1)), text);
    assert.ok(!text.includes('envpass99'));
    assert.match(text, /postgres:\/\/app:\*\*\*\*@db\.example\.com/);
    assert.ok(secretFormsOf('host=db password=kw-secret dbname=app', {}).includes('kw-secret'));
  });
});
