// The file side of stairway tests: how a revision declares itself irreversible in each format,
// branch groups, range selection, the Testing view's item and message models, JUnit escaping.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RevisionGraph } from '../../src/core/chain/graph';
import type { Chain } from '../../src/core/chain/chain';
import { parseJsMigration } from '../../src/core/chain/parse-js';
import { parsePythonMigration } from '../../src/core/chain/parse-python';
import { parseSqlMigration } from '../../src/core/chain/parse-sql';
import { branchGroups } from '../../src/core/stairway/branches';
import { downgradeDiffFailure, reupgradeDiffFailure } from '../../src/core/stairway/findings';
import { renderJUnit } from '../../src/core/stairway/junit';
import type { RevisionResult, StairwayReport } from '../../src/core/stairway/model';
import { selectRevisions } from '../../src/core/stairway/select';
import { stairwayItems, stairwayMessages } from '../../src/extension/testing/stairway-model';
import { rev } from './chain-helpers';

const SQL_HEAD = '-- revision: a1\n-- down_revision: none\n';

describe('irreversible declarations', () => {
  it('.sql: `-- irreversible: <reason>` in the header, with its line', () => {
    const r = parseSqlMigration('/m/a1.sql', `${SQL_HEAD}-- irreversible: drops data for good\n\n-- migrate:upgrade\nDROP TABLE t;\n`);
    assert.ok(r.ok);
    assert.deepStrictEqual(r.migration.irreversible, { reason: 'drops data for good', line: 3 });
  });

  it('.sql: an empty reason is an error on its line; no declaration means none', () => {
    const r = parseSqlMigration('/m/a1.sql', `${SQL_HEAD}-- irreversible:\n\n-- migrate:upgrade\nSELECT 1;\n`);
    assert.ok(!r.ok);
    assert.deepStrictEqual(r.diagnostics.map((d) => [d.line, d.severity, /needs a reason/.test(d.message)]), [[3, 'error', true]]);
    const plain = parseSqlMigration('/m/a1.sql', `${SQL_HEAD}\n-- migrate:upgrade\nSELECT 1;\n`);
    assert.ok(plain.ok);
    assert.strictEqual(plain.migration.irreversible, undefined);
  });

  it('.py: a module-level `irreversible = "reason"`; a non-string is an error', () => {
    const py = (extra: string) => parsePythonMigration('/m/a1.py',
      `"""drop"""\nrevision = 'a1'\ndown_revision = None\n${extra}\n\ndef upgrade():\n    op.drop_table('t')\n`);
    const ok = py("irreversible = 'the rows are gone'");
    assert.ok(ok.ok);
    assert.deepStrictEqual(ok.migration.irreversible, { reason: 'the rows are gone', line: 4 });
    const indented = py("def helper():\n    irreversible = 'not module level'");
    assert.ok(indented.ok);
    assert.strictEqual(indented.migration.irreversible, undefined);
    const bad = py('irreversible = True');
    assert.ok(!bad.ok);
    assert.match(bad.diagnostics[0].message, /irreversible must be a non-empty string literal/);
  });

  it('.js: `exports.irreversible = "reason"`', () => {
    const r = parseJsMigration('/m/a1.js', "exports.revision = 'a1';\nexports.down_revision = null;\nexports.irreversible = 'one way';\nexports.upgrade = async () => {};\n");
    assert.ok(r.ok);
    assert.deepStrictEqual(r.migration.irreversible, { reason: 'one way', line: 3 });
  });
});

describe('branch groups and selection', () => {
  //   a - b - c ─┐
  //        \     m - n
  //         d ───┘
  const graph = new RevisionGraph([rev('a'), rev('b', ['a']), rev('c', ['b']), rev('d', ['b'], { branchLabels: ['feature'] }), rev('m', ['c', 'd']), rev('n', ['m'])]);

  it('a group per straight run: the trunk, each branch after a branch point (named by its label), the merge onwards', () => {
    assert.deepStrictEqual(branchGroups(graph).map((g) => [g.name, g.revisions]), [
      ['trunk', ['a', 'b']],
      ['branch from b', ['c']],
      ['feature', ['d']],
      ['merge m', ['m', 'n']],
    ]);
  });

  it('--from, --to and an explicit set intersect; ranges follow the graph, not the file order', () => {
    assert.deepStrictEqual(selectRevisions(graph), graph.topologicalOrder());
    assert.deepStrictEqual(selectRevisions(graph, { from: 'd' }), ['d', 'm', 'n']);
    assert.deepStrictEqual(selectRevisions(graph, { to: 'm' }), graph.topologicalOrder().filter((r) => r !== 'n'));
    assert.deepStrictEqual(selectRevisions(graph, { from: 'b', to: 'c' }), ['b', 'c']);
    assert.deepStrictEqual(selectRevisions(graph, { from: 'b', revisions: ['a', 'd', 'n'] }), ['d', 'n']);
    assert.throws(() => selectRevisions(graph, { from: 'zz' }), /zz/);
  });
});

const failed: RevisionResult = {
  revision: 'b1', file: '/m/b1.sql', message: 'index & <stuff>', branch: 'trunk', outcome: 'failed', durationMs: 12,
  failures: [{
    step: 'downgrade',
    message: 'After downgrading b1 to a1, the schema differs from a1\'s:\n\nindex t.i is left behind by the downgrade  (/m/b1.sql:9)',
    findings: [{
      message: 'index t.i is left behind by the downgrade', location: { file: '/m/b1.sql', line: 9 },
      entry: { kind: 'index', name: 't.i', change: 'extra', actual: 'CREATE INDEX i ON public.t USING btree (x)' },
    }],
  }],
};

