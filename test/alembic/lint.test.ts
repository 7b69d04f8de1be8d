// `migration-chain lint` on Alembic projects: `.py` revisions lint through real Alembic's offline SQL
// (`alembic upgrade START:heads --sql`), on copies of examples/alembic-backend/.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freshDatabaseUrl, server } from '../support/db-hooks';
import { alembicPython } from '../support/alembic';
import { describeRun, REPO_ROOT, runCli, type CliResult } from '../reliability/support/cli';
import { assertNoSecret } from '../reliability/support/failure-output';
import { main } from '../../src/cli/main';
import { query } from '../support/cli-checks';

const BACKEND = path.join(REPO_ROOT, 'examples', 'alembic-backend', 'backend');
const HEAD = '556b79de2825';
const INDEX_FILE = 'idx00000_prospects_email_index.py';

interface LintJson {
  revisions: string[];
  statements: number;
  findings: { rule: string; severity: string; file: string; line: number; revision?: string }[];
  problems: { code: string; severity: string }[];
  notLinted: { revision: string; file: string; line?: number; reason: string }[];
}

/** A copy of the example's backend/ folder; returns its path. */
function copyBackend(edit?: (backend: string) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-alembic-lint-'));
  const backend = path.join(dir, 'backend');
  fs.cpSync(BACKEND, backend, { recursive: true, filter: (src) => !src.includes('__pycache__') });
  edit?.(backend);
  return backend;
}

/** A revision after the head that indexes prospects(email) without CONCURRENTLY; `comment` goes above the call. */
function addIndexRevision(backend: string, comment?: string): void {
  fs.writeFileSync(path.join(backend, 'alembic', 'versions', INDEX_FILE), [
    '"""index prospects by email"""',
    'from alembic import op',
    '',
    'revision = "idx00000"',
    `down_revision = "${HEAD}"`,
    'branch_labels = None',
    'depends_on = None',
    '',
    '',
    'def upgrade():',
    ...(comment ? [`    ${comment}`] : []),
    '    op.create_index("ix_prospects_email", "prospects", ["email"])',
    '',
    '',
    'def downgrade():',
    '    op.drop_index("ix_prospects_email", table_name="prospects")',
    '',
  ].join('\n'));
}

async function lint(backend: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ r: CliResult; json: LintJson }> {
  const full = ['lint', '--format', 'json', ...args];
  const r = await runCli(full, { cwd: backend, timeoutMs: 120_000, env: { DATABASE_URL: '', MIGRATION_CHAIN_PROTECTED: '', ...env } });
  assertNoSecret(r.stdout + r.stderr, server().password, 'migration-chain lint');
  let json: LintJson;
  try {
    json = JSON.parse(r.stdout) as LintJson;
  } catch {
    assert.fail(`lint printed no JSON\n${describeRun(full, r)}`);
  }
  return { r, json };
}

