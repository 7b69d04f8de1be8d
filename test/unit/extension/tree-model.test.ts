import * as assert from 'assert';
import { childNodes, parentNode, presentNode, RUN_LIMIT, tooltipFor, type TreeNode } from '../../../src/extension/tree/tree-model';
import { chainOf, connected, disconnected, migration, seedChain, statusOf } from './fixtures';

const APPLIED_AT = new Date(2026, 0, 2, 3, 4);

function revisionNodes(nodes: TreeNode[]) {
  return nodes.filter((n) => n.kind === 'revision').map((n) => (n as { revision: string }).revision);
}

describe('extension tree model', () => {
  it('lists the seed chain heads first, like alembic history', () => {
    const snap = disconnected(seedChain());
    assert.deepStrictEqual(revisionNodes(childNodes(snap)), ['556b79de2825', 'add_discovery_query', '4b9608290b5d', '000000000000']);
  });

  it('renders state as icon, description and contextValue; click opens the revision line', () => {
    const chain = seedChain();
    const snap = connected(chain, statusOf({
      '000000000000': ['applied', APPLIED_AT], '4b9608290b5d': 'current', add_discovery_query: 'pending', '556b79de2825': 'pending',
    }, ['4b9608290b5d']));
    const nodes = new Map(childNodes(snap).filter((n) => n.kind === 'revision').map((n) => [(n as { revision: string }).revision, n]));
    const views = new Map([...nodes].map(([r, n]) => [r, presentNode(n, snap)]));

    const base = views.get('000000000000')!;
    assert.strictEqual(base.label, 'create base tables');
    assert.strictEqual(base.icon.id, 'pass');
    assert.strictEqual(base.contextValue, 'revision:applied');
    assert.match(base.description!, /^000000000000 · applied 2026-01-02 03:04/);
    assert.deepStrictEqual(base.open, { file: chain.graph.get('000000000000')!.file, line: 1 });

    assert.strictEqual(views.get('4b9608290b5d')!.icon.id, 'star-full');
    assert.strictEqual(views.get('4b9608290b5d')!.contextValue, 'revision:current');
    const head = views.get('556b79de2825')!;
    assert.strictEqual(head.icon.id, 'circle-large-outline');
    assert.strictEqual(head.contextValue, 'revision:pending');
    assert.match(head.description!, /pending · head/);
    // Revision tooltips are built on hover (the provider's resolveTreeItem), not with the row.
    assert.strictEqual(head.tooltip, undefined);
    const headTip = tooltipFor(nodes.get('556b79de2825')!, snap);
    assert.match(headTip, /Parents: `add_discovery_query`/);
    assert.match(headTip, /Children: \*\(head\)\*/);
    assert.match(headTip, /File: `migrations\/556b79de2825_step.sql`/);
    assert.match(tooltipFor(nodes.get('000000000000')!, snap), /Applied: 2026-01-02 03:04/);
  });

  it('gives every state its own icon', () => {
    const chain = chainOf([migration('a'), migration('b', ['a']), migration('c', ['b']), migration('d', ['zzz'])]);
    const snap = connected(chain, statusOf({ a: 'applied', b: 'edited', c: 'pending', d: 'pending' }, ['b'], [{ revision: 'ffff', nearest: ['a'] }]));
    const icons = new Map(childNodes(snap).flatMap((n) => (n.kind === 'revision' || n.kind === 'unknown' ? [[n.revision, presentNode(n, snap).icon.id]] : [])));
    assert.strictEqual(icons.get('a'), 'pass');
    assert.strictEqual(icons.get('b'), 'warning');
    assert.strictEqual(icons.get('c'), 'circle-large-outline');
    assert.strictEqual(icons.get('d'), 'error', 'a missing parent makes the revision broken');
    assert.strictEqual(icons.get('ffff'), 'question', 'a revision only the database knows is shown first');
    assert.strictEqual(childNodes(snap)[0].kind, 'unknown');
    assert.strictEqual(new Set(icons.values()).size, 5);
  });

  it('shows the advice for a pair of heads as a node that runs Re-parent or Merge Heads, and dates edited revisions', () => {
    const chain = chainOf([migration('base'), migration('a1', ['base']), migration('a2', ['a1']), migration('b1', ['base'])]);
    const snap = connected(chain, statusOf({ base: ['edited', new Date(2026, 0, 2, 3, 4)], a1: 'pending', a2: 'pending', b1: 'pending' }, ['base']));
    const advice = childNodes(snap).filter((n) => n.kind === 'advice');
    assert.deepStrictEqual(advice.map((n) => n.kind === 'advice' && [n.heads, n.revision, n.onto]), [[['a2', 'b1'], 'b1', 'a2']]);
    const view = presentNode(advice[0], snap);
    assert.strictEqual(view.label, 'Heads a2 and b1: re-parenting b1 onto a2 is safe');
    assert.strictEqual(view.command, 'migrationChain.reparent');
    assert.strictEqual(view.contextValue, 'advice:reparent-safe');
    const base = childNodes(snap).find((n) => n.kind === 'revision' && n.revision === 'base')!;
    assert.match(presentNode(base, snap).description ?? '', /edited after apply \(applied 2026-01-02 03:04\)/);
    const applied = connected(chain, statusOf({ base: 'applied', a1: 'current', a2: 'pending', b1: 'pending' }, ['a1']));
    const merge = presentNode(childNodes(applied).find((n) => n.kind === 'advice')!, applied);
    assert.strictEqual(merge.command, 'migrationChain.mergeHeads');
    assert.strictEqual(merge.contextValue, 'advice:merge-required');
  });

  it('shows merges and branch points', () => {
    const chain = chainOf([migration('a'), migration('b', ['a']), migration('c', ['a']), migration('m', ['b', 'c'])]);
    const snap = disconnected(chain);
    const order = snap.chain!.graph.historyOrder();
    assert.strictEqual(order[0], 'm');
    assert.strictEqual(order[order.length - 1], 'a');
    const view = (rev: string) => presentNode({ kind: 'revision', id: rev, folderUri: snap.folder.uri, revision: rev }, snap);
    assert.match(view('m').description!, /merge of b \+ c/);
    assert.match(view('a').description!, /branch point → b, c/);
    assert.strictEqual(view('a').icon.id, 'circle-outline', 'no status without a database');
    assert.strictEqual(view('a').contextValue, 'revision:no-status');
  });

  it('offers Set Database URL when nothing is configured and New Revision when there is no chain', () => {
    const snap = disconnected(seedChain());
    const first = childNodes(snap)[0];
    assert.strictEqual(first.kind, 'action');
    assert.strictEqual((first as { command: string }).command, 'migrationChain.setDatabaseUrl');
    const empty = childNodes({ folder: snap.folder });
    assert.strictEqual(empty.length, 1);
    assert.strictEqual((empty[0] as { command: string }).command, 'migrationChain.newRevision');
  });

  it('lists unparseable files as problem nodes at their line', () => {
    const chain = chainOf([migration('a')], [{ code: 'unparseable-header', severity: 'error', message: 'no revision header', file: '/srv/app/migrations/bad.sql', line: 3 }]);
    const snap = disconnected(chain);
    const problem = childNodes(snap).find((n) => n.kind === 'problem')!;
    const view = presentNode(problem, snap);
    assert.strictEqual(view.label, 'bad.sql');
    assert.deepStrictEqual(view.open, { file: '/srv/app/migrations/bad.sql', line: 3 });
    assert.strictEqual(view.icon.id, 'error');
  });

  it('folder node names the database, never the password, and the pending count', () => {
    const chain = seedChain();
    const snap = connected(chain, statusOf({ '000000000000': 'current', '4b9608290b5d': 'pending', add_discovery_query: 'pending', '556b79de2825': 'pending' }, ['000000000000']));
    const view = presentNode({ kind: 'folder', id: 'f', folderUri: snap.folder.uri }, snap);
    assert.strictEqual(view.description, 'app_dev@localhost · 3 pending');
    assert.strictEqual(view.contextValue, 'folder:connected');
    assert.match(view.tooltip ?? '', /\*\*\*\*@localhost/);
    assert.match(view.tooltip ?? '', /Connection from: the stored secret/);
  });

  it('folds long linear stretches into one node listing its revisions on expand', () => {
    // r0000 (base) … r0199 (head) in a line, plus a branch r0100 -> b1 (head): landmarks are the
    // ends, both heads, the branch point r0100 and the current revision r0040, each with 2 neighbours.
    const line = Array.from({ length: 200 }, (_, i) => migration(`r${String(i).padStart(4, '0')}`, i ? [`r${String(i - 1).padStart(4, '0')}`] : []));
    const chain = chainOf([...line, migration('b1', ['r0100'])]);
    const states: Record<string, 'applied' | 'current' | 'pending'> = {};
    for (const m of chain.migrations) states[m.revision] = m.revision === 'r0040' ? 'current' : m.revision < 'r0040' ? 'applied' : 'pending';
    const snap = connected(chain, statusOf(states, ['r0040']));

    const top = childNodes(snap);
    const runs = top.filter((n): n is Extract<TreeNode, { kind: 'run' }> => n.kind === 'run');
    const shown = revisionNodes(top);
    assert.ok(runs.length >= 2, `expected folded runs, got ${top.length} nodes`);
    for (const r of ['r0199', 'b1', 'r0101', 'r0100', 'r0099', 'r0041', 'r0040', 'r0039', 'r0000']) assert.ok(shown.includes(r), r);
    assert.ok(!shown.includes('r0150') && !shown.includes('r0070'), 'the middle of a long run is folded');
    assert.ok(top.length < 70, `first page has ${top.length} nodes`);

    // Every revision appears exactly once: at the top level or inside one run, in heads-first order.
    const expanded = top.flatMap((n) => (n.kind === 'run' ? revisionNodes(childNodes(snap, n)) : revisionNodes([n])));
    assert.deepStrictEqual(expanded, snap.chain!.graph.historyOrder());
    for (const run of runs) {
      const inside = revisionNodes(childNodes(snap, run));
      assert.ok(inside.length > RUN_LIMIT, `a run of ${inside.length} should not be folded`);
      assert.strictEqual(run.count, inside.length);
      assert.deepStrictEqual([inside[0], inside[inside.length - 1]], [run.newest, run.oldest]);
      const view = presentNode(run, snap);
      assert.strictEqual(view.label, `… ${inside.length} more revisions (${run.oldest} → ${run.newest})`);
      assert.strictEqual(view.collapsed, true);
      assert.strictEqual(view.contextValue, 'run');
      assert.strictEqual(parentNode(childNodes(snap, run)[0], snap)?.id, run.id, 'a folded revision reports its run as parent');
    }
    assert.strictEqual(parentNode(top.find((n) => n.kind === 'revision')!, snap)?.kind, 'folder');
  });

  it('does not fold the seed chain (4 revisions): same nodes and ids as before', () => {
    const snap = disconnected(seedChain());
    const top = childNodes(snap);
    assert.ok(top.every((n) => n.kind !== 'run'));
    assert.deepStrictEqual(top.filter((n) => n.kind === 'revision').map((n) => n.id),
      ['556b79de2825', 'add_discovery_query', '4b9608290b5d', '000000000000'].map((r) => `revision:${snap.folder.uri}:${r}`));
  });
});
