// The stairway test of Alembic projects, run by real Alembic (Debian's python3-alembic): the example
// project passes through `migration-chain test`; a copy whose downgrade forgets an index fails with
// the index named; branches and a merge go down exactly one revision (`alembic downgrade R@P`).
// Every step is one Alembic process (~0.5–1 s), so each test walks only what it needs.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freshDatabaseUrl, server } from '../support/db-hooks';
import { alembicPython } from '../support/alembic';
import { describeRun, REPO_ROOT, runCli, type CliResult } from '../reliability/support/cli';
import { assertNoSecret } from '../reliability/support/failure-output';
import { alembicEngine, alembicProject, loadChain, runStairway, type StairwayReport } from '../../src/core';

const BACKEND = path.join(REPO_ROOT, 'examples', 'alembic-backend', 'backend');
const EXAMPLE_REVISIONS = ['000000000000', '4b9608290b5d', 'add_discovery_query', '556b79de2825'];

interface JsonReport { ok: boolean; results: StairwayReport['results']; durationMs: number }

async function cliTest(args: string[], cwd: string, url: string): Promise<CliResult> {
  const r = await runCli(['test', ...args], { cwd, timeoutMs: 120_000, env: { DATABASE_URL: url, MIGRATION_CHAIN_PROTECTED: '' } });
  assertNoSecret(r.stdout + r.stderr, server().password, 'migration-chain test');
  return r;
}

function parseReport(args: string[], r: CliResult): JsonReport {
  try {
    return JSON.parse(r.stdout) as JsonReport;
  } catch {
    assert.fail(`not JSON: ${describeRun(args, r)}`);
  }
}