describe('Testing view models', () => {
  it('items: one root, the groups in order, each revision with its file, header line and id', () => {
    const chain = { graph: new RevisionGraph([rev('a', [], { message: 'base' }), rev('b', ['a'], { message: '' })]) } as Chain;
    const model = stairwayItems({ uri: 'file:///w', name: 'w' }, chain, branchGroups(chain.graph), false);
    assert.strictEqual(model.label, 'Migration Chain: all revisions');
    assert.deepStrictEqual(model.groups.map((g) => [g.label, g.revisions.map((r) => [r.id, r.label, r.description, r.file, r.line])]), [
      ['trunk', [['file:///w#revision:a', 'base', 'a', '/m/a.sql', 1], ['file:///w#revision:b', 'b', '', '/m/b.sql', 1]]],
    ]);
    assert.strictEqual(stairwayItems({ uri: 'file:///w', name: 'w' }, chain, [], true).label, 'Migration Chain: all revisions (w)');
  });

  it('messages: one per finding, at the line to fix, with the object as expected and as found', () => {
    assert.deepStrictEqual(stairwayMessages(failed), [{
      text: `Downgrade: index t.i is left behind by the downgrade\n\n${failed.failures[0].message}`,
      file: '/m/b1.sql', line: 9, expected: '(absent)', actual: 'CREATE INDEX i ON public.t USING btree (x)',
    }]);
  });

  it('JUnit escapes names and messages and counts each outcome', () => {
    const report: StairwayReport = {
      results: [failed, { ...failed, revision: 'c1', outcome: 'skipped', failures: [], note: 'Not run: b1 failed to upgrade.' }],
      upgradedOnly: [], rebuilds: 0, scratchDatabase: 'x', durationMs: 20,
      target: { host: 'h', port: 5432, database: 'd', user: 'u', display: 'postgresql://u@h:5432/d', isLocal: false },
    };
    const xml = renderJUnit(report, '/m');
    assert.match(xml, /tests="2" failures="1" skipped="1"/);
    assert.match(xml, /name="b1 index &amp; &lt;stuff&gt;" file="b1.sql"/);
    assert.match(xml, /<failure type="downgrade" message="downgrade at b1.sql:9: index t.i is left behind by the downgrade">After downgrading b1 to a1, the schema differs from a1's:/);
    assert.match(xml, /<skipped message="Not run: b1 failed to upgrade."\/>/);
  });
});

describe('stairway findings of a .py revision link the function to fix', () => {
  // The shape of a real FastAPI project's revision (issue 20): upgrade() names the column first, so a
  // search of the whole file linked "not restored by the downgrade" to a line inside upgrade().
  const PY = [
    '"""add items',                                  // 1
    '',                                              // 2
    'Revision ID: b1',                               // 3
    '"""',                                           // 4
    'from alembic import op',                        // 5
    'import sqlalchemy as sa',                       // 6
    '',                                              // 7
    "revision = 'b1'",                               // 8
    "down_revision = 'a1'",                          // 9
    '',                                              // 10
    '',                                              // 11
    'def upgrade() -> None:',                        // 12
    "    op.alter_column('item', 'owner_id', nullable=False)", // 13
    "    op.create_index('item_title_idx', 'item', ['title'])", // 14
    '',                                              // 15
    '',                                              // 16
    'def downgrade() -> None:',                      // 17
    "    op.drop_index('item_title_idx')",           // 18
    '',
  ].join('\n');
  let file: string;
  before(() => {
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mc-stair-py-')), 'b1_add_items.py');
    fs.writeFileSync(file, PY);
  });
  const m = () => rev('b1', ['a1'], { file, format: 'py', revisionLine: 8, downRevisionLine: 9 });

  it('"not restored by the downgrade" links the `def downgrade()` line, not the upgrade line naming the column', async () => {
    const f = await downgradeDiffFailure(m(), [
      { kind: 'column', name: 'item.owner_id', change: 'changed', expected: 'owner_id integer', actual: 'owner_id integer NOT NULL' },
    ], ['a1']);
    assert.deepStrictEqual(f.findings.map((x) => [x.message, x.location.line]), [
      ['column item.owner_id is not restored by the downgrade', 17],
    ]);
    assert.match(f.message, /b1_add_items\.py:17\)/);
  });

  it('a leftover object links the downgrade too; a mention inside downgrade() is linked where it is', async () => {
    const f = await downgradeDiffFailure(m(), [
      { kind: 'index', name: 'item.item_title_idx', change: 'missing', expected: 'CREATE INDEX item_title_idx ON public.item (title)' },
      { kind: 'column', name: 'item.owner_id', change: 'changed', expected: 'a', actual: 'b' },
    ], ['a1']);
    assert.deepStrictEqual(f.findings.map((x) => x.location.line), [18, 17]);
  });

  it('a re-upgrade finding links upgrade(): the statement naming the object, else `def upgrade()`', async () => {
    const f = await reupgradeDiffFailure(m(), [
      { kind: 'index', name: 'item.item_title_idx', change: 'missing', expected: 'x' },
      { kind: 'table', name: 'nowhere', change: 'extra', actual: 'y' },
    ]);
    assert.deepStrictEqual(f.findings.map((x) => x.location.line), [14, 12]);
  });
});
