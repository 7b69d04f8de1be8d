// The `migration-chain` CLI end to end: the compiled entry point run as a child process against a
// fresh database on the test server, on the seed chain in migrations/.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freshDatabaseUrl } from '../support/db-hooks';
import { cli, expectExit, query } from '../support/cli-checks';
import { describeRun, REPO_ROOT, startCli } from '../reliability/support/cli';
import { assertNoSecret, assertOneCleanFailure } from '../reliability/support/failure-output';

const SEED_DIR = path.join(REPO_ROOT, 'migrations');
const SEED_HEAD = '556b79de2825';


const versions = async (url: string) => (await query<{ version_num: string }>(url, 'SELECT version_num FROM alembic_version')).map((r) => r.version_num);
const tables = async (url: string) =>
  (await query<{ tablename: string }>(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).map((r) => r.tablename);
const databaseOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

describe('cli end to end (seed chain)', function () {
  this.timeout(120_000);
  let url: string;
  beforeEach(async () => { url = await freshDatabaseUrl('cli'); });

  it('upgrade, current, history, status, verify on a fresh database', async () => {
    const up = ['upgrade', '--dir', SEED_DIR, '--url', url];
    const upgraded = await cli(up);
    expectExit(up, upgraded, 0);
    assert.match(upgraded.stdout, new RegExp(`<base> -> ${SEED_HEAD}: 4 migrations`));
    assert.match(upgraded.stderr, /000000000000/, 'progress goes to stderr');
    assert.ok(!upgraded.stdout.includes('000000000000 ('), 'stdout has only the result');
    assert.deepEqual(await versions(url), [SEED_HEAD]);

    const again = await cli(up);
    expectExit(up, again, 0);
    assert.match(again.stdout, /Nothing to do/);

    const current = await cli(['current', '--dir', SEED_DIR, '--url', url]);
    expectExit(['current'], current, 0);
    assert.equal(current.stdout.trim(), `${SEED_HEAD} (head)`);

    const history = await cli(['history', '--dir', SEED_DIR, '--url', url]);
    expectExit(['history'], history, 0);
    const lines = history.stdout.trim().split('\n');
    assert.equal(lines.length, 4, history.stdout);
    assert.match(lines[0], new RegExp(`^add_discovery_query -> ${SEED_HEAD} \\(head\\) \\(current\\), \\S`));
    assert.match(lines[3], /^<base> -> 000000000000, \S/);

    const status = await cli(['status', '--json', '--dir', SEED_DIR, '--url', url]);
    expectExit(['status'], status, 0);
    const parsed = JSON.parse(status.stdout) as { current: string[]; pending: string[]; database: string };
    assert.deepEqual(parsed.current, [SEED_HEAD]);
    assert.deepEqual(parsed.pending, []);
    assert.match(parsed.database, /:\*\*\*\*@/, 'the URL is shown masked');

    const verify = await cli(['verify', '--dir', SEED_DIR, '--url', url]);
    expectExit(['verify'], verify, 0);
    assert.match(verify.stdout, /^verify: OK/m);
    const verifyJson = await cli(['verify', '--json', '--dir', SEED_DIR, '--url', url]);
    expectExit(['verify', '--json'], verifyJson, 0);
    assert.equal((JSON.parse(verifyJson.stdout) as { ok: boolean }).ok, true);
  });

  it('status counts pending migrations of a partly migrated database', async () => {
    expectExit(['upgrade', '4b9608290b5d'], await cli(['upgrade', '4b9608290b5d', '--dir', SEED_DIR, '--url', url]), 0);
    const status = await cli(['status', '--dir', SEED_DIR, '--url', url]);
    expectExit(['status'], status, 0);
    assert.match(status.stdout, /^current: +4b9608290b5d$/m);
    assert.match(status.stdout, new RegExp(`^pending: +2 \\(add_discovery_query, ${SEED_HEAD}\\)$`, 'm'));
  });

  it('reset refuses without --yes when stdin is not a terminal, and resets a populated database with --yes', async () => {
    const dbUrl = url;
    expectExit(['upgrade'], await cli(['upgrade', '--dir', SEED_DIR, '--url', dbUrl]), 0);
    await query(dbUrl, 'CREATE TABLE leftover (id int)');

    const refused = await cli(['reset', '--dir', SEED_DIR, '--url', dbUrl]);
    expectExit(['reset'], refused, 8);
    assert.match(refused.stderr, /^error: Refusing to reset.*stdin is not a terminal/m);
    assert.match(refused.stderr, /^hint: .*--yes/m);
    assert.ok((await tables(dbUrl)).includes('leftover'), 'a refused reset drops nothing');

    const reset = await cli(['reset', '--yes', '--dir', SEED_DIR, '--url', dbUrl]);
    expectExit(['reset', '--yes'], reset, 0);
    assert.match(reset.stderr, /leftover \(0 rows\)/, 'the tables about to be dropped are listed');
    assert.match(reset.stdout, /^verify: OK/m);
    assert.ok(!(await tables(dbUrl)).includes('leftover'));
    assert.deepEqual(await versions(dbUrl), [SEED_HEAD]);
  });

  it('a protected database needs --confirm-database even with --yes', async () => {
    expectExit(['upgrade'], await cli(['upgrade', '--dir', SEED_DIR, '--url', url]), 0);
    const env = { MIGRATION_CHAIN_PROTECTED: 'nothing_here,*cli*' };
    const args = ['downgrade', 'base', '--yes', '--dir', SEED_DIR, '--url', url];
    const refused = await cli(args, { env });
    expectExit(args, refused, 8);
    assert.match(refused.stderr, /protected pattern "\*cli\*"/);
    assert.deepEqual(await versions(url), [SEED_HEAD]);

    const wrongName = [...args, '--confirm-database', 'someone_else'];
    expectExit(wrongName, await cli(wrongName, { env }), 8);
    assert.deepEqual(await versions(url), [SEED_HEAD]);

    const confirmed = [...args, '--confirm-database', databaseOf(url)];
    const done = await cli(confirmed, { env });
    expectExit(confirmed, done, 0);
    assert.match(done.stderr, /undoes \(newest first\):/);
    assert.deepEqual(await versions(url), []);
  });

  it('downgrade -1 goes one step down after confirmation', async () => {
    expectExit(['upgrade'], await cli(['upgrade', '--dir', SEED_DIR, '--url', url]), 0);
    const args = ['downgrade', '-1', '--yes', '--dir', SEED_DIR, '--url', url];
    expectExit(args, await cli(args), 0);
    assert.deepEqual(await versions(url), ['add_discovery_query']);
  });

  it('a wrong password is one error line, exit 4, and the password is printed nowhere', async () => {
    const secret = 'Wr0ng-Secret-4-cli-test';
    const bad = new URL(url);
    bad.password = secret;
    for (const command of ['upgrade', 'current', 'status', 'verify']) {
      const args = [command, '--dir', SEED_DIR, '--url', bad.toString()];
      const r = await cli(args);
      const line = assertOneCleanFailure(args, r, secret);
      assert.equal(r.code, 4, describeRun(args, r));
      assert.match(line, /^error: /);
      assert.match(r.stderr, /^hint: /m);
    }
    // --debug adds stack traces but still no password
    const debugArgs = ['current', '--debug', '--dir', SEED_DIR, '--url', bad.toString()];
    const debug = await cli(debugArgs);
    assert.equal(debug.code, 4, describeRun(debugArgs, debug));
    assertNoSecret(debug.stdout + debug.stderr, secret, 'current --debug');
    assert.match(debug.stderr, /database URL from --url/);
  });

  it('takes the URL from DATABASE_URL, else from .env, and names the source only with --debug', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-cli-env-'));
    try {
      fs.writeFileSync(path.join(cwd, '.env'), `# test\nDATABASE_URL=${url}\n`);
      const fromFile = await cli(['current', '--debug', '--dir', SEED_DIR], { cwd });
      expectExit(['current'], fromFile, 0);
      assert.match(fromFile.stderr, /database URL from DATABASE_URL from \.env line 2/);

      const broken = new URL(url);
      broken.pathname = '/no_such_database_here';
      const fromEnv = await cli(['current', '--debug', '--dir', SEED_DIR], { cwd, env: { DATABASE_URL: broken.toString() } });
      assert.equal(fromEnv.code, 4, 'DATABASE_URL wins over .env');
      assert.match(fromEnv.stderr, /database URL from the environment variable DATABASE_URL/);

      const fromFlag = await cli(['current', '--dir', SEED_DIR, '--url', url], { cwd, env: { DATABASE_URL: broken.toString() } });
      expectExit(['current', '--url'], fromFlag, 0);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('check passes on the seed chain and fails on the broken fixture with file:line lines', async () => {
    const ok = await cli(['check', '--dir', SEED_DIR]);
    expectExit(['check'], ok, 0);
    assert.match(ok.stdout, new RegExp(`^check: OK, 4 migrations, head ${SEED_HEAD}`, 'm'));

    const brokenDir = path.join(REPO_ROOT, 'test', 'fixtures', 'broken');
    assert.ok(fs.existsSync(brokenDir), `fixture missing: ${brokenDir}`);
    const args = ['check', '--dir', brokenDir];
    const broken = await cli(args);
    expectExit(args, broken, 3);
    assert.match(broken.stdout, /^test\/fixtures\/broken\/[^:\s]+:\d+: error: .+ \[[a-z-]+\]$/m, describeRun(args, broken));
    const json = await cli([...args, '--json']);
    expectExit(args, json, 3);
    const report = JSON.parse(json.stdout) as { ok: boolean; diagnostics: { file?: string; line?: number; severity: string }[] };
    assert.equal(report.ok, false);
    assert.ok(report.diagnostics.some((d) => d.severity === 'error' && d.file && d.line));
  });

  it('upgrade --sql renders the script offline, version table included', async () => {
    const args = ['upgrade', '--sql', '--dir', SEED_DIR];
    const r = await cli(args);
    expectExit(args, r, 0);
    assert.match(r.stdout, /CREATE TABLE/i);
    assert.match(r.stdout, /alembic_version/);
    assert.match(r.stdout, new RegExp(SEED_HEAD));
  });

  it('verify --drift exits 6 and names a hand-made column; a clean database says no drift', async () => {
    expectExit(['upgrade'], await cli(['upgrade', '--dir', SEED_DIR, '--url', url]), 0);
    const args = ['verify', '--drift', '--dir', SEED_DIR, '--url', url];
    const clean = await cli(args);
    expectExit(args, clean, 0);
    assert.match(clean.stdout, new RegExp(`^No drift: the database schema matches the migrations up to ${SEED_HEAD}\\.$`, 'm'));
    await query(url, 'ALTER TABLE settings ADD COLUMN nickname text');
    const drifted = await cli(args);
    expectExit(args, drifted, 6);
    assert.match(drifted.stdout, /^Schema drift: 1 difference /m);
    assert.match(drifted.stdout, /^column settings\.nickname: extra in the database/m);
  });

  it('repair accepts an edited file after confirmation; refuses without --yes when stdin is not a terminal', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-cli-repair-'));
    try {
      fs.cpSync(SEED_DIR, dir, { recursive: true });
      expectExit(['upgrade'], await cli(['upgrade', '--dir', dir, '--url', url]), 0);
      const file = path.join(dir, '4b9608290b5d_add_settings_table.sql');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('CREATE TABLE settings (', '-- reviewed\nCREATE TABLE settings ('));
      const status = await cli(['status', '--dir', dir, '--url', url]);
      assert.match(status.stdout, /^edited after apply: 4b9608290b5d$/m);

      const refused = await cli(['repair', '4b96', '--dir', dir, '--url', url]);
      expectExit(['repair'], refused, 8);
      assert.match(refused.stderr, /applied .* with checksum [0-9a-f]{12}; the file's is now [0-9a-f]{12}/);
      const args = ['repair', '4b96', '--yes', '--dir', dir, '--url', url];
      const repaired = await cli(args);
      expectExit(args, repaired, 0);
      assert.match(repaired.stdout, /^Accepted 4b9608290b5d: checksum [0-9a-f]{12} recorded/m);
      const after = await cli(['status', '--dir', dir, '--url', url]);
      assert.ok(!after.stdout.includes('edited after apply'), after.stdout);
      const again = await cli(args);
      expectExit(args, again, 0);
      assert.match(again.stdout, /already matches its recorded checksum/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('check advises per pair of heads; reparent asks, names the file and rewrites only the down_revision', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-cli-heads-'));
    const mig = (rev: string, parent: string | undefined, table: string) => [
      `-- revision: ${rev}`, ...(parent ? [`-- down_revision: ${parent}`] : []), `-- message: ${table}`, '', '-- migrate:upgrade',
      `CREATE TABLE ${table} (id int);`, '', '-- migrate:downgrade', `DROP TABLE ${table};`, '',
    ].join('\n');
    try {
      fs.writeFileSync(path.join(dir, 'aa0000000000_base.sql'), mig('aa0000000000', undefined, 't_base'));
      fs.writeFileSync(path.join(dir, 'aa0000000001_a.sql'), mig('aa0000000001', 'aa0000000000', 't_a'));
      fs.writeFileSync(path.join(dir, 'bb0000000001_b.sql'), mig('bb0000000001', 'aa0000000000', 't_b'));
      const files = await cli(['check', '--dir', dir]);
      expectExit(['check'], files, 0);
      assert.match(files.stdout, /^heads aa0000000001 and bb0000000001: re-parenting is safe\. No database is connected/m);

      expectExit(['upgrade'], await cli(['upgrade', 'aa0000000001', '--dir', dir, '--url', url]), 0);
      const withDb = await cli(['check', '--dir', dir, '--url', url]);
      expectExit(['check', '--url'], withDb, 0);
      assert.match(withDb.stdout, /^heads aa0000000001 and bb0000000001: a merge revision is required\. The connected database applied aa0000000001/m);
      assert.match(withDb.stdout, /migration-chain merge -m/);

      const args = ['reparent', 'bb0000000001', '--onto', 'aa0000000001', '--dir', dir];
      const refused = await cli(args);
      expectExit(args, refused, 8);
      assert.match(refused.stderr, /rewrites the down_revision in .*bb0000000001_b\.sql:2/);
      const before = fs.readFileSync(path.join(dir, 'bb0000000001_b.sql'), 'utf8');
      const done = await cli([...args, '--yes']);
      expectExit(args, done, 0);
      assert.equal(fs.readFileSync(path.join(dir, 'bb0000000001_b.sql'), 'utf8'), before.replace('down_revision: aa0000000000', 'down_revision: aa0000000001'));
      const linear = await cli(['check', '--dir', dir]);
      assert.match(linear.stdout, /^check: OK, 3 migrations, head bb0000000001$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Ctrl-C during a migration rolls it back and exits 130', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-cli-sigint-'));
    try {
      fs.writeFileSync(path.join(dir, 'aa0000000001_base.sql'), [
        '-- revision: aa0000000001', '-- message: base', '', '-- migrate:upgrade', 'CREATE TABLE first_table (id int);', '',
        '-- migrate:downgrade', 'DROP TABLE first_table;', '',
      ].join('\n'));
      fs.writeFileSync(path.join(dir, 'bb0000000002_slow.sql'), [
        '-- revision: bb0000000002', '-- down_revision: aa0000000001', '-- message: slow', '', '-- migrate:upgrade',
        'CREATE TABLE slow_table (id int);', 'SELECT pg_sleep(30);', '', '-- migrate:downgrade', 'DROP TABLE slow_table;', '',
      ].join('\n'));
      const args = ['upgrade', '--dir', dir, '--url', url];
      const run = startCli(args, { env: { DATABASE_URL: '' }, timeoutMs: 60_000 });
      await run.waitForOutput(/aa0000000001 -> bb0000000002/);
      await new Promise((resolve) => setTimeout(resolve, 500));
      run.child.kill('SIGINT');
      const r = await run.done;
      assert.equal(r.code, 130, describeRun(args, r));
      assert.ok(r.durationMs < 25_000, 'the sleeping statement was cancelled, not waited for');
      assert.deepEqual(await versions(url), ['aa0000000001']);
      assert.ok(!(await tables(url)).includes('slow_table'), 'the cancelled migration left nothing behind');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
