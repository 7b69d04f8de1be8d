import { strict as assert } from 'node:assert';
import type { ChainDiagnostic } from '../../src/core/errors';
import type { Migration } from '../../src/core/chain/model';
import { layoutRevisionGraph, nodeIndex, type GraphLayout } from '../../src/core/graph-view/layout';
import { chainOf, rev } from './chain-helpers';

const at = (layout: GraphLayout, id: string) => {
  const n = layout.nodes[nodeIndex(layout).get(id)!];
  assert.ok(n, `no node ${id}`);
  return n;
};
const edge = (layout: GraphLayout, from: string, to: string) => {
  const idx = nodeIndex(layout);
  return layout.edges.find((e) => e.from === idx.get(from) && e.to === idx.get(to));
};

describe('graph layout', () => {
  it('puts a linear chain in one lane, head at the top (history order)', () => {
    const layout = layoutRevisionGraph(chainOf([rev('a'), rev('b', ['a']), rev('c', ['b'])]));
    assert.deepEqual(layout.nodes.map((n) => [n.id, n.row, n.lane]), [['c', 0, 0], ['b', 1, 0], ['a', 2, 0]]);
    assert.equal(layout.lanes, 1);
    assert.ok(at(layout, 'c').head && at(layout, 'a').base);
    assert.deepEqual(layout.edges.map((e) => [e.from, e.to, e.kind, e.lane]), [[0, 1, 'parent', 0], [1, 2, 'parent', 0]]);
  });

  it('gives each branch its own lane and joins them at the branch point', () => {
    // a <- b <- c (head 1);  a <- x <- y (head 2)
    const layout = layoutRevisionGraph(chainOf([rev('a'), rev('b', ['a']), rev('c', ['b']), rev('x', ['a']), rev('y', ['x'])]));
    assert.equal(layout.lanes, 2);
    const lanesOf = (ids: string[]) => new Set(ids.map((id) => at(layout, id).lane));
    assert.equal(lanesOf(['b', 'c']).size, 1);
    assert.equal(lanesOf(['x', 'y']).size, 1);
    assert.notEqual(at(layout, 'c').lane, at(layout, 'y').lane);
    assert.ok(at(layout, 'a').branchPoint);
    // both branches' edges end at a, each in its own lane
    assert.notEqual(edge(layout, 'b', 'a')!.lane, edge(layout, 'x', 'a')!.lane);
    assert.equal(at(layout, 'a').row, layout.nodes.length - 1, 'the base is the bottom row');
  });

  it('draws a merge as one node with two parent edges in two lanes', () => {
    const layout = layoutRevisionGraph(chainOf([rev('a'), rev('b', ['a']), rev('x', ['a']), rev('m', ['b', 'x'])]));
    const m = at(layout, 'm');
    assert.ok(m.merge && m.head);
    assert.equal(m.row, 0);
    const toB = edge(layout, 'm', 'b')!;
    const toX = edge(layout, 'm', 'x')!;
    assert.equal(toB.lane, m.lane, 'the first parent continues the merge\'s lane');
    assert.notEqual(toX.lane, toB.lane, 'the second parent runs in its own lane');
    assert.equal(layout.lanes, 2);
    assert.equal(at(layout, 'a').lane, 0, 'lanes join again at the common ancestor');
  });

  it('draws depends_on as an edge that holds no lane', () => {
    const layout = layoutRevisionGraph(chainOf([rev('a'), rev('b', ['a']), rev('p'), rev('q', ['p'], { dependsOn: ['b'] })]));
    const dep = edge(layout, 'q', 'b')!;
    assert.equal(dep.kind, 'depends_on');
    assert.equal(dep.lane, -1);
    assert.equal(layout.edges.filter((e) => e.kind === 'depends_on').length, 1);
  });

  it('resolves a depends_on that names a branch label', () => {
    const layout = layoutRevisionGraph(chainOf([rev('a', [], { branchLabels: ['core'] }), rev('q', [], { dependsOn: ['core'] })]));
    assert.equal(edge(layout, 'q', 'a')?.kind, 'depends_on');
    assert.ok(!layout.nodes.some((n) => n.kind === 'missing'));
  });

  it('shows a missing parent as a ghost right below its child, with the diagnostic', () => {
    const layout = layoutRevisionGraph(chainOf([rev('a'), rev('b', ['gone'], { file: '/m/b.sql', downRevisionLine: 2 })]));
    const ghost = at(layout, 'missing:gone');
    assert.equal(ghost.kind, 'missing');
    assert.equal(ghost.revision, 'gone');
    assert.equal(ghost.row, at(layout, 'b').row + 1);
    assert.match(ghost.problems[0], /\/m\/b\.sql:2: b names gone/);
    assert.equal(edge(layout, 'b', 'missing:gone')?.kind, 'parent');
    assert.ok(at(layout, 'b').problems.some((p) => /gone/.test(p)), 'the child carries the engine\'s missing-parent diagnostic');
  });

  it('adds a ghost for a file that did not parse', () => {
    const bad: ChainDiagnostic = { code: 'no-revision', severity: 'error', file: '/m/bad.sql', line: 3, message: 'no revision header' };
    const layout = layoutRevisionGraph(chainOf([rev('a')], [bad]));
    const ghost = at(layout, 'unparsed:/m/bad.sql');
    assert.equal(ghost.kind, 'unparsed');
    assert.equal(ghost.line, 3);
    assert.deepEqual(ghost.problems, ['/m/bad.sql:3: no revision header']);
  });

  it('titles a lane with its branch label where the label starts', () => {
    const layout = layoutRevisionGraph(chainOf([
      rev('a'), rev('b', ['a'], { branchLabels: ['expand'] }), rev('c', ['b']), rev('x', ['a'], { branchLabels: ['contract'] }),
    ]));
    const texts = layout.titles.map((t) => t.text).sort();
    assert.deepEqual(texts, ['contract', 'expand']);
    const expand = layout.titles.find((t) => t.text === 'expand')!;
    assert.equal(expand.row, at(layout, 'c').row, 'the title sits at the top of the labelled stretch (inherited by c)');
    assert.equal(expand.lane, at(layout, 'c').lane);
  });

  it('focuses on a subset and drops edges to what is left out', () => {
    const chain = chainOf([rev('a'), rev('b', ['a']), rev('c', ['b']), rev('x', ['a'])]);
    const only = new Set(['c', ...chain.graph.ancestors('c')]);
    const layout = layoutRevisionGraph(chain, { only });
    assert.deepEqual(layout.nodes.map((n) => n.id), ['c', 'b', 'a']);
    assert.equal(layout.lanes, 1);
    assert.equal(layout.edges.length, 2);
  });

  it('lays out a cycle without throwing and draws its back edge straight', () => {
    const layout = layoutRevisionGraph(chainOf([rev('a', ['b']), rev('b', ['a'])]));
    assert.equal(layout.nodes.length, 2);
    assert.ok(layout.edges.some((e) => e.lane === -1));
  });

  it('keeps a 10,000-revision chain with merges narrow and every edge between existing nodes', function () {
    this.timeout(60_000); // a shape check, not a timing (bench/groups/graph.ts times it)
    const migrations: Migration[] = [rev('r0')];
    let tip = 'r0';
    let k = 1;
    while (migrations.length < 10_000) {
      if (k % 25 === 0) {
        const l = `r${k}l`; const r = `r${k}r`; const m = `r${k}m`;
        migrations.push(rev(l, [tip]), rev(r, [tip]), rev(m, [l, r]));
        tip = m;
      } else {
        const id = `r${k}`;
        migrations.push(rev(id, [tip]));
        tip = id;
      }
      k++;
    }
    const layout = layoutRevisionGraph(chainOf(migrations));
    assert.equal(layout.nodes.length, migrations.length);
    assert.equal(layout.lanes, 2);
    for (const e of layout.edges) assert.ok(layout.nodes[e.from].row < layout.nodes[e.to].row);
    assert.equal(new Set(layout.nodes.map((n) => n.row)).size, layout.nodes.length, 'one revision per row');
  });
});