describe('lint of Alembic .py revisions through Alembic\'s offline SQL (real Alembic)', function () {
  this.timeout(180_000);
  before(() => { alembicPython(); });

  it('op.create_index without CONCURRENTLY is require-concurrent-index, on the def upgrade line of its file', async () => {
    const backend = copyBackend((b) => addIndexRevision(b));
    const { r, json } = await lint(backend, ['--since', HEAD]);
    assert.equal(r.code, 10, describeRun(['lint'], r));
    assert.deepEqual(json.revisions, ['idx00000']);
    assert.equal(json.statements, 1, 'Alembic\'s BEGIN/COMMIT and alembic_version statements are not linted');
    assert.deepEqual(json.findings.map((f) => [f.rule, f.severity, f.file, f.line, f.revision]),
      [['require-concurrent-index', 'error', `alembic/versions/${INDEX_FILE}`, 10, 'idx00000']]);
    assert.deepEqual(json.notLinted, []);
  });

  it('a "# migration-chain: allow require-concurrent-index because …" comment in upgrade() silences it', async () => {
    const backend = copyBackend((b) => addIndexRevision(b, '# migration-chain: allow require-concurrent-index because prospects is empty at release'));
    const { r, json } = await lint(backend, ['--since', HEAD]);
    assert.equal(r.code, 0, describeRun(['lint'], r));
    assert.equal(json.statements, 1);
    assert.deepEqual(json.findings, []);
    assert.deepEqual(json.problems, []);
  });

  it('the unchanged example: no error-level finding; 556b79de2825 (it inspects the database) is reported as not linted with Alembic\'s reason', async () => {
    const started = performance.now();
    const { r, json } = await lint(copyBackend(), []);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(r.code, 0, describeRun(['lint'], r));
    assert.deepEqual(json.revisions, ['000000000000', '4b9608290b5d', 'add_discovery_query', HEAD]);
    // 3 + 2 indexes + 1 + 1 + 1 + 1 index of the first three revisions (the tables are new: not at risk).
    assert.equal(json.statements, 10);
    assert.deepEqual(json.findings.filter((f) => f.severity === 'error'), []);
    assert.equal(json.notLinted.length, 1);
    assert.equal(json.notLinted[0].revision, HEAD);
    assert.equal(json.notLinted[0].line, 21, 'its def upgrade line');
    assert.match(json.notLinted[0].reason, /cannot run in Alembic's offline mode .*MockConnection/);
    console.log(`      lint of the example (4 revisions, one Alembic run): ${seconds.toFixed(2)} s`);
  });

  it('the whole chain with the index revision: Alembic stops in 556b79de2825, a second run from it lints idx00000', async () => {
    const { r, json } = await lint(copyBackend((b) => addIndexRevision(b)), []);
    assert.equal(r.code, 0, describeRun(['lint'], r));
    assert.deepEqual(json.revisions, ['000000000000', '4b9608290b5d', 'add_discovery_query', HEAD, 'idx00000']);
    assert.equal(json.statements, 11, 'the example\'s 10 and the index');
    assert.deepEqual(json.notLinted.map((n) => n.revision), [HEAD]);
    // prospects is created earlier in the same run: new, so its index is not a risk.
    assert.deepEqual(json.findings, []);
  });

  it('with a database at 556b79de2825: --pending lints only the new revision, sized by the real catalog (empty prospects: a note)', async () => {
    const url = await freshDatabaseUrl('alembic_lint');
    const backend = copyBackend((b) => addIndexRevision(b));
    const up = await runCli(['upgrade', HEAD, '--url', url], { cwd: backend, timeoutMs: 120_000, env: { DATABASE_URL: '', MIGRATION_CHAIN_PROTECTED: '' } });
    assert.equal(up.code, 0, describeRun(['upgrade'], up));
    const { r, json } = await lint(backend, ['--pending', '--url', url]);
    assert.deepEqual(json.revisions, ['idx00000']);
    assert.deepEqual(json.findings.map((f) => [f.rule, f.severity]), [['require-concurrent-index', 'info']]);
    assert.deepEqual(json.notLinted, []);
    assert.equal(r.code, 0, describeRun(['lint'], r));
  });

  it('upgrade lists the pending blocking lock on a large table from the offline SQL: before asking in a terminal, and with --yes', async () => {
    const url = await freshDatabaseUrl('alembic_confirm');
    const backend = copyBackend();
    const env = { DATABASE_URL: '', MIGRATION_CHAIN_PROTECTED: '' };
    const up = await runCli(['upgrade', HEAD, '--url', url], { cwd: backend, timeoutMs: 120_000, env });
    assert.equal(up.code, 0, describeRun(['upgrade'], up));
    // 1.1 million rows and ANALYZE: the catalog's reltuples put prospects over the 1M threshold.
    await query(url, "INSERT INTO prospects (email) SELECT 'p' || g || '@example.com' FROM generate_series(1, 1100000) g; ANALYZE prospects");
    addIndexRevision(backend);
    const line = /^ {2}idx00000_prospects_email_index\.py:10 {2}locks prospects SHARE · blocks writes · ~1\.1M rows · scans$/m;

    let stderr = '';
    const asked: string[] = [];
    const code = await main(['upgrade', '--url', url], {
      stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) }, stdinIsTTY: true, env, cwd: backend,
      ask: async (q) => { asked.push(q); return 'n'; },
    });
    assert.equal(code, 8, stderr);
    assert.equal(asked.length, 1);
    assert.match(stderr, /Blocking locks on large tables \(≥ 1M rows or 1 GB\):\n/);
    assert.match(stderr, line);
    assert.deepEqual((await query<{ v: string }>(url, 'SELECT version_num AS v FROM alembic_version')).map((r) => r.v), [HEAD], 'declined: Alembic did not run');

    const yes = await runCli(['upgrade', '--url', url, '--yes'], { cwd: backend, timeoutMs: 120_000, env });
    assert.equal(yes.code, 0, describeRun(['upgrade', '--yes'], yes));
    assert.match(yes.stderr, line);
    assert.deepEqual((await query<{ v: string }>(url, 'SELECT version_num AS v FROM alembic_version')).map((r) => r.v), ['idx00000']);
  });

  it('an env.py that cannot run offline: every .py revision is reported as not linted, saying so', async () => {
    const backend = copyBackend((b) => {
      const env = path.join(b, 'alembic', 'env.py');
      fs.writeFileSync(env, fs.readFileSync(env, 'utf8').replace('def run_migrations_offline() -> None:\n',
        'def run_migrations_offline() -> None:\n    raise RuntimeError("this project has no offline mode")\n'));
    });
    const { r, json } = await lint(backend, []);
    assert.equal(r.code, 0, describeRun(['lint'], r));
    assert.equal(json.statements, 0);
    assert.deepEqual(json.notLinted.map((n) => n.revision), ['000000000000', '4b9608290b5d', 'add_discovery_query', HEAD]);
    for (const n of json.notLinted) assert.match(n.reason, /env\.py cannot run in Alembic's offline mode .*this project has no offline mode/);
  });
});
