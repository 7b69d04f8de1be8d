// Stairway tests against the real server: fixtures with known defects are each caught at the right
// step, with the right objects and the right line; clean chains (the sample chain, a merge) pass;
// the scratch database is always dropped.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadChain } from '../../src/core/chain/load';
import type { Chain } from '../../src/core/chain/chain';
import { CancelledError, MigrationChainError } from '../../src/core/errors';
import { revisionsChangedSince } from '../../src/core/stairway/changed';
import { renderJUnit } from '../../src/core/stairway/junit';
import { stairwayPassed, type RevisionResult, type StairwayReport } from '../../src/core/stairway/model';
import { runStairway } from '../../src/core/stairway/stairway';
import { describeRun, REPO_ROOT, runCli } from '../reliability/support/cli';
import { freshDatabaseUrl, server } from '../support/db-hooks';
import { memoryLogger, sql, writeChainDir } from '../support/chains';

const DEFECTS_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'stairway-defects');
const file = (name: string) => path.join(DEFECTS_DIR, name);

async function scratchDatabases(): Promise<string[]> {
  const rows = await sql<{ datname: string }>(server().adminUrl, "SELECT datname FROM pg_database WHERE datname LIKE '%\\_mc\\_stairway\\_%'");
  return rows.map((r) => r.datname);
}

function resultOf(report: StairwayReport, revision: string): RevisionResult {
  const r = report.results.find((x) => x.revision === revision);
  assert.ok(r, `no result for ${revision}: ${report.results.map((x) => x.revision).join(', ')}`);
  return r;
}

async function loaded(dir: string): Promise<Chain> {
  const chain = await loadChain(dir);
  assert.deepEqual(chain.diagnostics.filter((d) => d.severity === 'error'), []);
  return chain;
}

