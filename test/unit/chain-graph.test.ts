import { strict as assert } from 'node:assert';
import { TargetError } from '../../src/core/errors';
import { RevisionGraph } from '../../src/core/chain/graph';
import { rev } from './chain-helpers';

const codes = (g: RevisionGraph): string[] => g.diagnostics.map((d) => d.code).sort();

describe('RevisionGraph', () => {
  describe('linear chain', () => {
    const g = new RevisionGraph([rev('a1b2c3'), rev('b2c3d4', ['a1b2c3']), rev('c3d4e5', ['b2c3d4'])]);

    it('has one base, one head and no diagnostics', () => {
      assert.deepEqual(g.bases, ['a1b2c3']);
      assert.deepEqual(g.heads, ['c3d4e5']);
      assert.deepEqual(g.diagnostics, []);
    });
    it('orders parents before children and knows ancestry', () => {
      assert.deepEqual(g.topologicalOrder(), ['a1b2c3', 'b2c3d4', 'c3d4e5']);
      assert.deepEqual([...g.ancestors('c3d4e5')].sort(), ['a1b2c3', 'b2c3d4']);
      assert.deepEqual([...g.descendants('a1b2c3')].sort(), ['b2c3d4', 'c3d4e5']);
      assert.deepEqual([...g.appliedSet(['b2c3d4'])].sort(), ['a1b2c3', 'b2c3d4']);
      assert.deepEqual(g.children('a1b2c3'), ['b2c3d4']);
      assert.deepEqual(g.parents('b2c3d4'), ['a1b2c3']);
    });
    it('resolves head, heads, base, ids, prefixes and relative targets', () => {
      const r = (t: string, cur: string[] = []) => g.resolve(t, cur).revisions;
      assert.deepEqual(r('head'), ['c3d4e5']);
      assert.deepEqual(r('heads'), ['c3d4e5']);
      assert.deepEqual(r('base'), []);
      assert.deepEqual(r('b2c3d4'), ['b2c3d4']);
      assert.deepEqual(r('b2'), ['b2c3d4']);
      assert.deepEqual(r('+1', ['a1b2c3']), ['b2c3d4']);
      assert.deepEqual(r('+2', []), ['b2c3d4']);
      assert.deepEqual(r('-1', ['c3d4e5']), ['b2c3d4']);
      assert.deepEqual(r('-1', ['a1b2c3']), [], '-1 from the base revision is base');
      assert.deepEqual(r('a1b2c3+2'), ['c3d4e5']);
      assert.deepEqual(r('c3d4e5-2'), ['a1b2c3']);
      assert.deepEqual(r('head-1'), ['b2c3d4']);
      assert.deepEqual(r('base+1'), ['a1b2c3']);
      assert.equal(g.resolve(' head ', []).input, ' head ');
    });
    it('refuses walking past head or base, unknown ids and empty targets', () => {
      assert.throws(() => g.resolve('+1', ['c3d4e5']), (e: unknown) => e instanceof TargetError && /past the head/.test(e.message));
      assert.throws(() => g.resolve('-2', ['a1b2c3']), (e: unknown) => e instanceof TargetError && /past base/.test(e.message));
      assert.throws(() => g.resolve('-1', []), /past base/);
      assert.throws(() => g.resolve('zzz', []), (e: unknown) => e instanceof TargetError && /No such revision or branch 'zzz'/.test(e.message));
      assert.throws(() => g.resolve('', []), TargetError);
      assert.throws(() => g.resolve('+1', ['nope']), /not defined by any file/);
      assert.throws(() => g.resolve('+99999999999999999999', ['a1b2c3']), /only 3 revisions/);
      const cyclic = new RevisionGraph([rev('q1', ['q2']), rev('q2', ['q1'])]);
      assert.throws(() => cyclic.resolve('q1+1', []), /cycle/);
    });
    it('plans upgrades parents first and downgrades children first', () => {
      assert.deepEqual(g.upgradePlan([], ['c3d4e5']), ['a1b2c3', 'b2c3d4', 'c3d4e5']);
      assert.deepEqual(g.upgradePlan(['a1b2c3'], ['c3d4e5']), ['b2c3d4', 'c3d4e5']);
      assert.deepEqual(g.upgradePlan(['c3d4e5'], ['c3d4e5']), []);
      assert.deepEqual(g.downgradePlan(['c3d4e5'], ['a1b2c3']), ['c3d4e5', 'b2c3d4']);
      assert.deepEqual(g.downgradePlan(['c3d4e5'], []), ['c3d4e5', 'b2c3d4', 'a1b2c3']);
      assert.throws(() => g.downgradePlan(['a1b2c3'], ['c3d4e5']), /not applied/);
    });
    it('suggests nearest revisions for an unknown id', () => {
      assert.equal(g.nearest('b2c3dX')[0], 'b2c3d4');
    });
  });

  describe('branches and merges', () => {
    //      base -> a -> {b1 -> b2, c1}; merge m(b2, c1)
    const g = new RevisionGraph([
      rev('base0'), rev('aaaa1', ['base0']), rev('bbbb1', ['aaaa1'], { branchLabels: ['feature'] }), rev('bbbb2', ['bbbb1']),
      rev('cccc1', ['aaaa1']),
    ]);
    it('reports two heads as a warning on each head file', () => {
      assert.deepEqual(g.heads, ['bbbb2', 'cccc1']);
      assert.deepEqual(codes(g), ['multiple-heads', 'multiple-heads']);
      assert.ok(g.diagnostics.every((d) => d.severity === 'warning' && /bbbb2, cccc1/.test(d.message)));
      assert.ok(g.isBranchPoint('aaaa1'));
    });
    it("refuses 'head' with several heads, with Alembic's message", () => {
      assert.throws(() => g.resolve('head', []), (e: unknown) => e instanceof TargetError &&
        e.message === "Multiple heads are present; use 'heads' or a specific revision");
      assert.deepEqual(g.resolve('heads', []).revisions, ['bbbb2', 'cccc1']);
    });
    it('resolves branch labels and label@head', () => {
      assert.deepEqual(g.resolve('feature', []).revisions, ['bbbb1']);
      assert.deepEqual(g.resolve('feature@head', []).revisions, ['bbbb2']);
      assert.throws(() => g.resolve('aaaa1@head', []), /several heads/);
    });
    it('refuses ambiguous relative steps at a branch point and with several current heads', () => {
      assert.throws(() => g.resolve('aaaa1+1', []), /branch point/);
      assert.throws(() => g.resolve('+1', ['bbbb2', 'cccc1']), /several heads/);
    });
    it('reports an ambiguous prefix with its candidates', () => {
      assert.throws(() => g.resolve('b', []), (e: unknown) => e instanceof TargetError && /bbbb1, bbbb2/.test(e.message));
    });
    it('downgrading one branch keeps the other applied', () => {
      assert.deepEqual(g.downgradePlan(['bbbb2', 'cccc1'], ['bbbb1']), ['bbbb2']);
      assert.deepEqual(g.downgradePlan(['bbbb2', 'cccc1'], ['aaaa1']).sort(), ['bbbb1', 'bbbb2', 'cccc1']);
      assert.deepEqual(g.headsOf(new Set(['base0', 'aaaa1', 'bbbb1', 'cccc1'])), ['bbbb1', 'cccc1']);
    });
    it('a merge revision joins the heads', () => {
      const merged = new RevisionGraph([...g.migrations, rev('mmmm1', ['bbbb2', 'cccc1'])]);
      assert.deepEqual(merged.heads, ['mmmm1']);
      assert.ok(merged.isMerge('mmmm1'));
      assert.deepEqual(merged.diagnostics, []);
      assert.throws(() => merged.resolve('mmmm1-1', []), /merge point/);
      const order = merged.topologicalOrder();
      assert.ok(order.indexOf('mmmm1') > order.indexOf('bbbb2') && order.indexOf('mmmm1') > order.indexOf('cccc1'));
      assert.deepEqual(merged.downgradePlan(['mmmm1'], ['cccc1']), ['mmmm1'], 'only descendants of the target are undone');
    });
  });

  describe('broken input', () => {
    it('reports duplicate revisions on both files', () => {
      const g = new RevisionGraph([rev('a'), rev('dup', ['a'], { file: '/m/one.sql' }), rev('dup', ['a'], { file: '/m/two.sql' })]);
      const dups = g.diagnostics.filter((d) => d.code === 'duplicate-revision');
      assert.deepEqual(dups.map((d) => d.file), ['/m/one.sql', '/m/two.sql']);
      assert.equal(g.get('dup')?.file, '/m/one.sql');
    });
    it('reports a missing parent on the down_revision line, with the nearest ids', () => {
      const g = new RevisionGraph([rev('abc123'), rev('def456', ['abc124'], { downRevisionLine: 7 })]);
      const d = g.diagnostics.find((x) => x.code === 'missing-parent');
      assert.equal(d?.line, 7);
      assert.equal(d?.revision, 'def456');
      assert.match(d?.message ?? '', /abc124.*nearest: abc123/);
    });
    it('reports every revision on a cycle and leaves them out of the order', () => {
      const g = new RevisionGraph([rev('x'), rev('c1', ['c3']), rev('c2', ['c1']), rev('c3', ['c2']), rev('after', ['c3'])]);
      assert.deepEqual(g.diagnostics.filter((d) => d.code === 'cycle').map((d) => d.revision).sort(), ['c1', 'c2', 'c3']);
      assert.deepEqual(g.topologicalOrder().sort(), ['after', 'x']);
      assert.ok(g.isOnCycle('c2') && !g.isOnCycle('after'));
    });
    it('treats a self-reference as a cycle', () => {
      const g = new RevisionGraph([rev('self', ['self'])]);
      assert.deepEqual(codes(g), ['cycle']);
    });
    it('orders depends_on targets first and counts them as ancestors', () => {
      const g = new RevisionGraph([rev('zzz1', ['aaa1'], { dependsOn: ['bbb1'] }), rev('aaa1'), rev('bbb1')]);
      const order = g.topologicalOrder();
      assert.ok(order.indexOf('bbb1') < order.indexOf('zzz1'));
      assert.ok(g.ancestors('zzz1').has('bbb1'));
      // As in Alembic, a dependency is not a parent: bbb1 stays a head of its own branch.
      assert.deepEqual(g.heads, ['bbb1', 'zzz1']);
      assert.deepEqual(g.children('bbb1'), []);
    });
  });
});
