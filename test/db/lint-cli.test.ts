// `migration-chain lint` end to end against a real database: pending revisions only, severity from
// the catalog's table sizes, tables created in the same run left alone, SARIF for code scanning,
// and the exit codes.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freshDatabaseUrl, server } from '../support/db-hooks';
import { describeRun, REPO_ROOT, runCli } from '../reliability/support/cli';
import { assertNoSecret } from '../reliability/support/failure-output';

function revision(dir: string, id: string, parent: string | null, upgrade: string): void {
  fs.writeFileSync(path.join(dir, `${id}_step.sql`),
    `-- revision: ${id}\n-- down_revision: ${parent ?? 'None'}\n-- message: step\n\n-- migrate:upgrade\n${upgrade}\n`);
}

describe('cli lint (real database)', function () {
  this.timeout(120_000);
  let dir: string;
  let url: string;

  before(async () => {
    url = await freshDatabaseUrl('lint_cli');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-lint-cli-'));
    revision(dir, 'aaaaaaaaaaa1', null, 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\nCREATE TABLE tiny (id int);');
    const up = await runCli(['upgrade', '--dir', dir, '--url', url], { env: { DATABASE_URL: '' } });
    assert.equal(up.code, 0, describeRun(['upgrade'], up));
    const c = new Client({ connectionString: url });
    await c.connect();
    await c.query("INSERT INTO accounts SELECT g, 'a' || g FROM generate_series(1, 20000) g; INSERT INTO tiny SELECT generate_series(1, 40); ANALYZE accounts; ANALYZE tiny");
    await c.end();
    revision(dir, 'bbbbbbbbbbb2', 'aaaaaaaaaaa1', [
      'CREATE INDEX accounts_email_idx ON accounts (email);',
      'CREATE INDEX tiny_id_idx ON tiny (id);',
      'CREATE TABLE notes (id int, body text);',
      'CREATE INDEX notes_body_idx ON notes (body);',
    ].join('\n'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function lint(args: string[]) {
    const r = await runCli(['lint', '--dir', dir, '--url', url, ...args], { env: { DATABASE_URL: '' } });
    assertNoSecret(r.stdout + r.stderr, server().password, 'migration-chain lint');
    return r;
  }

  it('lints only the pending revision, with severity from the table sizes, and exits 0 without errors', async () => {
    const r = await lint(['--pending']);
    assert.equal(r.code, 0, describeRun(['lint'], r));
    assert.match(r.stdout, /bbbbbbbbbbb2_step\.sql:6:1: warning: CREATE INDEX takes SHARE on public\.accounts.*~20,000 rows/);
    assert.match(r.stdout, /bbbbbbbbbbb2_step\.sql:7:1: info: CREATE INDEX takes SHARE on public\.tiny.*~40 rows/);
    assert.doesNotMatch(r.stdout, /notes_body_idx|public\.notes/, 'a table created in the same run is not at risk');
    assert.doesNotMatch(r.stdout, /aaaaaaaaaaa1/, 'applied revisions are not linted');
    assert.match(r.stdout, /lint: 1 revision, 4 statements, 0 errors, 1 warning, 1 info; PostgreSQL \d+ \(database\)/);
  });

  it('text: each finding shows its statement\'s first line, a docs link that resolves, and one severity word', async () => {
    const r = await lint(['--pending']);
    const lines = r.stdout.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    assert.equal(lines[at(/step\.sql:6:1: warning:/) + 1], '    CREATE INDEX accounts_email_idx ON accounts (email)');
    assert.equal(lines[at(/step\.sql:7:1: info:/) + 1], '    CREATE INDEX tiny_id_idx ON tiny (id)');
    const see = lines.filter((l) => /^ {4}see /.test(l));
    assert.equal(see.length, 2);
    for (const l of see) {
      const m = /see https:\/\/github\.com\/migration-chain\/migration-chain\/blob\/main\/(docs\/lint\/[\w-]+\.md)/.exec(l);
      assert.ok(m, `an absolute docs URL: ${l}`);
      assert.ok(fs.existsSync(path.join(REPO_ROOT, m[1])), `${m[1]} exists in the published repository`);
    }
    // One vocabulary: the word on each finding is the word the summary counts.
    for (const word of ['error', 'warning', 'info']) assert.match(r.stdout, new RegExp(`\\d+ ${word}`));
    assert.doesNotMatch(r.stdout, /\bnotes?\b(?!_)/);
  });

  it('an unreachable --url is said to be unreachable, with its host, not "no database URL"', async () => {
    const r = await runCli(['lint', '--dir', dir, '--url', 'postgresql://u:pw@127.0.0.1:1/nowhere'], { env: { DATABASE_URL: '' } });
    assert.match(r.stderr, /database on 127\.0\.0\.1 is unreachable/);
    assert.doesNotMatch(r.stderr, /No database URL configured/);
  });

  it('writes SARIF 2.1.0 with one result per finding and the rule table', async () => {
    const r = await lint(['--format', 'sarif']);
    const sarif = JSON.parse(r.stdout) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.ok(run.tool.driver.rules.some((rule) => rule.id === 'require-concurrent-index'));
    assert.deepEqual(run.results.map((x) => [x.ruleId, x.level, x.locations[0].physicalLocation.region.startLine]),
      [['require-concurrent-index', 'warning', 6], ['require-concurrent-index', 'note', 7]]);
    assert.match(run.results[0].locations[0].physicalLocation.artifactLocation.uri, /bbbbbbbbbbb2_step\.sql$/);
    for (const rule of run.tool.driver.rules as { id: string; helpUri: string }[]) {
      assert.equal(rule.helpUri, `https://github.com/migration-chain/migration-chain/blob/main/docs/lint/${rule.id}.md`);
      assert.ok(fs.existsSync(path.join(REPO_ROOT, 'docs', 'lint', `${rule.id}.md`)), rule.id);
    }
  });

  it('exits 10 when a finding is an error (unknown size: no database) and 2 on a bad format', async () => {
    const r = await runCli(['lint', '--dir', dir, '--since', 'aaaaaaaaaaa1', '--format', 'json'], { env: { DATABASE_URL: '' } });
    assert.equal(r.code, 10, describeRun(['lint', '--since'], r));
    const json = JSON.parse(r.stdout) as { versionSource: string; findings: { rule: string; severity: string }[] };
    assert.equal(json.versionSource, 'unknown');
    assert.deepEqual(json.findings.map((f) => f.severity), ['error', 'error']);
    const bad = await runCli(['lint', '--dir', dir, '--format', 'xml'], { env: { DATABASE_URL: '' } });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format expects text, json or sarif/);
  });
});

describe('cli lint: require-lock-timeout and empty tables (real catalog)', function () {
  this.timeout(120_000);

  it('no warning on a table the revision creates or one the catalog shows empty; a warning on a table with rows or a partitioned one', async () => {
    const url = await freshDatabaseUrl('lint_empty');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-lint-empty-'));
    try {
      revision(dir, 'aaaaaaaaaaa1', null, [
        'CREATE TABLE empty_t (id int);',
        'CREATE TABLE full_t (id int);',
        'CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);',
        "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');",
      ].join('\n'));
      const up = await runCli(['upgrade', '--dir', dir, '--url', url], { env: { DATABASE_URL: '' } });
      assert.equal(up.code, 0, describeRun(['upgrade'], up));
      const c = new Client({ connectionString: url });
      await c.connect();
      await c.query("INSERT INTO full_t VALUES (1), (2); INSERT INTO events VALUES (1, '2026-05-01'); ANALYZE");
      await c.end();
      revision(dir, 'bbbbbbbbbbb2', 'aaaaaaaaaaa1', [
        'CREATE TABLE fresh (id int);',
        'ALTER TABLE fresh ADD COLUMN note text;',
        'ALTER TABLE fresh RENAME TO fresh_renamed;',
        'ALTER TABLE fresh_renamed ADD COLUMN more text;',
        'ALTER TABLE empty_t ADD COLUMN note text;',
        'ALTER TABLE full_t ADD COLUMN note text;',
        'ALTER TABLE events ADD COLUMN note text;',
      ].join('\n'));
      const r = await runCli(['lint', '--dir', dir, '--url', url, '--pending', '--format', 'json'], { env: { DATABASE_URL: '' } });
      assertNoSecret(r.stdout + r.stderr, server().password, 'migration-chain lint');
      assert.equal(r.code, 0, describeRun(['lint'], r));
      const json = JSON.parse(r.stdout) as { findings: { rule: string; severity: string; relation?: string; line: number }[] };
      assert.deepEqual(json.findings.filter((f) => f.rule === 'require-lock-timeout').map((f) => [f.line, f.relation, f.severity]), [
        [10, 'public.empty_t', 'info'],
        [11, 'public.full_t', 'warning'],
        [12, 'public.events', 'warning'],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