describe('stairway (real PostgreSQL)', function () {
  this.timeout(120_000);

  it('passes the sample chain: every revision upgraded, downgraded, upgraded again; the scratch database is dropped', async () => {
    const chain = await loaded(path.join(REPO_ROOT, 'migrations'));
    const url = await freshDatabaseUrl('mc_stair_seed');
    const log = memoryLogger();
    const report = await runStairway({ chain, url, logger: log });
    assert.deepEqual(report.results.map((r) => [r.revision, r.outcome]),
      chain.graph.topologicalOrder().map((r) => [r, 'passed']), log.lines.join('\n'));
    assert.ok(stairwayPassed(report));
    assert.equal(report.rebuilds, 0);
    assert.deepEqual(await scratchDatabases(), []);
    // The database named by the URL is only the place to create the scratch database: it stays empty.
    assert.deepEqual(await sql(url, "SELECT 1 FROM pg_tables WHERE schemaname = 'public'"), []);
    assert.ok(!log.lines.join('\n').includes(server().password));
  });

  it('passes a chain with a branch and a merge, testing the merge against both parents', async () => {
    const chain = await loaded(path.join(REPO_ROOT, 'test', 'fixtures', 'merged'));
    const report = await runStairway({ chain, url: await freshDatabaseUrl('mc_stair_merged') });
    assert.equal(report.results.length, chain.graph.revisions.length);
    assert.ok(report.results.every((r) => r.outcome === 'passed'), JSON.stringify(report.results, null, 2));
    const merge = resultOf(report, '3d0000000001');
    assert.equal(merge.failures.length, 0);
  });

  describe('a chain with known defects', () => {
    let report: StairwayReport;
    let chain: Chain;
    before(async () => {
      chain = await loaded(DEFECTS_DIR);
      report = await runStairway({ chain, url: await freshDatabaseUrl('mc_stair_defects') });
    });

    it('tests every revision in topological order and drops the scratch database', async () => {
      assert.deepEqual(report.results.map((r) => r.revision), chain.graph.topologicalOrder());
      assert.ok(!stairwayPassed(report));
      assert.deepEqual(await scratchDatabases(), []);
    });

    it('a downgrade that forgets an index: the index is named as left behind, at the downgrade section', () => {
      const r = resultOf(report, 'b10000000001');
      assert.equal(r.outcome, 'failed');
      const down = r.failures.find((f) => f.step === 'downgrade');
      assert.ok(down, JSON.stringify(r.failures));
      assert.equal(down.findings.length, 1);
      assert.equal(down.findings[0].entry?.kind, 'index');
      assert.equal(down.findings[0].entry?.name, 'items.items_name_idx');
      assert.match(down.findings[0].message, /^index items\.items_name_idx is left behind by the downgrade \(the upgrade creates it at line 6\)$/);
      assert.deepEqual(down.findings[0].location, { file: file('b10000000001_forgets_index.sql'), line: 9 });
      assert.match(down.message, /After downgrading b10000000001 to a10000000001, the schema differs/);
      // Upgrading again then trips over the leftover: reported at the CREATE INDEX line.
      const again = r.failures.find((f) => f.step === 're-upgrade');
      assert.ok(again);
      assert.match(again.message, /already exists/);
      assert.deepEqual(again.findings[0].location, { file: file('b10000000001_forgets_index.sql'), line: 6, column: 1 });
    });

    it('a downgrade that drops a column the upgrade did not add: the column is lost, at the DROP line; upgrading again misses it, at the upgrade section', () => {
      const r = resultOf(report, 'c10000000001');
      assert.equal(r.outcome, 'failed');
      const down = r.failures.find((f) => f.step === 'downgrade');
      assert.ok(down);
      assert.deepEqual(down.findings.map((f) => [f.entry?.kind, f.entry?.name, f.entry?.change]), [['column', 'items.sku', 'missing']]);
      assert.match(down.findings[0].message, /column items\.sku is lost: the downgrade removes it, but the upgrade did not create it/);
      assert.deepEqual(down.findings[0].location, { file: file('c10000000001_drops_foreign_column.sql'), line: 10 });
      const again = r.failures.find((f) => f.step === 're-upgrade');
      assert.ok(again);
      assert.match(again.findings[0].message, /column items\.sku is missing after upgrading again/);
      assert.deepEqual(again.findings[0].location, { file: file('c10000000001_drops_foreign_column.sql'), line: 6 });
    });

    it('an upgrade that cannot run again after its downgrade: the failing statement and the server error', () => {
      const r = resultOf(report, 'd10000000001');
      assert.equal(r.outcome, 'failed');
      assert.deepEqual(r.failures.map((f) => f.step), ['re-upgrade']);
      assert.match(r.failures[0].message, /Upgrading d10000000001 again after its downgrade failed: .*duplicate key/s);
      assert.deepEqual(r.failures[0].findings[0].location, { file: file('d10000000001_not_rerunnable.sql'), line: 10, column: 1 });
    });

    it('a missing downgrade without a declaration: says how to declare it', () => {
      const r = resultOf(report, 'e10000000001');
      assert.equal(r.outcome, 'failed');
      assert.deepEqual(r.failures.map((f) => f.step), ['declaration']);
      assert.match(r.failures[0].message, /has no downgrade and is not declared irreversible: add a `-- migrate:downgrade` section, or declare it in the header: `-- irreversible: <why it cannot be undone>`/);
      assert.deepEqual(r.failures[0].findings[0].location, { file: file('e10000000001_missing_downgrade.sql'), line: 1 });
    });

    it('a declared irreversible revision: upgraded, verified and noted with its reason, not downgraded', () => {
      const r = resultOf(report, 'f10000000001');
      assert.equal(r.outcome, 'irreversible');
      assert.deepEqual(r.failures, []);
      assert.equal(r.note, 'Declared irreversible: the dropped notes.body data cannot be brought back');
    });

    it('after the failures (and the rebuilds they force), the merge and its child still pass', () => {
      assert.equal(resultOf(report, 'a10000000001').outcome, 'passed');
      assert.equal(resultOf(report, 'm10000000001').outcome, 'passed', JSON.stringify(resultOf(report, 'm10000000001').failures));
      assert.equal(resultOf(report, 'g10000000001').outcome, 'passed');
      assert.equal(report.rebuilds, 3); // b (re-upgrade error), c (re-upgrade differs), d (re-upgrade error)
    });

    it('JUnit: one testcase per revision, failures with step and line, the irreversible one passing', () => {
      const xml = renderJUnit(report, DEFECTS_DIR);
      assert.equal((xml.match(/<testcase /g) ?? []).length, chain.graph.revisions.length);
      assert.match(xml, /<testsuites name="migration-chain stairway" tests="8" failures="4" skipped="0"/);
      assert.match(xml, /<failure type="downgrade" message="downgrade at b10000000001_forgets_index.sql:9: index items.items_name_idx is left behind/);
      assert.match(xml, /<system-out>Declared irreversible: the dropped notes.body data cannot be brought back<\/system-out>/);
    });
  });

  it('a failed upgrade skips what builds on it and tests the other branch', async () => {
    const dir = writeChainDir({
      'a.sql': '-- revision: aa\n-- down_revision: none\n\n-- migrate:upgrade\nCREATE TABLE t (id int);\n\n-- migrate:downgrade\nDROP TABLE t;\n',
      'b.sql': '-- revision: bb\n-- down_revision: aa\n\n-- migrate:upgrade\nALTER TABLE nope ADD COLUMN x int;\n\n-- migrate:downgrade\nSELECT 1;\n',
      'c.sql': '-- revision: cc\n-- down_revision: bb\n\n-- migrate:upgrade\nSELECT 1;\n\n-- migrate:downgrade\nSELECT 1;\n',
      'd.sql': '-- revision: dd\n-- down_revision: aa\n\n-- migrate:upgrade\nCREATE TABLE u (id int);\n\n-- migrate:downgrade\nDROP TABLE u;\n',
    });
    const chain = await loaded(dir);
    const report = await runStairway({ chain, url: await freshDatabaseUrl('mc_stair_skip') });
    assert.deepEqual(Object.fromEntries(report.results.map((r) => [r.revision, r.outcome])), { aa: 'passed', bb: 'failed', cc: 'skipped', dd: 'passed' });
    const bb = resultOf(report, 'bb');
    assert.equal(bb.failures[0].step, 'upgrade');
    assert.match(bb.failures[0].message, /relation "nope" does not exist/);
    assert.deepEqual(bb.failures[0].findings[0].location, { file: path.join(dir, 'b.sql'), line: 5, column: 1 });
    assert.equal(resultOf(report, 'cc').note, 'Not run: bb failed to upgrade.');
  });

  it('--from / --to: tests only the range, upgrading the ancestors on the way', async () => {
    const chain = await loaded(path.join(REPO_ROOT, 'migrations'));
    const report = await runStairway({ chain, url: await freshDatabaseUrl('mc_stair_range'), selection: { from: '4b96', to: 'add_discovery_query' } });
    assert.deepEqual(report.results.map((r) => r.revision), ['4b9608290b5d', 'add_discovery_query']);
    assert.deepEqual(report.upgradedOnly, ['000000000000']);
  });

  it('without their Alembic project, refuses Python revisions with a clear error before creating anything', async () => {
    const chain = await loadChain(path.join(REPO_ROOT, 'test', 'fixtures', 'alembic-project', 'alembic', 'versions'));
    await assert.rejects(runStairway({ chain, url: await freshDatabaseUrl('mc_stair_py') }),
      (err: unknown) => err instanceof MigrationChainError && err.code === 'usage'
        && /no engine \(migration-chain\) runs py migrations/.test(err.message) && /--config PATH\/alembic\.ini/.test(err.hint ?? ''));
    assert.deepEqual(await scratchDatabases(), []);
  });

  it('a cancelled run still drops its scratch database', async () => {
    const chain = await loaded(path.join(REPO_ROOT, 'migrations'));
    const controller = new AbortController();
    const run = runStairway({
      chain, url: await freshDatabaseUrl('mc_stair_cancel'), signal: controller.signal,
      onEvent: (e) => { if (e.kind === 'finished') controller.abort(); },
    });
    await assert.rejects(run, (err: unknown) => err instanceof CancelledError);
    assert.deepEqual(await scratchDatabases(), []);
  });

  it('"changed since": the revisions whose files differ from a git ref, untracked files included', async () => {
    const dir = writeChainDir({});
    for (const f of fs.readdirSync(path.join(REPO_ROOT, 'migrations'))) fs.copyFileSync(path.join(REPO_ROOT, 'migrations', f), path.join(dir, f));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' }).toString();
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'chain');
    fs.appendFileSync(path.join(dir, '4b9608290b5d_add_settings_table.sql'), '\n-- a comment\n');
    fs.writeFileSync(path.join(dir, 'ffff00000001_new.sql'),
      '-- revision: ffff00000001\n-- down_revision: 556b79de2825\n\n-- migrate:upgrade\nSELECT 1;\n\n-- migrate:downgrade\nSELECT 1;\n');
    const chain = await loaded(dir);
    const changed = await revisionsChangedSince(chain, 'HEAD');
    assert.equal(changed.ref, 'HEAD');
    assert.deepEqual([...changed.revisions].sort(), ['4b9608290b5d', 'ffff00000001']);
    await assert.rejects(revisionsChangedSince(chain), (err: unknown) => err instanceof MigrationChainError && /no upstream branch/.test(err.message) && /--changed-since/.test(err.hint ?? ''));
    const report = await runStairway({ chain, url: await freshDatabaseUrl('mc_stair_changed'), selection: { revisions: changed.revisions } });
    assert.deepEqual(report.results.map((r) => [r.revision, r.outcome]), [['4b9608290b5d', 'passed'], ['ffff00000001', 'passed']]);
  });
});

