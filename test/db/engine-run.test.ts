// The runner's guarantees on a real PostgreSQL: failures roll back one migration and keep the last
// good version, one lock serialises runs, cancellation rolls back, offline SQL builds the same schema,
// version rows move the way Alembic moves them, the audit log catches edited files.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import * as core from '../../src/core';
import { readSchema } from '../../src/core/schema/snapshot';
import { freshDatabaseUrl } from '../support/db-hooks';
import { chainOf, loadClean, removeFixtureDirs, sql, sqlMigration, tablesOf, versionRows, writeChainDir } from '../support/chains';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures');
const SEED_DIR = path.join(__dirname, '..', '..', '..', 'migrations');

describe('engine runner', () => {
  after(removeFixtureDirs);

  it('a failing migration in the middle keeps the previous revision and none of its own changes; the error names file and line', async () => {
    const chain = await loadClean(path.join(FIXTURES, 'failing'));
    const url = await freshDatabaseUrl();
    const err = await core.upgrade({ chain, url }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof core.SqlError, String(err));
    assert.equal(err.revision, 'f00000000002');
    assert.equal(err.pg.code, '42703');
    assert.deepEqual(err.location, { file: path.join(FIXTURES, 'failing', 'f00000000002_break.sql'), line: 10, column: 12 });
    assert.match(err.message, /column "no_such_column" does not exist/);
    assert.match(err.message, /f00000000002_break\.sql:10:12/);
    assert.deepEqual(await versionRows(url), ['f00000000001']);
    assert.deepEqual(await tablesOf(url), ['alembic_version', 'migration_chain_log', 'widgets']);
    assert.deepEqual(await sql(url, 'SELECT * FROM widgets'), [], 'the INSERT of the failed migration was rolled back');
    const log = await sql<{ revision: string }>(url, 'SELECT revision FROM migration_chain_log');
    assert.deepEqual(log.map((r) => r.revision), ['f00000000001']);
  });

  it('an error in the first statement of a migration points at its own line and column, not at the BEGIN sent with it', async () => {
    const chain = await chainOf([
      { revision: 'p00000000001', upgrade: 'CREATE TABLE pos_t (id int);', downgrade: 'DROP TABLE pos_t;' },
      { revision: 'p00000000002', down: 'p00000000001', upgrade: 'SELECT id,\n       missing_col FROM pos_t;\nCREATE TABLE never_t (id int);', downgrade: 'SELECT 1;' },
    ]);
    const url = await freshDatabaseUrl();
    const err = await core.upgrade({ chain, url }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof core.SqlError, String(err));
    const file = chain.graph.get('p00000000002')!.file;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('missing_col')) + 1;
    assert.deepEqual(err.location, { file, line, column: lines[line - 1].indexOf('missing_col') + 1 });
    assert.deepEqual(await versionRows(url), ['p00000000001']);
    assert.deepEqual(await tablesOf(url), ['alembic_version', 'migration_chain_log', 'pos_t']);
  });

  it('a version row moved by another session while a step waits for its lock stops the run and rolls that step back', async () => {
    const chain = await chainOf([
      { revision: 'r00000000001', upgrade: 'CREATE TABLE first_t (id int);', downgrade: 'DROP TABLE first_t;' },
      { revision: 'r00000000002', down: 'r00000000001', upgrade: 'CREATE TABLE second_t (id int);', downgrade: 'DROP TABLE second_t;' },
    ]);
    const url = await freshDatabaseUrl();
    await core.upgrade({ chain, url, target: 'r00000000001' });
    // Another tool (Alembic takes no advisory lock) moves the row in a transaction it has not committed
    // yet: the step's version UPDATE waits for that row, then finds it moved.
    const other = new Client({ connectionString: url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query("UPDATE alembic_version SET version_num = 'elsewhere01' WHERE version_num = 'r00000000001'");
      const run = core.upgrade({ chain, url, applicationName: 'mc-moved-row-test' }).then(() => undefined, (e: unknown) => e);
      for (let waited = 0; ; waited += 50) {
        const blocked = await sql<{ n: number }>(url,
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'mc-moved-row-test' AND wait_event_type = 'Lock'");
        if (blocked[0].n === 1) break;
        assert.ok(waited < 10_000, 'the step never waited for the moved row');
        await new Promise((r) => setTimeout(r, 50));
      }
      await other.query('COMMIT');
      const err = await run;
      assert.ok(err instanceof core.MigrationChainError, String(err));
      assert.equal(err.code, 'unknown-revision');
      assert.match(err.message, /changed under this run: expected one row for r00000000001, found 0/);
    } finally {
      await other.end();
    }
    assert.deepEqual(await versionRows(url), ['elsewhere01']);
    assert.deepEqual(await tablesOf(url), ['alembic_version', 'first_t', 'migration_chain_log']);
    const log = await sql<{ revision: string }>(url, 'SELECT revision FROM migration_chain_log');
    assert.deepEqual(log.map((r) => r.revision), ['r00000000001']);
  });

  it('a migration that changes the version table itself is caught before COMMIT and rolled back', async () => {
    // The step's own UPDATE ran first; the migration then deletes the row. Its text names the
    // version table, so the heads are checked again inside the transaction.
    const chain = await chainOf([
      { revision: 'r00000000001', upgrade: 'CREATE TABLE first_t (id int);', downgrade: 'DROP TABLE first_t;' },
      { revision: 'r00000000002', down: 'r00000000001', upgrade: 'CREATE TABLE second_t (id int);\nDELETE FROM alembic_version;', downgrade: 'DROP TABLE second_t;' },
    ]);
    const url = await freshDatabaseUrl();
    const err = await core.upgrade({ chain, url }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof core.MigrationChainError, String(err));
    assert.equal(err.code, 'unknown-revision');
    assert.match(err.message, /changed under this run: expected heads r00000000002, found no rows/);
    assert.deepEqual(await versionRows(url), ['r00000000001']);
    assert.deepEqual(await tablesOf(url), ['alembic_version', 'first_t', 'migration_chain_log']);
    const log = await sql<{ revision: string; duration_ms: number }>(url, 'SELECT revision, duration_ms FROM migration_chain_log');
    assert.deepEqual(log.map((r) => r.revision), ['r00000000001']);
    assert.equal(typeof log[0].duration_ms, 'number');
  });

  it('two concurrent upgrades on one database apply each migration exactly once', async () => {
    const specs = [1, 2, 3].map((i) => ({
      revision: `c0000000000${i}`,
      down: i === 1 ? undefined : `c0000000000${i - 1}`,
      upgrade: `${i === 1 ? 'CREATE TABLE side_effects (revision text NOT NULL, at timestamptz DEFAULT clock_timestamp());\n' : ''}`
        + `SELECT pg_sleep(0.2);\nINSERT INTO side_effects (revision) VALUES ('c0000000000${i}');`,
      downgrade: i === 1 ? 'DROP TABLE side_effects;' : `DELETE FROM side_effects WHERE revision = 'c0000000000${i}';`,
    }));
    const chain = await chainOf(specs);
    const url = await freshDatabaseUrl();
    const [a, b] = await Promise.all([core.upgrade({ chain, url }), core.upgrade({ chain, url })]);
    assert.deepEqual([a.applied.length, b.applied.length].sort(), [0, 3]);
    const rows = await sql<{ revision: string }>(url, 'SELECT revision FROM side_effects ORDER BY at');
    assert.deepEqual(rows.map((r) => r.revision), ['c00000000001', 'c00000000002', 'c00000000003']);
    assert.deepEqual(await versionRows(url), ['c00000000003']);
  });

  it('a run that cannot get the lock in time names the holder', async () => {
    const chain = await chainOf([{ revision: 'l00000000001', upgrade: 'CREATE TABLE t (id int);', downgrade: 'DROP TABLE t;' }]);
    const url = await freshDatabaseUrl();
    const holder = new Client({ connectionString: url, application_name: 'holder-under-test' });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [core.DEFAULT_LOCK_KEY.toString()]);
      const { rows: [{ pid }] } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const started = Date.now();
      const err = await core.upgrade({ chain, url, lockTimeoutMs: 400 }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof core.LockTimeoutError, String(err));
      assert.ok(Date.now() - started >= 400);
      assert.equal(err.holder?.pid, pid);
      assert.equal(err.holder?.applicationName, 'holder-under-test');
      assert.match(err.message, new RegExp(`pid ${pid} \\(holder-under-test\\)`));
      assert.deepEqual(await tablesOf(url), [], 'nothing ran');
    } finally {
      await holder.end();
    }
  });

  it('cancelling mid-migration stops the statement and rolls that migration back', async () => {
    const chain = await chainOf([
      { revision: 's00000000001', upgrade: 'CREATE TABLE first_one (id int);', downgrade: 'DROP TABLE first_one;' },
      { revision: 's00000000002', down: 's00000000001', upgrade: 'CREATE TABLE slow_one (id int);\nSELECT pg_sleep(30);', downgrade: 'DROP TABLE slow_one;' },
    ]);
    const url = await freshDatabaseUrl();
    const controller = new AbortController();
    const run = core.upgrade({ chain, url, signal: controller.signal, applicationName: 'cancel-under-test' });
    await waitFor(async () => (await sql(url, `SELECT 1 FROM pg_stat_activity WHERE application_name = 'cancel-under-test' AND query LIKE '%pg_sleep%' AND state = 'active'`)).length > 0);
    const started = Date.now();
    controller.abort();
    const err = await run.then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof core.CancelledError, String(err));
    assert.equal(err.revision, 's00000000002');
    assert.ok(Date.now() - started < 5000, 'cancelled promptly');
    assert.deepEqual(await versionRows(url), ['s00000000001']);
    assert.deepEqual(await tablesOf(url), ['alembic_version', 'first_one', 'migration_chain_log']);
  });

  it('offline SQL applied as one script gives the same schema and version as a real upgrade', async () => {
    const chain = await core.loadChain(SEED_DIR);
    const online = await freshDatabaseUrl();
    const offline = await freshDatabaseUrl();
    await core.upgrade({ chain, url: online });
    const script = await core.renderSql({ chain, direction: 'up', target: 'head', url: offline });
    assert.match(script, /CREATE TABLE IF NOT EXISTS "alembic_version"/);
    assert.match(script, /UPDATE "alembic_version" SET version_num='556b79de2825' WHERE "alembic_version".version_num = 'add_discovery_query'/);
    await sql(offline, script);
    assert.deepEqual(await snapshot(offline), await snapshot(online));
    assert.deepEqual(await versionRows(offline), await versionRows(online));
    const status = await core.getStatus(chain, { url: offline });
    assert.deepEqual([...status.revisions.values()].map((r) => r.state), ['applied', 'applied', 'applied', 'current']);

    // With a reachable database the script starts from its recorded version.
    const partial = await freshDatabaseUrl();
    await core.upgrade({ chain, url: partial, target: '4b9608290b5d' });
    const rest = await core.renderSql({ chain, direction: 'up', target: 'head', url: partial });
    assert.doesNotMatch(rest, /CREATE TABLE jobs/);
    assert.match(rest, /-- Running upgrade 4b9608290b5d -> add_discovery_query/);
    await sql(partial, rest);
    assert.deepEqual(await snapshot(partial), await snapshot(online));

    const down = await core.renderSql({ chain, direction: 'down', target: 'base', from: ['556b79de2825'] });
    await sql(offline, down);
    assert.deepEqual(await tablesOf(offline), ['alembic_version', 'migration_chain_log']);
    assert.deepEqual(await versionRows(offline), []);
  });

  it('a merge with no SQL moves both version rows in one transaction, and is logged', async () => {
    // No statement carries BEGIN and the version change: the closing round trip opens the
    // transaction itself and checks the DELETE and the UPDATE of the merge.
    const chain = await chainOf([
      { revision: 'e0000000base', upgrade: 'CREATE TABLE e_base (id int);', downgrade: 'DROP TABLE e_base;' },
      { revision: 'e000000left1', down: 'e0000000base', upgrade: 'CREATE TABLE e_left (id int);', downgrade: 'DROP TABLE e_left;' },
      { revision: 'e00000right1', down: 'e0000000base', upgrade: 'CREATE TABLE e_right (id int);', downgrade: 'DROP TABLE e_right;' },
      { revision: 'e00000merge1', down: ['e000000left1', 'e00000right1'], upgrade: '-- a merge point: nothing to run', downgrade: '-- nothing to undo' },
    ]);
    const url = await freshDatabaseUrl();
    const result = await core.upgrade({ chain, url });
    assert.equal(result.applied.at(-1), 'e00000merge1');
    assert.deepEqual(await versionRows(url), ['e00000merge1']);
    const log = await sql<{ revision: string }>(url, "SELECT revision FROM migration_chain_log WHERE direction = 'upgrade' ORDER BY id");
    assert.deepEqual(log.map((r) => r.revision).sort(), ['e0000000base', 'e000000left1', 'e00000merge1', 'e00000right1']);
  });

  it('writes Alembic-compatible version rows across a branch and a merge', async () => {
    const chain = await chainOf([
      { revision: 'b0000000base', upgrade: 'CREATE TABLE base_t (id int);', downgrade: 'DROP TABLE base_t;' },
      { revision: 'b000000left1', down: 'b0000000base', upgrade: 'CREATE TABLE left_t (id int);', downgrade: 'DROP TABLE left_t;' },
      { revision: 'b00000right1', down: 'b0000000base', upgrade: 'CREATE TABLE right_t (id int);', downgrade: 'DROP TABLE right_t;' },
      { revision: 'b00000merge1', down: ['b000000left1', 'b00000right1'], upgrade: 'CREATE TABLE merged_t (id int);', downgrade: 'DROP TABLE merged_t;' },
    ]);
    const url = await freshDatabaseUrl();
    await core.upgrade({ chain, url, target: 'b000000left1' });
    assert.deepEqual(await versionRows(url), ['b000000left1']);
    await core.upgrade({ chain, url, target: 'b00000right1' });
    assert.deepEqual(await versionRows(url), ['b000000left1', 'b00000right1'], 'a branch INSERTs a second row');
    let status = await core.getStatus(chain, { url });
    assert.equal(status.revisions.get('b0000000base')?.state, 'applied');
    assert.equal(status.revisions.get('b000000left1')?.state, 'current');
    assert.deepEqual(status.pending, ['b00000merge1']);
    await core.upgrade({ chain, url });
    assert.deepEqual(await versionRows(url), ['b00000merge1'], 'the merge collapses both rows into one');
    const undoMerge = await core.downgrade({ chain, url, target: 'b000000left1' });
    assert.deepEqual(undoMerge.applied, ['b00000merge1']);
    assert.deepEqual(await versionRows(url), ['b000000left1', 'b00000right1'], 'undoing the merge restores both heads');
    await core.downgrade({ chain, url, target: 'b0000000base' });
    assert.deepEqual(await versionRows(url), ['b0000000base']);

    // Rows written by Alembic itself read the same way.
    await sql(url, `DELETE FROM alembic_version; INSERT INTO alembic_version VALUES ('b000000left1'), ('b00000right1')`);
    status = await core.getStatus(chain, { url });
    assert.deepEqual(status.heads, ['b000000left1', 'b00000right1']);
    const result = await core.upgrade({ chain, url });
    assert.deepEqual(result.applied, ['b00000merge1']);
  });

  it('an unknown revision in alembic_version is a state for status and a clear error for upgrade', async () => {
    const chain = await core.loadChain(SEED_DIR);
    const url = await freshDatabaseUrl();
    await core.upgrade({ chain, url });
    await sql(url, `UPDATE alembic_version SET version_num = '556b79de2826'`);
    const status = await core.getStatus(chain, { url });
    assert.equal(status.unknown[0].revision, '556b79de2826');
    assert.ok(status.unknown[0].nearest.includes('556b79de2825'));
    assert.equal(status.revisions.get('556b79de2826')?.state, 'unknown');
    await assert.rejects(core.upgrade({ chain, url }), (err: unknown) => err instanceof core.UnknownRevisionError && /556b79de2825/.test(err.message));
    const report = await core.verify({ chain, url });
    assert.equal(report.ok, false);
    assert.equal(report.checks.find((c) => c.name === 'unknown')?.ok, false);
  });

  it('records an audit row per migration and detects a file edited after apply', async () => {
    const dir = writeChainDir({
      'a00000000001.sql': sqlMigration({ revision: 'a00000000001', upgrade: 'CREATE TABLE audited (id int);', downgrade: 'DROP TABLE audited;' }),
      'a00000000002.sql': sqlMigration({ revision: 'a00000000002', down: 'a00000000001', upgrade: 'ALTER TABLE audited ADD COLUMN note text;', downgrade: 'ALTER TABLE audited DROP COLUMN note;' }),
    });
    let chain = await loadClean(dir);
    const url = await freshDatabaseUrl();
    await core.upgrade({ chain, url, applicationName: 'audit-under-test' });
    const rows = await sql<{ revision: string; direction: string; checksum: string; db_user: string; client: string; duration_ms: number }>(url,
      'SELECT revision, direction, checksum, db_user, client, duration_ms FROM migration_chain_log ORDER BY id');
    assert.deepEqual(rows.map((r) => [r.revision, r.direction, r.checksum, r.client]), [
      ['a00000000001', 'upgrade', chain.graph.get('a00000000001')!.checksum, 'audit-under-test'],
      ['a00000000002', 'upgrade', chain.graph.get('a00000000002')!.checksum, 'audit-under-test'],
    ]);
    assert.ok(rows.every((r) => r.db_user === 'postgres' || r.db_user.length > 0));

    const file = path.join(dir, 'a00000000001.sql');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('CREATE TABLE audited (id int);', 'CREATE TABLE audited (id bigint);'));
    chain = await loadClean(dir);
    const status = await core.getStatus(chain, { url });
    assert.equal(status.revisions.get('a00000000001')?.state, 'edited');
    assert.ok(status.revisions.get('a00000000001')?.appliedAt instanceof Date);
    assert.equal(status.revisions.get('a00000000002')?.state, 'current');
    const report = await core.verify({ chain, url });
    assert.equal(report.ok, false);
    assert.deepEqual(report.edited.map((e) => e.revision), ['a00000000001']);

    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await core.acceptChecksum(client, core.bookkeeping(), 'a00000000001', chain.graph.get('a00000000001')!.checksum, 'test');
    } finally {
      await client.end();
    }
    assert.equal((await core.getStatus(chain, { url })).revisions.get('a00000000001')?.state, 'applied');

    // Revisions applied without the log (Alembic) are applied, checksum unknown.
    await sql(url, 'DROP TABLE migration_chain_log');
    const alembicOnly = await core.getStatus(chain, { url });
    assert.equal(alembicOnly.revisions.get('a00000000001')?.state, 'applied');
    assert.equal(alembicOnly.revisions.get('a00000000001')?.appliedChecksum, undefined);
  });

  it('refuses a downgrade through an irreversible revision and changes nothing', async () => {
    const chain = await chainOf([
      { revision: 'i00000000001', upgrade: 'CREATE TABLE keep_a (id int);', downgrade: 'DROP TABLE keep_a;' },
      { revision: 'i00000000002', down: 'i00000000001', upgrade: 'CREATE TABLE keep_b (id int);' },
      { revision: 'i00000000003', down: 'i00000000002', upgrade: 'CREATE TABLE keep_c (id int);', downgrade: 'DROP TABLE keep_c;' },
    ]);
    const url = await freshDatabaseUrl();
    await core.upgrade({ chain, url });
    const plan = await core.planRun({ chain, url, direction: 'down', target: 'base' });
    assert.deepEqual(plan.steps.map((s) => s.revision), ['i00000000003', 'i00000000002', 'i00000000001']);
    assert.deepEqual(plan.irreversible, ['i00000000002']);
    await assert.rejects(core.downgrade({ chain, url, target: 'base' }), (err: unknown) => {
      assert.ok(err instanceof core.MigrationChainError);
      assert.equal(err.code, 'irreversible');
      assert.match(err.message, /i00000000002/);
      assert.doesNotMatch(err.message, /i00000000003 \(/);
      return true;
    });
    assert.deepEqual(await versionRows(url), ['i00000000003']);
    assert.deepEqual(await tablesOf(url), ['alembic_version', 'keep_a', 'keep_b', 'keep_c', 'migration_chain_log']);
    const partial = await core.downgrade({ chain, url, target: 'i00000000002' });
    assert.deepEqual(partial.applied, ['i00000000003'], 'a downgrade that stops above it still works');
  });

  it('runs a non-transactional migration (CREATE INDEX CONCURRENTLY) and a .js migration', async () => {
    const dir = writeChainDir({
      'n00000000001.sql': sqlMigration({ revision: 'n00000000001', upgrade: 'CREATE TABLE items (id int, name text);', downgrade: 'DROP TABLE items;' }),
      'n00000000002.sql': sqlMigration({
        revision: 'n00000000002', down: 'n00000000001', transactional: false,
        upgrade: 'CREATE INDEX CONCURRENTLY items_name_idx ON items (name);', downgrade: 'DROP INDEX CONCURRENTLY items_name_idx;',
      }),
      'n00000000003.js': [
        "exports.revision = 'n00000000003';",
        "exports.down_revision = 'n00000000002';",
        "exports.message = 'seed rows from js';",
        "exports.upgrade = async ({ sql }) => { await sql('INSERT INTO items (id, name) VALUES ($1, $2)', [1, 'from js']); };",
        "exports.downgrade = async ({ sql }) => { await sql('DELETE FROM items WHERE id = $1', [1]); };",
        '',
      ].join('\n'),
    });
    const chain = await loadClean(dir);
    const url = await freshDatabaseUrl();
    const result = await core.upgrade({ chain, url });
    assert.deepEqual(result.applied, ['n00000000001', 'n00000000002', 'n00000000003']);
    assert.equal((await sql(url, `SELECT 1 FROM pg_indexes WHERE indexname = 'items_name_idx'`)).length, 1);
    assert.deepEqual(await sql(url, 'SELECT id, name FROM items'), [{ id: 1, name: 'from js' }]);
    await core.downgrade({ chain, url, target: 'n00000000001' });
    assert.equal((await sql(url, `SELECT 1 FROM pg_indexes WHERE indexname = 'items_name_idx'`)).length, 0);
    assert.deepEqual(await versionRows(url), ['n00000000001']);
  });

  it('quotes a hostile version-table name and schema', async () => {
    const chain = await chainOf([{ revision: 'h00000000001', upgrade: 'CREATE TABLE victim (id int);', downgrade: 'DROP TABLE victim;' }]);
    const url = await freshDatabaseUrl();
    const versionTable = 'ver"; DROP TABLE victim; --';
    const versionTableSchema = 'Odd "Schema"';
    await sql(url, 'CREATE SCHEMA "Odd ""Schema"""');
    await core.upgrade({ chain, url, versionTable, versionTableSchema });
    assert.deepEqual(await tablesOf(url), ['victim']);
    assert.deepEqual(await tablesOf(url, versionTableSchema), ['migration_chain_log', versionTable].sort());
    assert.deepEqual(await versionRows(url, '"Odd ""Schema"""."ver""; DROP TABLE victim; --"'), ['h00000000001']);
    const status = await core.getStatus(chain, { url, versionTable, versionTableSchema });
    assert.deepEqual(status.heads, ['h00000000001']);
    await assert.rejects(core.upgrade({ chain, url, versionTable: 'x'.repeat(64) }), (e: unknown) => e instanceof core.MigrationChainError && e.code === 'usage');
  });
});

async function snapshot(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await readSchema(client, 'public');
  } finally {
    await client.end();
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}
