// Alembic projects through the `migration-chain` CLI, with real Alembic (Debian's python3-alembic) on
// the example in examples/alembic-backend/: reset, upgrade, downgrade, stamp, verify, the seed's four
// scenarios, refusals that drop nothing, the lock between two resets, and no orphan after kill -9.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freshDatabaseUrl } from '../support/db-hooks';
import { cli as checkedCli, expectExit, query } from '../support/cli-checks';
import { alembicPython } from '../support/alembic';
import { describeRun, REPO_ROOT, startCli, type CliOptions, type CliResult } from '../reliability/support/cli';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'alembic-backend');
const BACKEND = path.join(EXAMPLE, 'backend');
const HEAD = '556b79de2825';
const APP_TABLES = ['discovery_queries', 'email_logs', 'jobs', 'prospects', 'settings'];
// An upgrade or reset through Migration Chain writes its audit log (each revision's kept downgrade, docs/authoring.md).
const WITH_BOOKKEEPING = ['alembic_version', ...APP_TABLES, 'migration_chain_log'].sort();

/** The Alembic runs take longer than the default CLI timeout. */
const cli = (args: string[], opts: CliOptions = {}): Promise<CliResult> => checkedCli(args, { timeoutMs: 120_000, ...opts });

const versions = async (url: string) =>
  (await query<{ version_num: string }>(url, 'SELECT version_num FROM alembic_version ORDER BY 1')).map((r) => r.version_num);
