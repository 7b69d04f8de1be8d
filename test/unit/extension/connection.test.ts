import * as assert from 'assert';
import * as path from 'path';
import * as sinon from 'sinon';
import { resolveDatabaseUrl, secretKey, type ConnectionSources } from '../../../src/extension/connection/database-url';

const SECRET_URL = 'postgresql://u:s3cret@db.example.com/app';

function sources(over: Partial<ConnectionSources> = {}, files: Record<string, string> = {}): ConnectionSources {
  return {
    secret: async () => undefined,
    setting: undefined,
    folderPath: '/srv/app',
    envFile: '.env',
    envVariable: 'DATABASE_URL',
    env: {},
    readFile: (f) => files[f],
    ...over,
  };
}

describe('extension connection resolution', () => {
  const envPath = path.resolve('/srv/app', '.env');

  it('prefers SecretStorage, then the setting, then the environment, then .env (the engine\'s one order)', async () => {
    const files = { [envPath]: 'DATABASE_URL=postgresql://e@envfile/db\n' };
    const env = { DATABASE_URL: 'postgresql://p@process/db' };
    const all = sources({ secret: async () => SECRET_URL, setting: 'postgresql://s@setting/db', env }, files);
    assert.deepStrictEqual((await resolveDatabaseUrl(all))?.source, { kind: 'secret' });
    assert.deepStrictEqual((await resolveDatabaseUrl({ ...all, secret: async () => undefined }))?.source, { kind: 'setting' });
    assert.deepStrictEqual(await resolveDatabaseUrl(sources({ env }, files)),
      { url: 'postgresql://p@process/db', source: { kind: 'environment', variable: 'DATABASE_URL' }, label: 'the environment variable DATABASE_URL' });
    const fromFile = await resolveDatabaseUrl(sources({}, files));
    assert.deepStrictEqual(fromFile, { url: 'postgresql://e@envfile/db', source: { kind: 'env-file', file: envPath, line: 1, variable: 'DATABASE_URL' }, label: 'DATABASE_URL from .env line 1' });
    assert.strictEqual(await resolveDatabaseUrl(sources()), undefined);
  });

  it('takes the project\'s alembic.ini sqlalchemy.url last, never before .env', async () => {
    const ini = path.resolve('/srv/app', 'backend/alembic.ini');
    const files = { [ini]: '[alembic]\nsqlalchemy.url = postgresql+psycopg2://u:s3cret@db/app\n' };
    const r = await resolveDatabaseUrl(sources({ alembicIni: ini, projectPath: path.dirname(ini) }, files));
    assert.deepStrictEqual(r, { url: 'postgresql+psycopg2://u:s3cret@db/app', source: { kind: 'alembic-ini', file: ini }, label: `sqlalchemy.url in ${path.join('backend', 'alembic.ini')}` });
    const withEnv = await resolveDatabaseUrl(sources({ alembicIni: ini }, { ...files, [envPath]: 'DATABASE_URL=postgresql://e@envfile/db\n' }));
    assert.strictEqual(withEnv?.source.kind, 'env-file');
  });

  it('parses .env syntax (quotes, comments, export) with a custom file and variable', async () => {
    const file = path.resolve('/srv/app', 'config/dev.env');
    const text = '# local\nOTHER=1\nPG_URL="postgresql://u:p#w@localhost/dev" # trailing\n';
    const r = await resolveDatabaseUrl(sources({ envFile: 'config/dev.env', envVariable: 'PG_URL' }, { [file]: text }));
    assert.strictEqual(r?.url, 'postgresql://u:p#w@localhost/dev');
    assert.strictEqual(r?.label, `PG_URL from ${path.join('config', 'dev.env')} line 3`);
  });

  it('skips blank values and never puts the URL in the label', async () => {
    const r = await resolveDatabaseUrl(sources({ secret: async () => '  ', setting: SECRET_URL }));
    assert.strictEqual(r?.source.kind, 'setting');
    assert.ok(!r!.label.includes('s3cret') && !r!.label.includes('example.com'));
  });

  it('does not read .env when SecretStorage or the setting answers', async () => {
    const readFile = sinon.fake.returns('DATABASE_URL=postgresql://e@envfile/db');
    const secret = sinon.fake.resolves(SECRET_URL);
    assert.strictEqual((await resolveDatabaseUrl(sources({ secret, readFile })))?.source.kind, 'secret');
    assert.strictEqual(readFile.callCount, 0);
    assert.strictEqual((await resolveDatabaseUrl(sources({ setting: 'postgresql://s@h/db', readFile })))?.source.kind, 'setting');
    assert.strictEqual(readFile.callCount, 0);
    assert.strictEqual((await resolveDatabaseUrl(sources({ readFile })))?.source.kind, 'env-file');
    assert.ok(readFile.calledOnceWithExactly(path.resolve('/srv/app', '.env')));
  });

  it('reads the project folder\'s .env before the workspace folder\'s, expanded as python-dotenv does', async () => {
    const files = {
      [path.resolve('/srv/app', 'backend/.env')]: 'OTHER=1\n',
      [envPath]: 'POSTGRES_PASSWORD=pw\nDATABASE_URL=postgresql://postgres:${POSTGRES_PASSWORD}@localhost:5432/app\n',
    };
    const r = await resolveDatabaseUrl(sources({ projectPath: path.resolve('/srv/app', 'backend') }, files));
    assert.strictEqual(r?.url, 'postgresql://postgres:pw@localhost:5432/app');
    assert.strictEqual(r?.label, 'DATABASE_URL from .env line 2');
    await assert.rejects(resolveDatabaseUrl(sources({}, { [envPath]: 'DATABASE_URL=postgresql://postgres:${POSTGRES_PASSWORD}@localhost/app\n' })),
      /`\$\{POSTGRES_PASSWORD\}` in DATABASE_URL from \.env line 1 is not set/);
  });

  it('keys secrets per workspace folder', () => {
    assert.notStrictEqual(secretKey('file:///a'), secretKey('file:///b'));
  });
});