async function scratchDatabases(): Promise<string[]> {
  const client = new Client({ connectionString: server().adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE '%\\_mc\\_stairway\\_%'");
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

describe('the stairway test of Alembic projects (real Alembic)', function () {
  this.timeout(180_000);
  before(() => { alembicPython(); });

  it('examples/alembic-backend passes: every revision upgraded, downgraded and upgraded again by its Alembic (--verbose shows its output)', async () => {
    const url = await freshDatabaseUrl('stair_alembic');
    const args = ['--json', '--verbose'];
    const r = await cliTest(args, BACKEND, url);
    assert.equal(r.code, 0, describeRun(args, r));
    const report = parseReport(args, r);
    assert.equal(report.ok, true);
    assert.deepEqual(report.results.map((x) => [x.revision, x.outcome]), EXAMPLE_REVISIONS.map((rev) => [rev, 'passed']));
    // The steps really were Alembic's: its own log lines, one downgrade per revision to its parent.
    assert.match(r.stderr, /Running upgrade add_discovery_query -> 556b79de2825/);
    assert.match(r.stderr, /alembic downgrade 556b79de2825@add_discovery_query/);
    assert.match(r.stderr, /Running downgrade 556b79de2825 -> add_discovery_query/);
    assert.match(r.stderr, /alembic downgrade 000000000000@base/);
    assert.deepEqual(await scratchDatabases(), []);
    console.log(`      (stairway of the example: ${(report.durationMs / 1000).toFixed(2)} s for ${report.results.length} revisions)`);
  });

  it('a copy whose downgrade forgets an index the upgrade created fails at the downgrade, naming the index', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-stair-alembic-'));
    const backend = path.join(dir, 'backend');
    fs.cpSync(BACKEND, backend, { recursive: true, filter: (src) => !src.includes('__pycache__') });
    const file = path.join(backend, 'alembic', 'versions', '4b9608290b5d_add_settings_table.py');
    const text = fs.readFileSync(file, 'utf8');
    const broken = text.replace('\n\n\ndef downgrade() -> None:',
      '\n    op.create_index("jobs_type_idx", "jobs", ["type"])\n\n\ndef downgrade() -> None:');
    assert.notEqual(broken, text, 'the example\'s 4b9608290b5d changed: update this test\'s edit');
    fs.writeFileSync(file, broken);

    const url = await freshDatabaseUrl('stair_alembic_defect');
    const args = ['--to', '4b9608290b5d'];
    const r = await cliTest(args, backend, url);
    assert.equal(r.code, 9, describeRun(args, r));
    assert.match(r.stdout, /✔ 000000000000/);
    assert.match(r.stdout, /✘ 4b9608290b5d \(add settings table\) failed at downgrade, re-upgrade/);
    const line = broken.split('\n').findIndex((l) => l.includes('jobs_type_idx')) + 1;
    // The link opens the function to fix: `def downgrade()`, not the revision header or upgrade().
    const downgradeLine = broken.split('\n').findIndex((l) => l.startsWith('def downgrade(')) + 1;
    assert.match(r.stdout, new RegExp(`index jobs\\.jobs_type_idx is left behind by the downgrade \\(the upgrade creates it at line ${line}\\)  \\(alembic/versions/4b9608290b5d_add_settings_table\\.py:${downgradeLine}\\)`));
    // The leftover index makes the second upgrade fail: Alembic's own error is shown, as one line.
    assert.match(r.stdout, /relation "jobs_type_idx" already exists/);
    // Quiet by default: none of Alembic's own lines while it runs, the failure summarised.
    assert.doesNotMatch(r.stderr, /Running upgrade|Context impl|Will assume transactional DDL|Traceback/, r.stderr);
    const failure = r.stdout.slice(r.stdout.indexOf('4b9608290b5d, re-upgrade:'));
    assert.match(failure, /^4b9608290b5d, re-upgrade:\n {2}Upgrading 4b9608290b5d again after its downgrade failed: .*alembic.* upgrade 4b9608290b5d failed \(exit code 1\) after [\d.]+ s:\n {2}\S*Error: .*relation "jobs_type_idx" already exists\n {2}hint: Alembic's whole output: run `migration-chain test` again with --verbose\.\n/, failure);
    assert.doesNotMatch(failure, /\[SQL:|Background on this error|Traceback/);
    assert.deepEqual(await scratchDatabases(), []);
  });

  it('branches and a merge: each revision goes down to its own parents, the other branch stays', async () => {
    // aaaa ─ bb01 ─┐
    //    └── bb02 ─┴ mmmm
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-stair-merge-'));
    const versions = path.join(dir, 'alembic', 'versions');
    fs.mkdirSync(versions, { recursive: true });
    fs.copyFileSync(path.join(BACKEND, 'alembic', 'env.py'), path.join(dir, 'alembic', 'env.py'));
    fs.copyFileSync(path.join(BACKEND, 'alembic.ini'), path.join(dir, 'alembic.ini'));
    // env.py imports the example's models (app/, on sys.path through prepend_sys_path = .).
    fs.cpSync(path.join(BACKEND, 'app'), path.join(dir, 'app'), { recursive: true, filter: (src) => !src.includes('__pycache__') });
    const revisions: [string, string[]][] = [['aaaa', []], ['bb01', ['aaaa']], ['bb02', ['aaaa']], ['mmmm', ['bb01', 'bb02']]];
    for (const [id, down] of revisions) {
      const downRevision = down.length === 0 ? 'None' : down.length === 1 ? `"${down[0]}"` : `(${down.map((d) => `"${d}"`).join(', ')})`;
      fs.writeFileSync(path.join(versions, `${id}.py`), [
        `"""${id}"""`, 'from alembic import op', '', `revision = "${id}"`, `down_revision = ${downRevision}`, 'branch_labels = None', 'depends_on = None', '', '',
        'def upgrade():', `    op.execute("CREATE TABLE t_${id} (x int)")`, '', '',
        'def downgrade():', `    op.execute("DROP TABLE t_${id}")`, '',
      ].join('\n'));
    }
    const chain = await loadChain(versions);
    const project = alembicProject(path.join(dir, 'alembic.ini'));
    const lines: string[] = [];
    const logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m), debug: () => {} };
    const report = await runStairway({
      chain, url: await freshDatabaseUrl('stair_alembic_merge'), logger,
      engines: [alembicEngine({ project, command: { argv: [alembicPython(), '-m', 'alembic'], source: 'the test' } })],
    });
    const log = lines.join('\n');
    assert.deepEqual(Object.fromEntries(report.results.map((x) => [x.revision, x.outcome])),
      { aaaa: 'passed', bb01: 'passed', bb02: 'passed', mmmm: 'passed' }, log);
    // `alembic downgrade bb02-1` would also have undone bb01 (recorded next to it): R@P does not.
    assert.match(log, /alembic downgrade bb02@aaaa/);
    assert.equal(log.match(/Running downgrade bb01 -> aaaa/g)?.length, 1, 'bb01 goes down in its own stair only');
    // A merge's `mmmm-1` is "Ambiguous walk" in Alembic; naming one parent undoes the merge.
    assert.match(log, /alembic downgrade mmmm@bb01/);
    assert.match(log, /Running downgrade mmmm -> bb01, bb02/);
  });
});
