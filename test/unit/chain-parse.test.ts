import { strict as assert } from 'node:assert';
import { parseSqlMigration } from '../../src/core/chain/parse-sql';
import { parseJsMigration } from '../../src/core/chain/parse-js';
import { parsePythonMigration } from '../../src/core/chain/parse-python';
import { checksumText } from '../../src/core/chain/checksum';
import type { ParseResult } from '../../src/core/chain/model';

const sql = (text: string): ParseResult => parseSqlMigration('/m/x.sql', text);
const js = (text: string): ParseResult => parseJsMigration('/m/x.js', text);
const py = (text: string): ParseResult => parsePythonMigration('/m/x.py', text);
function ok(r: ParseResult) {
  assert.ok(r.ok, `expected a migration, got ${JSON.stringify(r.diagnostics)}`);
  return r.migration;
}

const FULL = `-- revision: 4b9608290b5d
-- down_revision: 000000000000
-- message: add settings table
-- transactional: false
-- branch_labels: settings, config
-- depends_on: abc123

-- migrate:upgrade

CREATE TABLE settings (key text PRIMARY KEY);
CREATE INDEX CONCURRENTLY settings_idx ON settings (key);

-- migrate:downgrade
DROP TABLE settings;

-- migrate:verify
SELECT key FROM settings LIMIT 0;
`;

describe('native .sql header parser', () => {
  it('reads every header key with exact lines', () => {
    const m = ok(sql(FULL));
    assert.equal(m.revision, '4b9608290b5d');
    assert.deepEqual(m.downRevisions, ['000000000000']);
    assert.equal(m.message, 'add settings table');
    assert.equal(m.transactional, false);
    assert.deepEqual(m.branchLabels, ['settings', 'config']);
    assert.deepEqual(m.dependsOn, ['abc123']);
    assert.equal(m.revisionLine, 1);
    assert.equal(m.downRevisionLine, 2);
    assert.deepEqual(m.upgrade, { text: 'CREATE TABLE settings (key text PRIMARY KEY);\nCREATE INDEX CONCURRENTLY settings_idx ON settings (key);', line: 10 });
    assert.deepEqual(m.downgrade, { text: 'DROP TABLE settings;', line: 14 });
    assert.deepEqual(m.verify, { text: 'SELECT key FROM settings LIMIT 0;', line: 17 });
    assert.ok(m.hasDowngrade && m.hasVerify);
    assert.equal(m.checksum, checksumText(m.upgrade?.text ?? ''));
  });
  it('gives the same checksum and lines for CRLF files', () => {
    const a = ok(sql(FULL));
    const b = ok(sql(FULL.replace(/\n/g, '\r\n')));
    assert.equal(a.checksum, b.checksum);
    assert.equal(b.upgrade?.line, 10);
    assert.equal(a.checksum, checksumText('CREATE TABLE settings (key text PRIMARY KEY);\r\nCREATE INDEX CONCURRENTLY settings_idx ON settings (key);'));
  });
  it('treats absent, empty and None down_revision as a base; commas as a merge', () => {
    for (const header of ['', '-- down_revision:\n', '-- down_revision: None\n']) {
      assert.deepEqual(ok(sql(`-- revision: abc\n${header}-- migrate:upgrade\nSELECT 1;`)).downRevisions, []);
    }
    const merge = ok(sql('-- revision: m1\n-- down_revision: a1, b2\n-- migrate:upgrade\n'));
    assert.deepEqual(merge.downRevisions, ['a1', 'b2']);
    assert.equal(merge.transactional, true);
    assert.equal(merge.hasDowngrade, false, 'no downgrade section means irreversible');
    assert.deepEqual(merge.upgrade, { text: '', line: 4 });
  });
  it("warns about a file without a revision header ('no-revision', line 1)", () => {
    const r = sql('INSERT INTO t VALUES (1);\n');
    assert.equal(r.ok, false);
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.severity, d.line]), [['no-revision', 'warning', 1]]);
  });
  it('reports duplicate keys, bad ids, a missing upgrade and SQL before the first marker with their lines', () => {
    const dupe = sql('-- revision: a1\n-- revision: a2\n-- migrate:upgrade\n');
    assert.deepEqual(dupe.diagnostics.map((d) => [d.code, d.line]), [['unparseable-header', 2]]);
    const bad = sql('-- message: x\n-- revision: no spaces allowed\n-- migrate:upgrade\n');
    assert.deepEqual(bad.diagnostics.map((d) => [d.code, d.severity, d.line]), [['unparseable-header', 'error', 2]]);
    const tooLong = sql(`-- revision: ${'a'.repeat(33)}\n-- migrate:upgrade\n`);
    assert.match(tooLong.diagnostics[0].message, /varchar\(32\)/);
    const noUpgrade = sql('-- revision: a1\n-- migrate:downgrade\nDROP TABLE t;\n');
    assert.equal(noUpgrade.ok, false);
    assert.match(noUpgrade.diagnostics[0].message, /Missing '-- migrate:upgrade'/);
    const early = sql('-- revision: a1\nCREATE TABLE t ();\n-- migrate:upgrade\n');
    assert.deepEqual(early.diagnostics.map((d) => d.line), [2]);
    const badDown = sql('-- revision: a1\n-- down_revision: x y\n-- migrate:upgrade\n');
    assert.deepEqual(badDown.diagnostics.map((d) => [d.line, d.revision]), [[2, 'a1']]);
    const badTx = sql('-- revision: a1\n-- transactional: maybe\n-- migrate:upgrade\n');
    assert.match(badTx.diagnostics[0].message, /true or false/);
    const unknownSection = sql('-- revision: a1\n-- migrate:upgrade\n\n-- migrate:sideways\n');
    assert.deepEqual(unknownSection.diagnostics.map((d) => d.line), [4]);
  });
  it('warns about unknown header keys but still parses, and ignores prose comments', () => {
    const r = sql('-- revision: a1\n-- author: me\n-- Note: prose is fine\n-- migrate:upgrade\nSELECT 1;');
    const m = ok(r);
    assert.equal(m.revision, 'a1');
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.severity, d.line]), [['unparseable-header', 'warning', 2]]);
  });
  it('strips a byte-order mark', () => {
    assert.equal(ok(sql('\uFEFF-- revision: a1\n-- migrate:upgrade\n')).revision, 'a1');
  });
});

