// The rule registry, without a database: every rule has a docs page with its three sections and a
// PostgreSQL link; flags its `flagged` examples and not its `clean` ones (on a database with large
// `accounts` and `plans` tables); its quick fix parses, and the rewritten statements no longer
// trigger the rule. Also severity by size, new tables, suppressions and version answers.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyFacts, newTableFacts, type DatabaseFacts } from '../../src/core/lint/facts';
import { lint } from '../../src/core/lint/lint';
import type { LintStatement } from '../../src/core/lint/model';
import { clearParseCache, loadPgParser, type PgParser } from '../../src/core/lint/parser';
import { LINT_RULES, PROJECT_DOCS_BASE, docsPath, docsUrl } from '../../src/core/lint/rules';
import { statementsFromSql } from '../../src/core/lint/sources';
import { readSuppressions } from '../../src/core/lint/suppressions';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FILE = '/project/migrations/abc_test.sql';

function bigDatabase(major = 18, rows = 10_000_000): DatabaseFacts {
  const facts = emptyFacts({ serverMajor: major });
  const table = (columns: Record<string, string>) => ({ ...newTableFacts(), isNew: false, rows, bytes: rows * 100, columns: new Map(Object.entries(columns)) });
  facts.tables.set('public.accounts', table({ id: 'bigint', email: 'character varying(100)', note: 'text', plan_id: 'integer' }));
  facts.tables.set('public.plans', table({ id: 'integer' }));
  facts.tables.set('public.accounts_2020', table({ id: 'bigint' }));
  facts.indexes.set('public.accounts_email_idx', 'public.accounts');
  return facts;
}

function statements(sql: string, transactional = true): LintStatement[] {
  return statementsFromSql(sql, { file: FILE, line: 10, revision: 'abc', transactional });
}

function majorOf(example: string): number {
  return Number(/--\s*pg\s+(\d+)/.exec(example)?.[1] ?? 18);
}

let parser: PgParser;
before(async () => {
  parser = await loadPgParser();
});

describe('lint: parses kept per statement text', () => {
  it('no rule or lock model changes a kept tree: a lint from kept trees equals one from fresh parses', () => {
    const examples = LINT_RULES.flatMap((r) => [...r.examples.flagged, ...r.examples.clean]);
    for (const example of examples) {
      const input = { statements: statements(example) };
      for (const facts of [() => bigDatabase(majorOf(example)), () => bigDatabase(11), () => emptyFacts({})]) {
        clearParseCache();
        const trees = JSON.stringify(input.statements.map((st) => parser.parse(st.sql)));
        const fresh = JSON.stringify(lint(parser, input, facts()));
        assert.equal(JSON.stringify(input.statements.map((st) => parser.parse(st.sql))), trees, `a lint changed the tree of: ${example}`);
        assert.equal(JSON.stringify(lint(parser, input, facts())), fresh, `kept trees lint differently: ${example}`);
      }
    }
  });
});

