import { strict as assert } from 'node:assert';
import { RevisionGraph } from '../../../src/core/chain/graph';
import type { Migration } from '../../../src/core/chain/model';
import { renderHistory, revisionLine } from '../../../src/cli/print';

function mig(revision: string, downRevisions: string[], message: string, extra: Partial<Migration> = {}): Migration {
  return {
    file: `/project/migrations/${revision}.sql`, format: 'sql', revision, downRevisions, dependsOn: [], branchLabels: [],
    message, transactional: true, revisionLine: 1, downRevisionLine: 2,
    hasDowngrade: true, hasVerify: false, checksum: '', ...extra,
  };
}

// The seed's chain, in file order.
const seed = () => new RevisionGraph([
  mig('000000000000', [], 'create base tables'),
  mig('4b9608290b5d', ['000000000000'], 'add settings table'),
  mig('add_discovery_query', ['4b9608290b5d'], 'add discovery queries'),
  mig('556b79de2825', ['add_discovery_query'], 'add discovery_query_id to prospects'),
]);

describe('cli history rendering', () => {
  it('prints a linear chain heads first, like alembic history', () => {
    assert.deepEqual(renderHistory(seed()), [
      'add_discovery_query -> 556b79de2825 (head), add discovery_query_id to prospects',
      '4b9608290b5d -> add_discovery_query, add discovery queries',
      '000000000000 -> 4b9608290b5d, add settings table',
      '<base> -> 000000000000, create base tables',
    ]);
  });

  it('marks the database\'s revision (current) after (head)', () => {
    const lines = renderHistory(seed(), { current: ['556b79de2825'] });
    assert.equal(lines[0], 'add_discovery_query -> 556b79de2825 (head) (current), add discovery_query_id to prospects');
    const mid = renderHistory(seed(), { current: ['4b9608290b5d'] });
    assert.equal(mid[2], '000000000000 -> 4b9608290b5d (current), add settings table');
    assert.ok(!mid[0].includes('(current)'));
  });

  it('shows a branch point and keeps each branch together, heads first', () => {
    // base -> a -> a2 (head);  base -> b (head): written in an order that interleaves the branches
    const graph = new RevisionGraph([
      mig('base1', [], 'base'), mig('b1', ['base1'], 'branch b'), mig('a1', ['base1'], 'branch a'), mig('a2', ['a1'], 'branch a, second'),
    ]);
    const lines = renderHistory(graph);
    assert.equal(lines.length, 4);
    assert.equal(lines[lines.length - 1], '<base> -> base1 (branchpoint), base');
    const a2 = lines.indexOf('a1 -> a2 (head), branch a, second');
    const a1 = lines.indexOf('base1 -> a1, branch a');
    assert.ok(a2 >= 0 && a1 === a2 + 1, `branch a printed together, child first:\n${lines.join('\n')}`);
    assert.ok(lines.includes('base1 -> b1 (head), branch b'));
  });

  it('shows a merge point with both parents and prints it before either branch', () => {
    const graph = new RevisionGraph([
      mig('base1', [], 'base'), mig('a1', ['base1'], 'a'), mig('b1', ['base1'], 'b'), mig('m1', ['a1', 'b1'], 'merge a and b'),
    ]);
    const lines = renderHistory(graph, { current: ['m1'] });
    assert.equal(lines[0], 'a1, b1 -> m1 (head) (current) (mergepoint), merge a and b');
    assert.equal(lines[3], '<base> -> base1 (branchpoint), base');
    assert.deepEqual(graph.historyOrder().slice(1, 3).sort(), ['a1', 'b1']);
  });

  it('shows branch labels and depends_on the way alembic does', () => {
    const graph = new RevisionGraph([
      mig('base1', [], 'base'),
      mig('other', [], 'other base', { branchLabels: ['extras'] }),
      mig('next1', ['base1'], 'needs other', { dependsOn: ['other'] }),
    ]);
    const lines = renderHistory(graph);
    assert.ok(lines.includes('base1 (other) -> next1 (head), needs other'), lines.join('\n'));
    assert.ok(lines.includes('<base> -> other (extras) (head), other base'), lines.join('\n'));
  });

  it('verbose mode prints alembic\'s Rev/Parent/Path block with paths relative to cwd', () => {
    const lines = renderHistory(seed(), { verbose: true, current: ['556b79de2825'], cwd: '/project' });
    assert.deepEqual(lines.slice(0, 6), [
      'Rev: 556b79de2825 (head) (current)',
      'Parent: add_discovery_query',
      'Path: migrations/556b79de2825.sql',
      '',
      '    add discovery_query_id to prospects',
      '',
    ]);
    const merge = renderHistory(new RevisionGraph([
      mig('r1', [], 'one'), mig('r2', ['r1'], 'two'), mig('r3', ['r1'], 'three'), mig('r4', ['r2', 'r3'], 'merge'),
    ]), { verbose: true });
    assert.ok(merge.includes('Rev: r4 (head) (mergepoint)'));
    assert.ok(merge.includes('Merges: r2, r3'));
    assert.ok(merge.includes('Branches into: r2, r3'), merge.join('\n'));
  });

  it('still lists revisions that sit on a cycle (no head reaches them)', () => {
    const graph = new RevisionGraph([mig('c1', ['c2'], 'one'), mig('c2', ['c1'], 'two'), mig('ok1', [], 'fine')]);
    assert.deepEqual(new Set(graph.historyOrder()), new Set(['c1', 'c2', 'ok1']));
  });

  it('heads/current lines name unknown revisions instead of failing', () => {
    assert.equal(revisionLine(seed(), '556b79de2825'), '556b79de2825 (head)');
    assert.equal(revisionLine(seed(), '556b79de2825', { verbose: true }), '556b79de2825 (head), add discovery_query_id to prospects');
    assert.match(revisionLine(seed(), 'deadbeef0000'), /^deadbeef0000 \(unknown/);
  });
});