describe('.js header parser (text only, never executed)', () => {
  it('reads CommonJS exports assignments', () => {
    const m = ok(js(`// migration
exports.revision = 'abc123';
exports.down_revision = "def456";
exports.message = 'add thing';
exports.transactional = false;
exports.upgrade = async (ctx) => { await ctx.client.query('select 1'); };
exports.downgrade = async function (ctx) {};
`));
    assert.deepEqual([m.revision, m.downRevisions, m.message, m.transactional, m.revisionLine, m.downRevisionLine],
      ['abc123', ['def456'], 'add thing', false, 2, 3]);
    assert.ok(m.hasDowngrade);
    assert.ok(!m.hasVerify);
    assert.equal(m.format, 'js');
  });
  it('reads module.exports object literals with null and array down_revision', () => {
    const base = ok(js(`module.exports = {\n  revision: 'base1',\n  down_revision: null,\n  async upgrade(ctx) {},\n  async verify(ctx) {},\n};\n`));
    assert.deepEqual(base.downRevisions, []);
    assert.equal(base.revisionLine, 2);
    assert.ok(base.hasVerify && !base.hasDowngrade);
    const merge = ok(js(`module.exports = { "revision": "m1", 'down_revision': ['a1', "b2",], downgrade: async () => {} };`));
    assert.deepEqual(merge.downRevisions, ['a1', 'b2']);
    assert.ok(merge.hasDowngrade);
  });
  it('reads ESM exports and ignores commented-out definitions', () => {
    const m = ok(js(`/* export const revision = 'old'; */\n// exports.revision = 'older'\nexport const revision = 'esm1';\nexport const down_revision: string | null = 'esm0';\nexport async function downgrade() {}\n`));
    assert.deepEqual([m.revision, m.downRevisions, m.revisionLine, m.hasDowngrade], ['esm1', ['esm0'], 3, true]);
  });
  it('refuses a computed revision and says why', () => {
    const r = js(`const id = makeId();\nexports.revision = id;\n`);
    assert.equal(r.ok, false);
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.line]), [['unparseable-header', 2]]);
    assert.match(r.diagnostics[0].message, /never executed/);
  });
  it("warns when there is no revision ('no-revision')", () => {
    const r = js('module.exports = { helper() {} };');
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['no-revision']);
  });
});

describe('Alembic .py parser (text only)', () => {
  const TYPED = `"""add settings table

Revision ID: 4b9608290b5d
Revises: 000000000000
"""
from typing import Sequence, Union

revision: str = '4b9608290b5d'
down_revision: Union[str, None] = '000000000000'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('settings')


def downgrade() -> None:
    op.drop_table('settings')
`;
  it('reads the type-annotated style with the docstring message and lines', () => {
    const m = ok(py(TYPED));
    assert.deepEqual([m.revision, m.downRevisions, m.message, m.revisionLine, m.downRevisionLine, m.hasDowngrade, m.format],
      ['4b9608290b5d', ['000000000000'], 'add settings table', 8, 9, true, 'py']);
    assert.equal(m.checksum, checksumText(TYPED));
  });
  it('reads None, tuples over several lines, branch_labels and depends_on', () => {
    const m = ok(py(`'''merge'''\nrevision = "m1"\ndown_revision = (\n    "a1",  # left\n    "b2",\n)\nbranch_labels = ('lbl',)\ndepends_on = 'dep1'\ndef downgrade():\n    pass\n`));
    assert.deepEqual([m.downRevisions, m.branchLabels, m.dependsOn, m.message, m.hasDowngrade], [['a1', 'b2'], ['lbl'], ['dep1'], 'merge', false]);
    const base = ok(py(`revision = 'b0'\ndown_revision = None\n`));
    assert.deepEqual(base.downRevisions, []);
    assert.equal(base.message, '');
  });
  it('counts a downgrade with only a docstring and pass as absent, any real statement as present', () => {
    assert.equal(ok(py(`revision = 'x'\ndef downgrade():\n    """Nothing."""\n    pass\n`)).hasDowngrade, false);
    assert.equal(ok(py(`revision = 'x'\ndef downgrade(): pass\n`)).hasDowngrade, false);
    assert.equal(ok(py(`revision = 'x'\ndef downgrade() -> None:\n    # comment\n    op.drop_table('t')\n`)).hasDowngrade, true);
    assert.equal(ok(py(`revision = 'x'\n`)).hasDowngrade, false);
  });
  it('ignores assignments inside docstrings, comments and functions', () => {
    const m = ok(py(`"""Doc\nrevision = 'in_doc'\n"""\n# revision = 'in_comment'\ndef f():\n    revision = 'local'\nrevision = 'real'\n`));
    assert.equal(m.revision, 'real');
    assert.equal(m.revisionLine, 7);
  });
  it('reports a non-literal down_revision on its line', () => {
    const r = py(`revision = 'x1'\ndown_revision = compute()\n`);
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.line, d.revision]), [['unparseable-header', 2, 'x1']]);
  });
});