const tables = async (url: string) =>
  (await query<{ tablename: string }>(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).map((r) => r.tablename);
const prospectCount = async (url: string) => Number((await query<{ n: string }>(url, 'SELECT count(*) AS n FROM prospects'))[0].n);

/** A copy of the example project to break or slow down; returns its alembic.ini. */
function copyExample(edit?: (backend: string) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-alembic-'));
  fs.cpSync(BACKEND, path.join(dir, 'backend'), { recursive: true, filter: (src) => !src.includes('__pycache__') });
  edit?.(path.join(dir, 'backend'));
  return path.join(dir, 'backend', 'alembic.ini');
}

/** A fifth revision that sleeps in the database for $SLOW_SECONDS (default 0) while Alembic runs. */
function addSlowRevision(backend: string): void {
  fs.writeFileSync(path.join(backend, 'alembic', 'versions', 'slow0000_sleep.py'), [
    '"""sleep for the tests"""',
    'import os',
    'from alembic import op',
    '',
    'revision = "slow0000"',
    'down_revision = "556b79de2825"',
    'branch_labels = None',
    'depends_on = None',
    '',
    '',
    'def upgrade():',
    '    op.execute("SELECT pg_sleep(%s)" % float(os.environ.get("SLOW_SECONDS", "0")))',
    '',
    '',
    'def downgrade():',
    '    pass',
    '',
  ].join('\n'));
}

async function populate(url: string): Promise<void> {
  await query(url, "INSERT INTO prospects (email) VALUES ('a@example.com'), ('b@example.com')");
}

describe('Alembic projects through the CLI (real Alembic)', function () {
  this.timeout(180_000);
  let url: string;
  before(() => { alembicPython(); });
  beforeEach(async () => { url = await freshDatabaseUrl('alembic'); });

  it('reset from backend/ (no flags): Alembic rebuilds the schema, verify passes, the schema equals the native chain\'s', async () => {
    const args = ['reset', '--yes'];
    const r = await cli(args, { cwd: BACKEND, env: { DATABASE_URL: url } });
    expectExit(args, r, 0);
    assert.match(r.stderr, /Preflight: alembic heads/);
    assert.match(r.stderr, /Running upgrade add_discovery_query -> 556b79de2825/, 'Alembic\'s own output is streamed');
    assert.match(r.stdout, /^verify: OK/m);
    assert.deepEqual(await versions(url), [HEAD]);
    assert.deepEqual(await tables(url), WITH_BOOKKEEPING);

    const native = await freshDatabaseUrl('native');
    expectExit(['upgrade'], await cli(['upgrade', '--dir', path.join(REPO_ROOT, 'migrations'), '--url', native]), 0);
    const { readSchema, diffSchemas, withConnection } = await import('../../src/core');
    const schemaOf = (u: string) => withConnection(u, {}, (c) => readSchema(c, 'public', { exclude: ['alembic_version', 'migration_chain_log'] }));
    const diff = diffSchemas(await schemaOf(native), await schemaOf(url));
    assert.deepEqual(diff, [], 'the Python revisions build the native chain\'s schema');
  });

  it('upgrade, downgrade to base and back, stamp, verify with --config from the repository root', async () => {
    const ini = path.join(BACKEND, 'alembic.ini');
    const run = async (args: string[], code = 0) => {
      const full = [...args, '--config', ini, '--url', url];
      const r = await cli(full, { cwd: EXAMPLE });
      expectExit(full, r, code);
      return r;
    };
    const up = await run(['upgrade', '4b9608290b5d']);
    assert.match(up.stdout, /Upgraded <base> -> 4b9608290b5d: 2 migrations/);
    assert.deepEqual(await versions(url), ['4b9608290b5d']);
    // Partial chain (seed scenario 3): only the missing revisions run.
    const rest = await run(['upgrade']);
    assert.match(rest.stdout, /Upgraded 4b9608290b5d -> 556b79de2825: 2 migrations/);
    assert.doesNotMatch(rest.stderr, /Running upgrade\s+-> 000000000000/);
    assert.match(rest.stdout, /^verify: OK/m);
    // The verify report once on the terminal (stdout and stderr together): the engine used to log each check too.
    const both = `${rest.stderr}\n${rest.stdout}`.split('\n');
    assert.equal(both.filter((l) => /^✔ version: alembic_version = 556b79de2825/.test(l)).length, 1, both.join('\n'));
    assert.equal(both.filter((l) => /^✔ pending: no pending revisions/.test(l)).length, 1, both.join('\n'));

    const down = await run(['downgrade', 'base', '--yes']);
    assert.match(down.stdout, /Downgraded 556b79de2825 -> <base>: 4 migrations/);
    assert.match(down.stderr, /The downgrade SQL \(alembic downgrade --sql\) deletes data:[\s\S]*DROP TABLE discovery_queries \(add_discovery_query\)/);
    assert.deepEqual(await tables(url), ['alembic_version', 'migration_chain_log']);
    // Offline SQL from the database's (empty) state is the project's Alembic's own `upgrade --sql`.
    const sql = await run(['upgrade', '4b9608290b5d', '--sql']);
    assert.match(sql.stdout, /-- Running upgrade 000000000000 -> 4b9608290b5d\s+CREATE TABLE settings/);
    const stopped = await run(['upgrade', 'head', '--sql'], 7);
    assert.match(stopped.stderr, /Revision 556b79de2825 \(\S+556b79de2825_add_discovery_query_id_to_prospects_safe\.py:21\) cannot run in Alembic's offline mode/);
    await run(['upgrade', 'head']);
    assert.deepEqual(await versions(url), [HEAD]);
    assert.deepEqual(await tables(url), WITH_BOOKKEEPING);

    await run(['stamp', 'add_discovery_query']);
    assert.deepEqual(await versions(url), ['add_discovery_query']);
    const stale = await run(['verify'], 6);
    assert.match(stale.stdout, /1 pending: 556b79de2825/);
    await run(['stamp', 'head']);
    const verify = await run(['verify']);
    assert.match(verify.stdout, /^verify: OK/m);
  });

  it('seed scenario 2: tables from create_all and no version table — upgrade fails, reset rebuilds', async () => {
    // create_all's tables: the native chain's schema without any version table.
    expectExit(['upgrade'], await cli(['upgrade', '--dir', path.join(REPO_ROOT, 'migrations'), '--url', url]), 0);
    await query(url, 'DROP TABLE alembic_version; DROP TABLE IF EXISTS migration_chain_log');
    await populate(url);
    const up = ['upgrade', '--url', url];
    const failed = await cli(up, { cwd: BACKEND });
    assert.notEqual(failed.code, 0, describeRun(up, failed));
    assert.match(failed.stderr, /already exists/, 'Alembic\'s own error reaches the user');
    assert.equal(await prospectCount(url), 2, 'a failed upgrade changed nothing');

    const reset = ['reset', '--yes', '--url', url];
    const r = await cli(reset, { cwd: BACKEND });
    expectExit(reset, r, 0);
    assert.match(r.stderr, /prospects \(2 rows\)/, 'the tables to be dropped are shown with their rows');
    assert.equal(await prospectCount(url), 0);
    assert.deepEqual(await versions(url), [HEAD]);
  });

  it('seed scenario 4: populated reset', async () => {
    expectExit(['reset'], await cli(['reset', '--yes', '--url', url], { cwd: BACKEND }), 0);
    await populate(url);
    const r = await cli(['reset', '--yes', '--url', url], { cwd: BACKEND });
    expectExit(['reset'], r, 0);
    assert.equal(await prospectCount(url), 0);
    assert.match(r.stdout, /^verify: OK/m);
  });

  describe('reset refused, nothing dropped', () => {
    beforeEach(async () => {
      expectExit(['upgrade'], await cli(['upgrade', '--url', url], { cwd: BACKEND }), 0);
      await populate(url);
    });
    const untouched = async () => {
      assert.equal(await prospectCount(url), 2, 'the data is still there');
      assert.deepEqual(await versions(url), [HEAD]);
    };

    it('when the Alembic command is missing', async () => {
      const args = ['reset', '--yes', '--url', url, '--alembic-command', '/nonexistent/bin/alembic'];
      const r = await cli(args, { cwd: BACKEND });
      assert.notEqual(r.code, 0, describeRun(args, r));
      assert.match(r.stderr, /Reset refused before dropping anything: The Alembic command was not found: \/nonexistent\/bin\/alembic/);
      assert.match(r.stderr, /Nothing was dropped/);
      await untouched();
    });

    it('when env.py raises', async () => {
      const ini = copyExample((backend) => {
        const env = path.join(backend, 'alembic', 'env.py');
        fs.writeFileSync(env, fs.readFileSync(env, 'utf8').replace('config = context.config', 'raise ImportError("app.models cannot be imported")\nconfig = context.config'));
      });
      const args = ['reset', '--yes', '--url', url, '--config', ini];
      const r = await cli(args);
      assert.notEqual(r.code, 0, describeRun(args, r));
      assert.match(r.stderr, /app\.models cannot be imported/, 'the traceback\'s cause is shown');
      assert.match(r.stderr, /Nothing was dropped/);
      assert.match(r.stderr, /env\.py could not run/);
      await untouched();
    });

    it('when the rehearsal on a scratch database fails (a revision whose SQL fails)', async () => {
      const ini = copyExample((backend) => {
        fs.writeFileSync(path.join(backend, 'alembic', 'versions', 'fail0000_broken.py'), [
          '"""a revision whose SQL fails"""',
          'from alembic import op',
          '',
          'revision = "fail0000"',
          'down_revision = "556b79de2825"',
          'branch_labels = None',
          'depends_on = None',
          '',
          '',
          'def upgrade():',
          '    op.execute("INSERT INTO no_such_table VALUES (1)")',
          '',
          '',
          'def downgrade():',
          '    pass',
          '',
        ].join('\n'));
      });
      const args = ['reset', '--yes', '--url', url, '--config', ini];
      const r = await cli(args);
      assert.notEqual(r.code, 0, describeRun(args, r));
      assert.match(r.stdout + r.stderr, /Rehearsed on a scratch database/, 'the guarantee is said before anything runs');
      assert.match(r.stderr, /rehearsal on the scratch database \S+_mc_rehearsal_[0-9a-f]+ failed/);
      assert.match(r.stderr, /no_such_table/);
      await untouched();
      const scratch = await query<{ datname: string }>(url, "SELECT datname FROM pg_database WHERE strpos(datname, '_mc_rehearsal_') > 0");
      assert.deepEqual(scratch, [], 'the scratch database is dropped');
    });

    it('when the chain has an error (a duplicate revision)', async () => {
      const ini = copyExample((backend) => {
        const versionsDir = path.join(backend, 'alembic', 'versions');
        fs.copyFileSync(path.join(versionsDir, '4b9608290b5d_add_settings_table.py'), path.join(versionsDir, 'copy_of_settings.py'));
      });
      const args = ['reset', '--yes', '--url', url, '--config', ini];
      const r = await cli(args);
      assert.notEqual(r.code, 0, describeRun(args, r));
      assert.match(r.stderr, /Reset refused before dropping anything/);
      assert.match(r.stderr, /4b9608290b5d/);
      await untouched();
    });
  });

  it('two concurrent resets through the CLI are serialised by the migration lock', async () => {
    const ini = copyExample(addSlowRevision);
    // Without the rehearsal, which runs before the lock is taken: this test is about the lock.
    const args = ['reset', '--yes', '--no-rehearsal', '--url', url, '--config', ini];
    // The first sleeps long enough inside its Alembic run for the second's preflight to finish.
    const first = startCli(args, { env: { DATABASE_URL: '', SLOW_SECONDS: '20' }, timeoutMs: 150_000 });
    await first.waitForOutput(/Running upgrade 556b79de2825 -> slow0000/, 90_000);
    const second = startCli(args, { env: { DATABASE_URL: '', SLOW_SECONDS: '0' }, timeoutMs: 150_000 });
    const ended = (p: Promise<CliResult>) => p.then((r) => ({ r, at: performance.now() }));
    const [{ r: a, at: aEnd }, { r: b, at: bEnd }] = await Promise.all([ended(first.done), ended(second.done)]);
    expectExit(args, a, 0);
    expectExit(args, b, 0);
    assert.match(b.stderr, /Waiting for the migration lock .* held by pid \d+ \(migration-chain cli\)/, `the second waited for the first\n${b.stderr}`);
    assert.ok(bEnd > aEnd, 'the second finished after the first');
    assert.deepEqual(await versions(url), ['slow0000']);
  });

  it('kill -9 of the CLI during an Alembic run leaves no alembic process behind', async () => {
    const ini = copyExample(addSlowRevision);
    const args = ['upgrade', '--url', url, '--config', ini];
    const run = startCli(args, { env: { DATABASE_URL: '', SLOW_SECONDS: '60' }, timeoutMs: 120_000 });
    await run.waitForOutput(/Running upgrade 556b79de2825 -> slow0000/, 60_000);
    const alembicPids = () => processesMentioning(ini);
    assert.ok(alembicPids().length > 0, 'Alembic runs while the CLI is alive');
    run.child.kill('SIGKILL');
    await run.done;
    const deadline = Date.now() + 20_000;
    while (alembicPids().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(alembicPids(), [], 'no alembic (or supervisor) process outlives the CLI');
  });
});

/** pids of live processes whose command line contains `text` (from /proc; this suite runs on Linux). */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      const state = /^State:\s+(\S)/m.exec(fs.readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (cmdline.includes(text) && state !== 'Z') pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}
