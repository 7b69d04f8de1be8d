// The pure parts of linting `.py` revisions through Alembic's offline SQL: where a revision's upgrade
// function is (its findings' place), and which statements are Alembic's own bookkeeping. The
// end-to-end behaviour against real Alembic is in test/alembic/lint.test.ts.
import { strict as assert } from 'node:assert';
import { isBookkeeping, splitOfflineSql, withoutBookkeeping } from '../../src/core/alembic/run/offline-sql';
import { upgradeFunction } from '../../src/core/lint/alembic-offline';

describe('lint of .py revisions: upgrade function and bookkeeping', () => {
  it('upgradeFunction spans def upgrade to its last line of code, past blank lines and comments in the body', () => {
    const text = [
      'revision = "a"',          // 1
      '',
      'def upgrade(',            // 3
      ') -> None:',
      '    # comment',
      '',
      '    op.create_index("i", "t", ["c"])', // 7
      '',
      '',
      'def downgrade() -> None:', // 10
      '    pass',
    ].join('\n');
    assert.deepEqual(upgradeFunction(text), { line: 3, endLine: 7, endColumn: '    op.create_index("i", "t", ["c"])'.length });
  });

  it('upgradeFunction of a file without one is line 1', () => {
    assert.equal(upgradeFunction('x = 1\n').line, 1);
  });

  it('isBookkeeping drops the transaction and the version table (any name), not the migration\'s statements', () => {
    for (const sql of ['BEGIN', 'COMMIT', "INSERT INTO my_versions (version_num) VALUES ('a') RETURNING my_versions.version_num",
      "UPDATE alembic_version SET version_num='b' WHERE alembic_version.version_num = 'a'",
      "DELETE FROM alembic_version WHERE alembic_version.version_num = 'b'",
      'CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL)']) {
      assert.ok(isBookkeeping(sql), sql);
    }
    for (const sql of ['CREATE INDEX ix ON prospects (email)', "UPDATE prospects SET status='new'", 'BEGIN WORK; SELECT 1']) {
      assert.ok(!isBookkeeping(sql), sql);
    }
  });

  it('splitOfflineSql keys each section by the revision after the arrow, merges included', () => {
    const sections = splitOfflineSql(['BEGIN;', '-- Running upgrade  -> a', 'SELECT 1;', '-- Running upgrade b, c -> m', 'SELECT 2;'].join('\n'));
    assert.deepEqual(sections.map((s) => [s.revision, s.sql.trim()]), [['a', 'SELECT 1;'], ['m', 'SELECT 2;']]);
  });

  it('splitOfflineSql keys a downgrade section by the revision before the arrow (the one undone), merges included', () => {
    const sections = splitOfflineSql(['BEGIN;', '-- Running downgrade m -> b, c', 'SELECT 1;', '-- Running downgrade a -> ', 'SELECT 2;'].join('\n'));
    assert.deepEqual(sections.map((s) => [s.revision, s.sql.trim()]), [['m', 'SELECT 1;'], ['a', 'SELECT 2;']]);
  });

  it('withoutBookkeeping keeps the revision\'s statements, multi-line ones whole', () => {
    const sql = ['', 'CREATE TABLE t (', '    id int', ');', '', "UPDATE alembic_version SET version_num='b' WHERE alembic_version.version_num = 'a';", '', 'COMMIT;'].join('\n');
    assert.equal(withoutBookkeeping(sql), 'CREATE TABLE t (\n    id int\n);');
  });
});
