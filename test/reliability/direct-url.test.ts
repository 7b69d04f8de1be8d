// The direct URL (Prisma's `directUrl`) with real PgBouncer in transaction mode in front of the test
// server: a run whose step needs one session goes to the direct URL when the main URL is pooled, a
// run that does not keeps the pooled URL, and a reset (one session from start to end) moves to the
// direct URL too. The CLI and the editor pass both URLs to the same engine call (RunSettings.directUrl),
// so the CLI's process is the real path for both. Outcomes are read from the server directly.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { alembicPython } from '../support/alembic';
import { freshDatabaseUrl, server } from '../support/db-hooks';
import { fingerprint } from '../support/fingerprint';
import { startPgBouncer, type Bouncer } from '../support/pgbouncer';
import { describeRun, runCli } from './support/cli';
import { removeDir, writeSqlChain } from './support/chains';
import { ALEMBIC_BACKEND, advisoryLocksHeld, withClient } from './support/pooled-trials';

const SWITCHED = /goes through a pooler.* and (this run|a reset|alembic upgrade) needs one database session: running on the direct URL \(.*\) instead/;

describe('the direct URL through PgBouncer in transaction mode (real pgbouncer)', function () {
  this.timeout(180_000);
  let bouncer: Bouncer;
  const cleanup: string[] = [];

  before(async function () {
    this.timeout(700_000); // the first run installs Debian's pgbouncer
    bouncer = await startPgBouncer(server(), 'transaction', { poolSize: 2 });
  });
  after(async () => {
    await bouncer?.stop();
    for (const dir of cleanup) removeDir(dir);
  });

  /** A chain whose second step is non-transactional and sets session state before CREATE INDEX CONCURRENTLY. */
  function sessionStepChain(): string {
    const dir = writeSqlChain([
      { revision: 'a1a1a1a1a1a1', upgrade: 'CREATE TABLE keep (id int);\nINSERT INTO keep SELECT generate_series(1, 100);', downgrade: 'DROP TABLE keep;' },
      { revision: 'b2b2b2b2b2b2', parent: 'a1a1a1a1a1a1', upgrade: 'SET statement_timeout = 0;\nCREATE INDEX CONCURRENTLY keep_idx ON keep (id);', downgrade: 'DROP INDEX keep_idx;' },
    ], 'mc-direct-url-');
    const file = fs.readdirSync(dir).find((f) => f.startsWith('b2'))!;
    fs.writeFileSync(path.join(dir, file), fs.readFileSync(path.join(dir, file), 'utf8').replace('-- message:', '-- transactional: false\n-- message:'));
    cleanup.push(dir);
    return dir;
  }

  const leaseTable = (url: string) => withClient(url, async (c) => (await c.query<{ t: string | null }>("SELECT to_regclass('migration_chain_lock')::text AS t")).rows[0].t);
  const versions = (url: string) => withClient(url, async (c) => (await c.query<{ v: string }>('SELECT version_num AS v FROM alembic_version')).rows.map((r) => r.v));

  it('a non-transactional step that needs one session runs on the direct URL when the main URL is pooled; without it the run is refused', async () => {
    const dir = sessionStepChain();
    const url = await freshDatabaseUrl('mc_direct_nontx');
    const pooled = bouncer.pooledUrl(url);
    const before = await fingerprint(url);
    const args = ['upgrade', 'head', '--dir', dir, '--url', pooled];

    const refused = await runCli(args, { env: { DATABASE_URL: '', MIGRATION_CHAIN_DIRECT_URL: '' } });
    assert.equal(refused.code, 8, describeRun(args, refused));
    assert.match(refused.stderr, /Refusing to run b2b2b2b2b2b2 .*through the connection pooler/);
    assert.deepEqual(await fingerprint(url), before, 'the refusal changed nothing');

    // The direct URL from the environment variable, as a deploy platform sets it.
    const r = await runCli(args, { env: { DATABASE_URL: '', MIGRATION_CHAIN_DIRECT_URL: url } });
    assert.equal(r.code, 0, describeRun(args, r));
    assert.match(r.stderr, SWITCHED, r.stderr);
    assert.deepEqual(await versions(url), ['b2b2b2b2b2b2']);
    const index = await withClient(url, async (c) => (await c.query<{ valid: boolean }>(
      "SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'keep_idx'")).rows);
    assert.deepEqual(index, [{ valid: true }], 'CREATE INDEX CONCURRENTLY ran to a valid index');
    // A run on a real session takes the session lock, never the lease: the table of leases was never made.
    assert.equal(await leaseTable(url), null, 'the run went through the direct URL, not the pooler');
    assert.equal(await advisoryLocksHeld(server().adminUrl, url), 0);
    await server().dropDatabase(url);
  });

  it('a transactional chain keeps the pooled URL even when a direct URL is configured', async () => {
    const dir = writeSqlChain([
      { revision: 'c3c3c3c3c3c3', upgrade: 'CREATE TABLE t1 (id int);', downgrade: 'DROP TABLE t1;' },
      { revision: 'd4d4d4d4d4d4', parent: 'c3c3c3c3c3c3', upgrade: 'CREATE INDEX t1_idx ON t1 (id);', downgrade: 'DROP INDEX t1_idx;' },
    ], 'mc-direct-url-');
    cleanup.push(dir);
    const url = await freshDatabaseUrl('mc_direct_tx');
    const args = ['upgrade', 'head', '--dir', dir, '--url', bouncer.pooledUrl(url), '--direct-url', url];
    const r = await runCli(args, { env: { DATABASE_URL: '' } });
    assert.equal(r.code, 0, describeRun(args, r));
    assert.doesNotMatch(r.stderr, SWITCHED);
    assert.match(r.stderr, /reached through a (transaction-mode )?connection pooler/);
    assert.equal(await leaseTable(url), 'migration_chain_lock', 'the run held the lease: it went through the pooler');
    assert.deepEqual(await versions(url), ['d4d4d4d4d4d4']);
    assert.equal(await advisoryLocksHeld(server().adminUrl, url), 0);
    await server().dropDatabase(url);
  });

  it('a reset through the pooler runs on the direct URL (refused without it, nothing dropped)', async () => {
    const dir = sessionStepChain();
    const url = await freshDatabaseUrl('mc_direct_reset');
    await withClient(url, (c) => c.query('CREATE TABLE stale (id int); INSERT INTO stale VALUES (1)'));
    const pooled = bouncer.pooledUrl(url);
    const args = ['reset', '--dir', dir, '--url', pooled, '--yes', '--no-rehearsal'];
    const before = await fingerprint(url);
    const refused = await runCli(args, { env: { DATABASE_URL: '', MIGRATION_CHAIN_DIRECT_URL: '' } });
    assert.notEqual(refused.code, 0, describeRun(args, refused));
    assert.match(refused.stderr, /Refusing to reset .*it needs one database session from start to end/);
    assert.deepEqual(await fingerprint(url), before, 'nothing dropped');

    const r = await runCli([...args, '--direct-url', url], { env: { DATABASE_URL: '' } });
    assert.equal(r.code, 0, describeRun(args, r));
    assert.match(r.stderr, SWITCHED, r.stderr);
    assert.equal(await withClient(url, async (c) => (await c.query<{ t: string | null }>("SELECT to_regclass('stale')::text AS t")).rows[0].t), null, 'the old table was dropped');
    assert.deepEqual(await versions(url), ['b2b2b2b2b2b2']);
    assert.equal(await leaseTable(url), null, 'the reset went through the direct URL');
    assert.equal(await advisoryLocksHeld(server().adminUrl, url), 0);
    await server().dropDatabase(url);
  });

  it('a delegated Alembic upgrade runs on the direct URL when DATABASE_URL is pooled (env.py reaches the direct one)', async () => {
    alembicPython();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-direct-alembic-'));
    cleanup.push(dir);
    fs.cpSync(ALEMBIC_BACKEND, path.join(dir, 'backend'), { recursive: true, filter: (src) => !src.includes('__pycache__') });
    const url = await freshDatabaseUrl('mc_direct_alembic');
    const args = ['upgrade', 'head'];
    const r = await runCli(args, { cwd: path.join(dir, 'backend'), timeoutMs: 120_000, env: { DATABASE_URL: bouncer.pooledUrl(url), MIGRATION_CHAIN_DIRECT_URL: url, MIGRATION_CHAIN_PROTECTED: '' } });
    assert.equal(r.code, 0, describeRun(args, r));
    assert.match(r.stderr, SWITCHED, r.stderr);
    assert.equal((await versions(url)).length, 1, 'Alembic recorded its head');
    assert.equal(await leaseTable(url), null, 'our lock was the session lock on the direct URL, not the lease');
    assert.equal(await advisoryLocksHeld(server().adminUrl, url), 0);
    await server().dropDatabase(url);
  });
});