describe('migration-chain test (CLI, real PostgreSQL)', function () {
  this.timeout(120_000);
  const cli = (args: string[], cwd = REPO_ROOT) => runCli(args, { cwd, env: { DATABASE_URL: '', MIGRATION_CHAIN_PROTECTED: '' } });

  it('exit 0 on the sample chain, one line per revision and the totals', async () => {
    const url = await freshDatabaseUrl('mc_stair_cli_ok');
    const r = await cli(['test', '--url', url]);
    assert.equal(r.code, 0, describeRun(['test'], r));
    assert.match(r.stdout, /^✔ 000000000000 \(create base tables\)$/m);
    assert.match(r.stdout, /^4 passed, 0 failed, 0 irreversible \(upgrade only\), 0 skipped in /m);
    assert.ok(!(r.stdout + r.stderr).includes(server().password), 'no password in the output');
  });

  it('exit 9 on the defects, with step, object and relative file:line; --junit writes the report; --json parses', async () => {
    const url = await freshDatabaseUrl('mc_stair_cli_bad');
    const junit = path.join(writeChainDir({}), 'stairway.xml');
    const dir = path.relative(REPO_ROOT, DEFECTS_DIR);
    const r = await cli(['test', '--dir', dir, '--url', url, '--junit', junit, '--to', 'b10000000001']);
    assert.equal(r.code, 9, describeRun(['test'], r));
    assert.match(r.stdout, /^✘ b10000000001 \(index on items.name \(the downgrade forgets it\)\) failed at downgrade, re-upgrade$/m);
    assert.match(r.stdout, /index items\.items_name_idx is left behind by the downgrade \(the upgrade creates it at line 6\) {2}\(test\/fixtures\/stairway-defects\/b10000000001_forgets_index\.sql:9\)/);
    assert.match(fs.readFileSync(junit, 'utf8'), /<testsuites name="migration-chain stairway" tests="2" failures="1"/);
    const json = await cli(['test', '--dir', dir, '--url', url, '--json', '--from', 'f1', '--to', 'f10000000001']);
    assert.equal(json.code, 0, describeRun(['test', '--json'], json));
    const parsed = JSON.parse(json.stdout) as { ok: boolean; results: { revision: string; outcome: string }[] };
    assert.deepEqual(parsed.results.map((x) => [x.revision, x.outcome]), [['f10000000001', 'irreversible']]);
    assert.equal(parsed.ok, true);
  });

  it('exit 2 for a --from that does not resolve, before any database is created', async () => {
    const r = await cli(['test', '--url', await freshDatabaseUrl('mc_stair_cli_usage'), '--from', 'nope']);
    assert.equal(r.code, 2, describeRun(['test'], r));
    assert.match(r.stderr, /^error: .*nope/m);
    assert.deepEqual(await scratchDatabases(), []);
  });
});

