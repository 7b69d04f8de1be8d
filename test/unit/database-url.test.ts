// The one database-URL policy (core/db/database-url.ts), used by the CLI, the editor and the
// environments: one order, one result type, one vocabulary of sources, `.env` read as Python reads it.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeUrlSource, resolveDatabaseUrl, URL_PRECEDENCE, type UrlSources } from '../../src/core/db/database-url';
import { dotenvSearchPath } from '../../src/core/dotenv';
import { resolveEnvironmentUrl } from '../../src/core/environments/resolve-url';
import { UnsetUrlReferenceError } from '../../src/core/errors';

const ROOT = '/srv/app';
const files = (map: Record<string, string>) => (f: string) => map[f];

describe('database URL resolution (one policy)', () => {
  it('is: what the person named for this tool, then the process environment, then .env files, then alembic.ini', () => {
    assert.deepEqual(URL_PRECEDENCE, ['flag', 'secret', 'setting', 'environment', 'env-file', 'alembic-ini']);
    const envFile = path.join(ROOT, '.env');
    const ini = path.join(ROOT, 'alembic.ini');
    const all: UrlSources = {
      flag: 'postgres://flag@h/f', secret: 'postgres://secret@h/s', setting: 'postgres://setting@h/s',
      env: { DATABASE_URL: 'postgres://env@h/e' }, envFiles: [envFile], alembicIni: ini,
      readFile: files({ [envFile]: 'DATABASE_URL=postgres://file@h/f\n', [ini]: '[alembic]\nsqlalchemy.url = postgresql+psycopg2://ini@h/i\n' }),
    };
    const order: string[] = [];
    let src: UrlSources = all;
    for (const drop of ['flag', 'secret', 'setting', 'env', 'envFiles', 'alembicIni'] as const) {
      const r = resolveDatabaseUrl(src);
      order.push(r ? r.source.kind : 'none');
      src = drop === 'env' ? { ...src, env: {} } : { ...src, [drop]: undefined };
    }
    order.push(resolveDatabaseUrl(src)?.source.kind ?? 'none');
    assert.deepEqual(order, ['flag', 'secret', 'setting', 'environment', 'env-file', 'alembic-ini', 'none']);
  });

  it('names its source in one vocabulary, with file and line for .env, never the URL', () => {
    const envFile = path.join(ROOT, 'backend', '.env');
    const r = resolveDatabaseUrl({ env: {}, envFiles: [envFile], readFile: files({ [envFile]: '# db\n\nDATABASE_URL=postgres://u:s3cret@h/db\n' }) });
    assert.deepEqual(r, { url: 'postgres://u:s3cret@h/db', source: { kind: 'env-file', file: envFile, line: 3, variable: 'DATABASE_URL' } });
    assert.equal(describeUrlSource(r!.source, ROOT), `DATABASE_URL from ${path.join('backend', '.env')} line 3`);
    assert.equal(describeUrlSource({ kind: 'environment', variable: 'PG_URL' }), 'the environment variable PG_URL');
  });

  it('expands ${VAR} in .env as python-dotenv does, from the environment first, then the lines above', () => {
    const envFile = path.join(ROOT, '.env');
    const text = 'POSTGRES_PASSWORD=from-file\nDATABASE_URL=postgresql://postgres:${POSTGRES_PASSWORD}@localhost:5432/app\n';
    const readFile = files({ [envFile]: text });
    assert.equal(resolveDatabaseUrl({ env: {}, envFiles: [envFile], readFile })?.url, 'postgresql://postgres:from-file@localhost:5432/app');
    assert.equal(resolveDatabaseUrl({ env: { POSTGRES_PASSWORD: 'from-env' }, envFiles: [envFile], readFile })?.url, 'postgresql://postgres:from-env@localhost:5432/app');
  });

  it('names a ${VAR} set nowhere, with the variable, file and line, instead of connecting with an empty password', () => {
    const envFile = path.join(ROOT, 'backend', '.env');
    const readFile = files({ [envFile]: 'A=1\nB=2\nDATABASE_URL=postgresql://postgres:${POSTGRES_PASSWORD}@localhost:5432/app\n' });
    assert.throws(() => resolveDatabaseUrl({ env: {}, envFiles: [envFile], readFile }), (err: unknown) => {
      assert.ok(err instanceof UnsetUrlReferenceError);
      assert.equal(err.message, `\`\${POSTGRES_PASSWORD}\` in DATABASE_URL from ${envFile} line 3 is not set.`);
      assert.match(err.hint ?? '', /POSTGRES_PASSWORD/);
      return true;
    });
    // A source that expands nothing: the leftover reference is named as such too.
    assert.throws(() => resolveDatabaseUrl({ env: { DATABASE_URL: 'postgresql://u:${PW}@h/db' } }),
      /`\$\{PW\}` in the environment variable DATABASE_URL is not set/);
  });

  it('the CLI\'s search: run from backend/, the repository root\'s .env is found', () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-url-'));
    try {
      fs.mkdirSync(path.join(repo, '.git'));
      fs.mkdirSync(path.join(repo, 'backend'));
      fs.writeFileSync(path.join(repo, '.env'), 'POSTGRES_PASSWORD=pw\nDATABASE_URL=postgresql://postgres:${POSTGRES_PASSWORD}@localhost:5432/app\n');
      const r = resolveDatabaseUrl({ env: {}, envFiles: dotenvSearchPath(path.join(repo, 'backend')) });
      assert.equal(r?.url, 'postgresql://postgres:pw@localhost:5432/app');
      assert.equal(describeUrlSource(r!.source, path.join(repo, 'backend')), `DATABASE_URL from ${path.join('..', '.env')} line 2`);
      fs.writeFileSync(path.join(repo, 'backend', '.env'), 'DATABASE_URL=postgresql://near@localhost/app\n');
      assert.equal(resolveDatabaseUrl({ env: {}, envFiles: dotenvSearchPath(path.join(repo, 'backend')) })?.url, 'postgresql://near@localhost/app', 'nearest first');
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });

  it('an environment\'s envFile is read the same way (expanded, unset references named)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-envurl-'));
    try {
      fs.writeFileSync(path.join(root, 'staging.env'), 'PW=s3cret\nSTAGING_URL=postgresql://app:${PW}@staging/app\nBROKEN_URL=postgresql://app:${NOPE}@staging/app\n');
      const env = (variable: string) => ({ name: 'staging', protected: false, url: { from: 'envFile' as const, file: 'staging.env', variable } });
      assert.equal(await resolveEnvironmentUrl(env('STAGING_URL'), { root, env: {} }), 'postgresql://app:s3cret@staging/app');
      await assert.rejects(resolveEnvironmentUrl(env('BROKEN_URL'), { root, env: {} }), /`\$\{NOPE\}` in BROKEN_URL from .*staging\.env line 3 is not set/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
