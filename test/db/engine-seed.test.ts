// The seed's reset, status and verify scenarios (README "How runs work", ARCHITECTURE.md) against a real PostgreSQL, on the seed chain
// in migrations/. Each test runs on its own fresh database.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as core from '../../src/core';
import { freshDatabaseUrl, server } from '../support/db-hooks';
import { memoryLogger, sql, tablesOf, versionRows } from '../support/chains';

const SEED_DIR = path.join(__dirname, '..', '..', '..', 'migrations');
const SEED_TABLES = ['discovery_queries', 'email_logs', 'jobs', 'prospects', 'settings'];
const SEED_HEAD = '556b79de2825';

/** What `Base.metadata.create_all` would have made: the seed's tables, without any version table. */
async function createAll(url: string, chain: core.Chain): Promise<void> {
  for (const revision of chain.graph.topologicalOrder()) {
    await sql(url, chain.graph.get(revision)!.upgrade!.text);
  }
}

describe('engine on the seed chain', () => {
  let chain: core.Chain;
  before(async () => {
    chain = await core.loadChain(SEED_DIR);
    assert.deepEqual(chain.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(chain.graph.heads, [SEED_HEAD]);
  });

  it('scenario 1: a fresh database gets exactly the 5 tables and version 556b79de2825', async () => {
    const url = await freshDatabaseUrl();
    const result = await core.upgrade({ chain, url });
    assert.deepEqual(result.applied, ['000000000000', '4b9608290b5d', 'add_discovery_query', SEED_HEAD]);
    assert.deepEqual(result.from, []);
    assert.deepEqual(result.to, [SEED_HEAD]);
    assert.deepEqual(await tablesOf(url), [...SEED_TABLES, 'alembic_version', 'migration_chain_log'].sort());
    assert.deepEqual(await versionRows(url), [SEED_HEAD]);
  });

  it('verify answers the seed\'s four verification queries', async () => {
    const url = await freshDatabaseUrl();
    await core.upgrade({ chain, url });
    const report = await core.verify({ chain, url });
    assert.equal(report.ok, true, JSON.stringify(report.checks.filter((c) => !c.ok)));
    // 1. tables (the bookkeeping tables apart)
    assert.deepEqual(report.tables, SEED_TABLES);
    assert.deepEqual(report.bookkeepingTables, ['alembic_version', 'migration_chain_log']);
    // 2. alembic_version
    assert.deepEqual(report.versions, { recorded: [SEED_HEAD], expected: [SEED_HEAD] });
    // 3. foreign keys
    assert.ok(report.foreignKeys.some((f) => f.table === 'prospects' && f.column === 'discovery_query_id' && f.foreignTable === 'discovery_queries'));
    assert.ok(report.foreignKeys.every((f) => SEED_TABLES.includes(f.table) && SEED_TABLES.includes(f.foreignTable)));
    // 4. prospects.discovery_query_id: type and nullability, as information_schema reports them
    const [expected] = await sql<{ data_type: string; is_nullable: string }>(url,
      `SELECT data_type, is_nullable FROM information_schema.columns WHERE table_name = 'prospects' AND column_name = 'discovery_query_id'`);
    const column = report.columns.find((c) => c.table === 'prospects' && c.column === 'discovery_query_id');
    assert.deepEqual(column, { table: 'prospects', column: 'discovery_query_id', dataType: expected.data_type, nullable: expected.is_nullable === 'YES' });
    // every migration's verify block ran and passed
    assert.equal(report.verifyBlocks.filter((b) => b.ok).length, chain.migrations.filter((m) => m.verify).length);
  });

  it('scenario 2: tables made by create_all make upgrade fail naming the table; stamp head adopts them and verify passes', async () => {
    const url = await freshDatabaseUrl();
    await createAll(url, chain);
    await assert.rejects(core.upgrade({ chain, url }), (err: unknown) => {
      assert.ok(err instanceof core.SqlError, String(err));
      assert.equal(err.revision, '000000000000');
      assert.match(err.message, /relation "jobs" already exists/);
      assert.match(err.message, /stamp head/);
      assert.equal(err.location?.file, chain.graph.get('000000000000')!.file);
      const text = fs.readFileSync(err.location!.file, 'utf8').split('\n')[err.location!.line - 1];
      assert.match(text, /CREATE TABLE jobs/);
      return true;
    });
    assert.deepEqual(await versionRows(url), [], 'nothing recorded');

    const stamped = await core.stamp({ chain, url, target: 'head' });
    assert.deepEqual(stamped.to, [SEED_HEAD]);
    assert.ok(stamped.verified.length > 0 && stamped.verified.every((v) => v.ok));
    assert.deepEqual(await versionRows(url), [SEED_HEAD]);
    const report = await core.verify({ chain, url });
    assert.equal(report.ok, true, JSON.stringify(report.checks.filter((c) => !c.ok)));
    assert.deepEqual(report.tables, SEED_TABLES);
  });

  it('stamp refuses to pass a revision whose verify block fails, unless forced', async () => {
    const url = await freshDatabaseUrl();
    await core.upgrade({ chain, url, target: 'add_discovery_query' });
    await assert.rejects(core.stamp({ chain, url, target: 'head' }), (err: unknown) => {
      assert.ok(err instanceof core.MigrationChainError);
      assert.equal(err.code, 'verify');
      assert.match(err.message, /556b79de2825/);
      assert.match(err.message, /discovery_query_id/);
      return true;
    });
    assert.deepEqual(await versionRows(url), ['add_discovery_query']);
    const forced = await core.stamp({ chain, url, target: 'head', force: true });
    assert.equal(forced.forced, true);
    assert.deepEqual(await versionRows(url), [SEED_HEAD]);
  });

  it('scenario 3: with a partial chain applied only the missing migrations run', async () => {
    const url = await freshDatabaseUrl();
    const first = await core.upgrade({ chain, url, target: '4b9608290b5d' });
    assert.deepEqual(first.applied, ['000000000000', '4b9608290b5d']);
    assert.deepEqual(await versionRows(url), ['4b9608290b5d']);
    const second = await core.upgrade({ chain, url });
    assert.deepEqual(second.applied, ['add_discovery_query', SEED_HEAD]);
    assert.deepEqual(second.from, ['4b9608290b5d']);
    assert.deepEqual(await versionRows(url), [SEED_HEAD]);
  });

  it('556b79de2825 is idempotent: it succeeds when the column and foreign key already exist', async () => {
    const url = await freshDatabaseUrl();
    await createAll(url, chain);
    await core.stamp({ chain, url, target: 'add_discovery_query' });
    const result = await core.upgrade({ chain, url });
    assert.deepEqual(result.applied, [SEED_HEAD]);
    const fks = await sql(url, `SELECT conname FROM pg_constraint WHERE conrelid = 'prospects'::regclass AND confrelid = 'discovery_queries'::regclass`);
    assert.equal(fks.length, 1, 'no duplicate foreign key');
  });

  it('upgrading twice is a no-op', async () => {
    const url = await freshDatabaseUrl();
    await core.upgrade({ chain, url });
    const log = memoryLogger();
    const again = await core.upgrade({ chain, url, logger: log });
    assert.deepEqual(again.applied, []);
    assert.deepEqual(again.from, [SEED_HEAD]);
    assert.ok(log.lines.some((l) => /nothing to upgrade/.test(l)));
    const rows = await sql<{ n: string }>(url, `SELECT count(*) AS n FROM migration_chain_log`);
    assert.equal(Number(rows[0].n), 4, 'no extra audit rows');
  });

  it('downgrades to base and back', async () => {
    const url = await freshDatabaseUrl();
    await core.upgrade({ chain, url });
    const down = await core.downgrade({ chain, url, target: 'base' });
    assert.deepEqual(down.applied, [SEED_HEAD, 'add_discovery_query', '4b9608290b5d', '000000000000']);
    assert.deepEqual(down.to, []);
    assert.deepEqual(await tablesOf(url), ['alembic_version', 'migration_chain_log']);
    assert.deepEqual(await versionRows(url), []);
    const up = await core.upgrade({ chain, url });
    assert.equal(up.applied.length, 4);
    assert.deepEqual(await versionRows(url), [SEED_HEAD]);
    const relative = await core.downgrade({ chain, url, target: '-1' });
    assert.deepEqual(relative.applied, [SEED_HEAD]);
    assert.deepEqual(await versionRows(url), ['add_discovery_query']);
  });

  it('scenario 4: reset of a populated database drops the data, rebuilds 5 tables and restores public\'s owner, grants and comment', async () => {
    const url = await freshDatabaseUrl();
    await core.upgrade({ chain, url });
    await sql(url, `INSERT INTO jobs (type) VALUES ('scrape'), ('send')`);
    await sql(url, `CREATE TABLE stray (id int)`);
    const role = `mc_reader_${Date.now()}`;
    await sql(url, `CREATE ROLE ${role}`);
    await sql(url, `GRANT CREATE ON SCHEMA public TO ${role}`);
    await sql(url, `COMMENT ON SCHEMA public IS 'the app''s schema'`);
    const aclBefore = await sql<{ owner: string; acl: string; comment: string }>(url,
      `SELECT pg_get_userbyid(nspowner) AS owner, nspacl::text AS acl, obj_description(oid, 'pg_namespace') AS comment FROM pg_namespace WHERE nspname = 'public'`);
    const [{ v }] = await sql<{ v: string }>(url, `SELECT current_setting('server_version_num') AS v`);
    if (Number(v) >= 150000) assert.equal(aclBefore[0].owner, 'pg_database_owner');

    const log = memoryLogger();
    let shown: core.DatabaseDescription | undefined;
    const result = await core.reset({ chain, url, logger: log, confirm: async (info) => { shown = info; return true; } });

    assert.ok(shown);
    assert.deepEqual(shown.tables.find((t) => t.name === 'jobs'), { name: 'jobs', rows: 2 });
    assert.ok(shown.tables.some((t) => t.name === 'stray'));
    assert.deepEqual(await tablesOf(url), [...SEED_TABLES, 'alembic_version', 'migration_chain_log'].sort());
    assert.deepEqual(await sql(url, 'SELECT * FROM jobs'), []);
    assert.deepEqual(await versionRows(url), [SEED_HEAD]);
    assert.equal(result.verify.ok, true);
    assert.deepEqual(result.applied.length, 4);
    const aclAfter = await sql(url,
      `SELECT pg_get_userbyid(nspowner) AS owner, nspacl::text AS acl, obj_description(oid, 'pg_namespace') AS comment FROM pg_namespace WHERE nspname = 'public'`);
    assert.deepEqual(aclAfter, aclBefore);
    for (const step of ['Read current tables', 'Drop and recreate schema public', 'Upgrade to head', 'Verify']) {
      assert.ok(log.lines.some((l) => l.includes(`✔ ${step} (`)), `step "${step}" logged with its duration:\n${log.lines.join('\n')}`);
    }
    assert.ok(!log.lines.join('\n').includes(server().password), 'password never logged');
    await sql(url, `DROP OWNED BY ${role}; DROP ROLE ${role}`);
  });

  it('reset does nothing unless confirmed', async () => {
    const url = await freshDatabaseUrl();
    await core.upgrade({ chain, url });
    await sql(url, `INSERT INTO jobs (type) VALUES ('keep me')`);
    await assert.rejects(core.reset({ chain, url, confirm: async () => false }), core.ConfirmationError);
    assert.equal((await sql(url, 'SELECT * FROM jobs')).length, 1);
  });

  it('reset with a backup: pg_dump either backs up or the version mismatch is named and nothing is dropped', async () => {
    const url = await freshDatabaseUrl();
    await core.upgrade({ chain, url });
    await sql(url, `INSERT INTO jobs (type) VALUES ('precious')`);
    const backupFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mc-backup-')), 'backup.sql');
    const pgDump = findOnPath('pg_dump');
    const pgDumpMajor = pgDump ? Number(/\(PostgreSQL\)\s+(\d+)/.exec(require('node:child_process').execFileSync(pgDump, ['--version']).toString())?.[1]) : 0;
    const [{ v }] = await sql<{ v: string }>(url, `SELECT current_setting('server_version_num') AS v`);
    const serverMajor = Math.floor(Number(v) / 10000);
    if (pgDump && pgDumpMajor >= serverMajor) {
      const result = await core.reset({ chain, url, backupFile, confirm: async () => true });
      assert.ok(result.backup && result.backup.bytes > 0);
      assert.match(fs.readFileSync(backupFile, 'utf8'), /precious/);
      return;
    }
    await assert.rejects(core.reset({ chain, url, backupFile, confirm: async () => true }), (err: unknown) => {
      assert.ok(err instanceof core.MigrationChainError);
      assert.match(err.message, pgDump ? new RegExp(`pg_dump ${pgDumpMajor} .*PostgreSQL ${serverMajor}`) : /pg_dump was not found/);
      assert.match(err.message, /Nothing was changed/);
      return true;
    });
    assert.equal((await sql(url, 'SELECT * FROM jobs')).length, 1, 'nothing dropped');
    const allowed = await core.reset({ chain, url, backupFile, continueWithoutBackup: true, confirm: async () => true });
    assert.ok(allowed.backupSkipped);
    assert.equal((await sql(url, 'SELECT * FROM jobs')).length, 0);
  });
});

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}