describe('stairway: data-level checks and the default "changed" ref (real PostgreSQL)', function () {
  this.timeout(120_000);

  it('a verify block that fails only after the round trip (a row the downgrade forgot) fails at verify, on the verify line', async () => {
    const dir = writeChainDir({
      'a.sql': '-- revision: aa\n-- down_revision: none\n\n-- migrate:upgrade\nCREATE TABLE counters (n int);\n\n-- migrate:downgrade\nDROP TABLE counters;\n',
      'b.sql': [
        '-- revision: bb', '-- down_revision: aa', '', '-- migrate:upgrade', 'INSERT INTO counters VALUES (1);', '',
        '-- migrate:downgrade', 'SELECT 1;', '', '-- migrate:verify', 'SELECT 1 / (SELECT CASE WHEN count(*) = 1 THEN 1 ELSE 0 END FROM counters);', '',
      ].join('\n'),
    });
    const chain = await loaded(dir);
    const report = await runStairway({ chain, url: await freshDatabaseUrl('mc_stair_verify') });
    const bb = resultOf(report, 'bb');
    assert.equal(bb.outcome, 'failed');
    assert.deepEqual(bb.failures.map((f) => f.step), ['verify']);
    assert.match(bb.failures[0].message, /The verify block of bb fails after the downgrade and the second upgrade: division by zero/);
    assert.deepEqual(bb.failures[0].findings[0].location, { file: path.join(dir, 'b.sql'), line: 11 });
    assert.equal(resultOf(report, 'aa').outcome, 'passed');
  });

  it('"changed" defaults to the merge base with the upstream branch', async () => {
    const upstream = writeChainDir({});
    for (const f of fs.readdirSync(path.join(REPO_ROOT, 'migrations'))) fs.copyFileSync(path.join(REPO_ROOT, 'migrations', f), path.join(upstream, f));
    const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, stdio: 'pipe' }).toString();
    git(upstream, 'init', '-q');
    git(upstream, 'add', '.');
    git(upstream, 'commit', '-qm', 'chain');
    const clone = path.join(writeChainDir({}), 'clone');
    git(path.dirname(clone), 'clone', '-q', upstream, clone);
    // A commit on the branch: what a review of this branch would show.
    fs.appendFileSync(path.join(clone, 'add_discovery_query_table.sql'), '\n-- reviewed\n');
    git(clone, 'commit', '-qam', 'edit');
    const changed = await revisionsChangedSince(await loaded(clone));
    assert.match(changed.ref, /^[0-9a-f]{40}$/);
    assert.equal(changed.ref, git(upstream, 'rev-parse', 'HEAD').trim());
    assert.deepEqual(changed.revisions, ['add_discovery_query']);
  });
});
