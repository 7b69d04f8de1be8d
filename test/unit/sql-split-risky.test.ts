import { strict as assert } from 'node:assert';
import { splitSqlStatements } from '../../src/core/sql/split';
import { findRiskyStatements, transactionDiagnostics } from '../../src/core/sql/risky';
import { parseSqlMigration } from '../../src/core/chain/parse-sql';
import type { Migration } from '../../src/core/chain/model';

const texts = (sql: string): string[] => splitSqlStatements(sql).map((s) => s.text);

describe('splitSqlStatements', () => {
  it('splits on semicolons with exact offsets and lines, skipping empty statements', () => {
    const sql = 'SELECT 1;\n\n  SELECT 2 ;;\n-- only a comment\n;\nSELECT 3';
    const out = splitSqlStatements(sql);
    assert.deepEqual(out.map((s) => [s.text, s.line]), [['SELECT 1', 1], ['SELECT 2', 3], ['SELECT 3', 6]]);
    for (const s of out) assert.equal(sql.slice(s.offset, s.offset + s.text.length), s.text);
  });
  it('ignores semicolons in quotes, E-strings, identifiers, dollar quotes and comments', () => {
    const sql = [
      "INSERT INTO t VALUES ('a;b', 'it''s;');",
      "SELECT E'x\\';y';",
      'SELECT 1 AS "we;ird""name";',
      'CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;',
      'DO $body$ BEGIN PERFORM 1; END $body$;',
      'SELECT /* a; /* nested; */ still; */ 2;',
      'SELECT 3 -- trailing; comment\n;',
    ].join('\n');
    assert.deepEqual(texts(sql), [
      "INSERT INTO t VALUES ('a;b', 'it''s;')",
      "SELECT E'x\\';y'",
      'SELECT 1 AS "we;ird""name"',
      'CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql',
      'DO $body$ BEGIN PERFORM 1; END $body$',
      'SELECT /* a; /* nested; */ still; */ 2',
      'SELECT 3 -- trailing; comment',
    ]);
  });
  it('keeps a standard-conforming backslash as an ordinary character and $1 as a parameter', () => {
    assert.deepEqual(texts("SELECT 'a\\'; SELECT $1;"), ["SELECT 'a\\'", 'SELECT $1']);
  });
  it('keeps BEGIN ATOMIC bodies of SQL-standard functions whole', () => {
    const sql = 'CREATE OR REPLACE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END; SELECT 3;';
    assert.deepEqual(texts(sql), ['CREATE OR REPLACE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END', 'SELECT 3']);
  });
  it('does not throw on unterminated quotes or comments (the rest is one statement)', () => {
    assert.deepEqual(texts("SELECT 1; SELECT 'open;"), ['SELECT 1', "SELECT 'open;"]);
    assert.deepEqual(texts('SELECT 1; /* open'), ['SELECT 1']);
    assert.deepEqual(texts('SELECT $$ open;'), ['SELECT $$ open;']);
    assert.deepEqual(texts(''), []);
  });
  it('starts a statement after its leading comments so lines point at SQL', () => {
    const [s] = splitSqlStatements('-- intro\n/* block */\n\nALTER TABLE t ADD c int;');
    assert.equal(s.line, 4);
    assert.equal(s.text, 'ALTER TABLE t ADD c int');
  });
});

function migration(text: string): Migration {
  const r = parseSqlMigration('/m/risky.sql', text);
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  return r.migration;
}

describe('findRiskyStatements', () => {
  const m = migration(`-- revision: r1
-- message: risky

-- migrate:upgrade
CREATE INDEX CONCURRENTLY i1 ON t (a);
create unique index concurrently i2 on t (b);
DROP INDEX CONCURRENTLY IF EXISTS i0;
REINDEX TABLE CONCURRENTLY t;
VACUUM ANALYZE t;
ALTER TYPE mood ADD VALUE 'meh';
ALTER SYSTEM SET work_mem = '64MB';
CREATE DATABASE other;
DROP TABLE old_stuff;
ALTER TABLE t DROP COLUMN c, ADD COLUMN d int;
ALTER TABLE t DROP CONSTRAINT t_c_check;
ALTER TABLE t ALTER COLUMN e TYPE smallint;
TRUNCATE t;
DELETE FROM t;
DELETE FROM t WHERE id = 1;
INSERT INTO notes VALUES ('DROP TABLE t; VACUUM');
-- DROP TABLE commented_out;

-- migrate:downgrade
DROP TABLE t;
DROP INDEX CONCURRENTLY i1;
`);
  const risky = findRiskyStatements(m);
  const byCode = risky.map((r) => `${r.section}:${r.code}@${r.line}`);

  it('flags every statement that cannot run in a transaction, with file lines', () => {
    assert.deepEqual(byCode.filter((c) => c.startsWith('upgrade:') && risky.find((r) => `${r.section}:${r.code}@${r.line}` === c)?.kind === 'non-transactional'), [
      'upgrade:create-index-concurrently@5', 'upgrade:create-index-concurrently@6', 'upgrade:drop-index-concurrently@7',
      'upgrade:reindex-concurrently@8', 'upgrade:vacuum@9', 'upgrade:enum-add-value@10', 'upgrade:alter-system@11',
      'upgrade:create-database@12',
    ]);
    assert.ok(risky.find((r) => r.code === 'enum-add-value')?.serverDependent);
    assert.ok(risky.every((r) => r.file === '/m/risky.sql'));
  });
  it('flags destructive statements in the upgrade only, not in strings or comments', () => {
    assert.deepEqual(risky.filter((r) => r.kind === 'destructive').map((r) => `${r.code}@${r.line}`), [
      'drop-table@13', 'drop-column@14', 'alter-column-type@16', 'truncate@17', 'delete-without-where@18',
    ]);
    assert.deepEqual(byCode.filter((c) => c.startsWith('downgrade:')), ['downgrade:drop-index-concurrently@25']);
  });
  it("makes 'non-transactional-statement' diagnostics for a transactional migration only", () => {
    const diags = transactionDiagnostics(m, risky);
    assert.equal(diags.filter((d) => d.severity === 'error').length, 8);
    assert.deepEqual(diags.filter((d) => d.severity === 'warning').map((d) => d.line), [10]);
    assert.ok(diags.every((d) => d.code === 'non-transactional-statement' && d.revision === 'r1'));
    assert.deepEqual(transactionDiagnostics({ ...m, transactional: false }), []);
  });
  it('finds nothing in a plain migration', () => {
    assert.deepEqual(findRiskyStatements(migration('-- revision: r2\n-- migrate:upgrade\nCREATE TABLE x (id int);\n-- migrate:downgrade\nDROP TABLE x;\n')), []);
  });
});