describe('lint rules: registry', () => {
  it('has unique ids and a docs page per rule with why, safe pattern and PostgreSQL links', () => {
    assert.equal(new Set(LINT_RULES.map((r) => r.id)).size, LINT_RULES.length);
    it('links the published docs of this repository (package.json repository), not a path in the user\'s project', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { repository: { url: string } };
    const repo = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    assert.equal(PROJECT_DOCS_BASE, `${repo}/blob/main/`);
    for (const rule of LINT_RULES) assert.equal(docsUrl(rule.id), `${repo}/blob/main/docs/lint/${rule.id}.md`);
  });

  for (const rule of LINT_RULES) {
      const page = fs.readFileSync(path.join(ROOT, docsPath(rule.id)), 'utf8');
      assert.match(page, /## Why it is risky/, rule.id);
      assert.match(page, /## The safe pattern/, rule.id);
      assert.match(page, /https:\/\/www\.postgresql\.org\/docs\//, rule.id);
      assert.match(fs.readFileSync(path.join(ROOT, 'docs', 'lint', 'README.md'), 'utf8'), new RegExp(`\\(${rule.id}\\.md\\)`));
    }
  });

  for (const rule of LINT_RULES) {
    describe(rule.id, () => {
      for (const example of rule.examples.flagged) {
        it(`flags: ${example}`, () => {
          const report = lint(parser, { statements: statements(example) }, bigDatabase(majorOf(example)));
          const hits = report.findings.filter((f) => f.rule === rule.id);
          assert.equal(hits.length, 1, JSON.stringify(report.findings.map((f) => f.rule)));
          assert.equal(hits[0].severity, rule.severity, 'a ten-million-row table gets the rule severity');
          const fix = hits[0].fix;
          if (fix) {
            const fixed = lint(parser, { statements: statements(fix.replacement, !fix.nonTransactional) }, bigDatabase(majorOf(example)));
            assert.deepEqual(fixed.problems, [], 'the fix parses');
            assert.equal(fixed.findings.filter((f) => f.rule === rule.id).length, 0, `the fix still triggers ${rule.id}: ${fix.replacement}`);
          }
        });
      }
      for (const example of rule.examples.clean) {
        it(`does not flag: ${example}`, () => {
          const report = lint(parser, { statements: statements(example) }, bigDatabase(majorOf(example)));
          assert.deepEqual(report.problems, []);
          assert.deepEqual(report.findings.filter((f) => f.rule === rule.id).map((f) => f.statement), []);
        });
      }
    });
  }
});

describe('lint: database and version awareness', () => {
  const index = 'CREATE INDEX accounts_note_idx ON accounts (note)';

  it('scales severity with the table size: note, warning, error; unknown size keeps the rule severity', () => {
    const severity = (facts: DatabaseFacts) => lint(parser, { statements: statements(index) }, facts).findings[0]?.severity;
    assert.equal(severity(bigDatabase(18, 40)), 'info');
    assert.equal(severity(bigDatabase(18, 100_000)), 'warning');
    assert.equal(severity(bigDatabase(18, 10_000_000)), 'error');
    assert.equal(severity(emptyFacts()), 'error');
  });

  it('does not flag tables created earlier in the same run', () => {
    const report = lint(parser, { statements: statements('CREATE TABLE notes (id int, body text);\nCREATE INDEX notes_body_idx ON notes (body);\nALTER TABLE notes ALTER COLUMN body SET NOT NULL') }, bigDatabase());
    assert.deepEqual(report.findings, []);
  });

  it('maps findings to the statement lines of the file', () => {
    const report = lint(parser, { statements: statements(`SELECT 1;\n\n${index};`) }, bigDatabase());
    assert.equal(report.findings[0].line, 12);
    assert.equal(report.findings[0].endLine, 12);
  });

  it('answers by version: an ADD COLUMN default rewrites before PostgreSQL 11 only', () => {
    const sql = "ALTER TABLE accounts ADD COLUMN status text DEFAULT 'x'";
    const rules = (major: number) => lint(parser, { statements: statements(sql) }, bigDatabase(major)).findings.map((f) => f.rule);
    assert.ok(rules(10).includes('add-column-rewrites'));
    assert.ok(!rules(11).includes('add-column-rewrites'));
  });

  it('answers by version: a valid CHECK spares the SET NOT NULL scan from PostgreSQL 12 on', () => {
    const sql = 'ALTER TABLE accounts ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE accounts VALIDATE CONSTRAINT c;\nALTER TABLE accounts ALTER COLUMN email SET NOT NULL';
    const rules = (major: number) => lint(parser, { statements: statements(sql) }, bigDatabase(major)).findings.map((f) => f.rule);
    assert.ok(rules(11).includes('set-not-null-scans'));
    assert.ok(!rules(12).includes('set-not-null-scans'));
  });

  it('offers DETACH PARTITION CONCURRENTLY only from PostgreSQL 14', () => {
    const fix = (major: number) => lint(parser, { statements: statements('ALTER TABLE accounts DETACH PARTITION accounts_2020') }, bigDatabase(major))
      .findings.find((f) => f.rule === 'detach-partition-concurrently')?.fix;
    assert.equal(fix(13), undefined);
    assert.match(fix(14)?.replacement ?? '', /CONCURRENTLY$/);
  });

  it('an unknown version gets the oldest known answers (PostgreSQL 11)', () => {
    const facts = bigDatabase();
    delete facts.serverMajor;
    const report = lint(parser, { statements: statements('ALTER TABLE accounts ALTER COLUMN email SET NOT NULL') }, facts);
    assert.equal(report.findings.find((f) => f.rule === 'set-not-null-scans')?.fix, undefined, 'no CHECK trick before 12');
  });

  it('a SET lock_timeout earlier in the migration, or the runner setting, satisfies require-lock-timeout', () => {
    const alter = 'ALTER TABLE accounts DROP COLUMN note';
    const fired = (sql: string, runtime = 0) => lint(parser, { statements: statements(sql) }, { ...bigDatabase(), runtimeLockTimeoutMs: runtime })
      .findings.some((f) => f.rule === 'require-lock-timeout');
    assert.ok(fired(alter));
    assert.ok(!fired(`SET LOCAL lock_timeout = '3s';\n${alter}`));
    assert.ok(fired(`SET LOCAL lock_timeout = 0;\n${alter}`));
    assert.ok(!fired(alter, 5000));
  });

  it('require-lock-timeout: nothing on tables the run created, a note on tables the catalog shows empty, a warning otherwise', () => {
    const facts = bigDatabase();
    const empty = { ...newTableFacts(), isNew: false, rows: 0, bytes: 0, columns: new Map([['id', 'integer']]) };
    facts.tables.set('public.empty_t', empty);
    facts.tables.set('public.never_analysed', { ...empty, rows: -1 });
    facts.tables.set('public.events', { ...empty, partitioned: true }); // a partitioned parent has no pages of its own
    const timeout = (sql: string) => lint(parser, { statements: statements(sql) }, facts)
      .findings.filter((f) => f.rule === 'require-lock-timeout').map((f) => [f.relation, f.severity]);
    // Created in this revision: every later ALTER, the rename and the drop are unseen by anyone else.
    assert.deepEqual(timeout('CREATE TABLE fresh (a int);\nALTER TABLE fresh ADD COLUMN b int;\nALTER TABLE fresh RENAME TO fresh2;\nALTER TABLE fresh2 ADD COLUMN c int;\nDROP TABLE fresh2;'), []);
    // Known empty in the catalog: a note (the lock costs nothing to hold), never a warning.
    assert.deepEqual(timeout('ALTER TABLE empty_t ADD COLUMN note text'), [['public.empty_t', 'info']]);
    assert.deepEqual(timeout('ALTER TABLE never_analysed DROP COLUMN id'), [['public.never_analysed', 'info']]);
    assert.deepEqual(timeout('DROP TABLE empty_t, never_analysed'), [['public.empty_t', 'info']]);
    // One table with rows among them, a partitioned parent, or a table the facts do not know: a warning on it.
    assert.deepEqual(timeout('DROP TABLE empty_t, accounts'), [['public.accounts', 'warning']]);
    assert.deepEqual(timeout('ALTER TABLE events ADD COLUMN note text'), [['public.events', 'warning']]);
    assert.deepEqual(timeout('ALTER TABLE unknown_t ADD COLUMN note text'), [['public.unknown_t', 'warning']]);
    assert.deepEqual(timeout('ALTER TABLE accounts ADD COLUMN note2 text'), [['public.accounts', 'warning']]);
  });

  it('reports a statement PostgreSQL cannot parse at its line, and goes on', () => {
    const report = lint(parser, { statements: statements(`ALTER TABLE accounts ADD COLUMN;\n${index}`) }, bigDatabase());
    assert.equal(report.problems[0].code, 'parse-error');
    assert.equal(report.problems[0].line, 10);
    assert.equal(report.findings[0].rule, 'require-concurrent-index');
  });
});

describe('lint: suppressions', () => {
  const text = [
    '-- migration-chain: allow require-concurrent-index because the table is empty at deploy',
    'CREATE INDEX a ON accounts (email);',
    'CREATE INDEX b ON accounts (note); -- migration-chain: allow require-concurrent-index because reasons',
    '-- migration-chain: allow no-such-rule because typo',
    'CREATE INDEX c ON accounts (plan_id);',
    '-- migration-chain: allow require-concurrent-index',
    'CREATE INDEX d ON accounts (id);',
  ].join('\n');

  it('silences the named rule for the next statement or the statement on the same line', () => {
    const stmts = statementsFromSql(text, { file: FILE, line: 1, transactional: true });
    const report = lint(parser, { statements: stmts, suppressions: readSuppressions(FILE, text) }, bigDatabase());
    assert.deepEqual(report.findings.map((f) => f.statement), ['CREATE INDEX c ON accounts (plan_id)']);
  });

  it('diagnoses unknown rule ids and suppressions without a reason', () => {
    const report = lint(parser, { statements: [], suppressions: readSuppressions(FILE, text) }, bigDatabase());
    assert.deepEqual(report.problems.map((p) => [p.code, p.line]), [['unknown-lint-rule', 4], ['suppression-without-reason', 6]]);
  });

  it('reads `#` comments in Python files', () => {
    const py = 'def upgrade():\n    # migration-chain: allow require-lock-timeout because tiny table\n    op.drop_column("accounts", "note")\n';
    assert.deepEqual(readSuppressions('/p/versions/abc.py', py).map((s) => [s.rules, s.appliesToLine, s.reason]), [[['require-lock-timeout'], 3, 'tiny table']]);
  });
});
