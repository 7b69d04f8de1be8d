import * as assert from 'assert';
import { lensesFor } from '../../../src/extension/codelens/codelens-model';
import { chainOf, connected, disconnected, migration, seedChain, statusOf } from './fixtures';

describe('extension CodeLens model', () => {
  const chain = seedChain();
  const m = (rev: string) => chain.graph.get(rev)!;
  const snap = connected(chain, statusOf({
    '000000000000': ['applied', new Date(2026, 4, 6, 7, 8)], '4b9608290b5d': 'current', add_discovery_query: 'pending', '556b79de2825': 'edited',
  }, ['4b9608290b5d']));

  it('titles each state on the revision line', () => {
    const applied = lensesFor(snap, m('000000000000'));
    assert.deepStrictEqual(applied.map((l) => l.title), ['✓ Applied 2026-05-06 07:08', '↓ Downgrade to here']);
    assert.strictEqual(applied[1].command, 'migrationChain.downgradeToHere');
    assert.deepStrictEqual(applied[1].args, [{ folderUri: snap.folder.uri, revision: '000000000000' }]);
    assert.deepStrictEqual(lensesFor(snap, m('4b9608290b5d')).map((l) => l.title), ['★ Current head']);
    const edited = lensesFor(snap, m('556b79de2825'));
    assert.deepStrictEqual(edited.map((l) => l.title), ['⚠ Edited after apply', 'Accept Current File']);
    assert.strictEqual(edited[1].command, 'migrationChain.acceptCurrentFile');
    assert.deepStrictEqual(edited[1].args, [{ folderUri: snap.folder.uri, revision: '556b79de2825' }]);
    const pending = lensesFor(snap, m('add_discovery_query'));
    assert.deepStrictEqual(pending.map((l) => l.title), ['○ Pending — Upgrade to here']);
    assert.strictEqual(pending[0].command, 'migrationChain.upgradeToHere');
    assert.deepStrictEqual(pending[0].args, [{ folderUri: snap.folder.uri, revision: 'add_discovery_query' }]);
    assert.strictEqual(pending[0].line, m('add_discovery_query').revisionLine);
  });

  it('dates an edited revision and warns on a migration without a transaction, connected or not', () => {
    const when = new Date(2026, 0, 2, 3, 4);
    const c = chainOf([migration('a'), migration('b', ['a'], { transactional: false })]);
    const s = connected(c, statusOf({ a: ['edited', when], b: 'pending' }, ['a']));
    assert.strictEqual(lensesFor(s, c.graph.get('a')!)[0].title, '⚠ Edited after apply (applied 2026-01-02 03:04)');
    assert.strictEqual(lensesFor(s, c.graph.get('b')!)[0].title, '⚠ Not transactional — may partially apply');
    assert.strictEqual(lensesFor(disconnected(c), c.graph.get('b')!)[0].title, '⚠ Not transactional — may partially apply');
    assert.ok(!lensesFor(s, c.graph.get('a')!).some((l) => l.title.includes('Not transactional')));
  });

  it('advises per pair of heads: re-parent when the database applied neither branch, merge once it applied one', () => {
    const c = chainOf([migration('base'), migration('a1', ['base']), migration('a2', ['a1']), migration('b1', ['base'])]);
    const fresh = connected(c, statusOf({ base: 'current', a1: 'pending', a2: 'pending', b1: 'pending' }, ['base']));
    const lens = lensesFor(fresh, c.graph.get('b1')!).find((l) => l.command === 'migrationChain.reparent');
    assert.ok(lens, 'the shorter branch offers a re-parent');
    assert.strictEqual(lens.title, '⑂ Re-parent onto a2');
    assert.deepStrictEqual(lens.args, [{ folderUri: fresh.folder.uri, revision: 'b1', onto: 'a2' }]);
    const applied = connected(c, statusOf({ base: 'applied', a1: 'current', a2: 'pending', b1: 'pending' }, ['a1']));
    const merge = lensesFor(applied, c.graph.get('b1')!).find((l) => l.command === 'migrationChain.mergeHeads');
    assert.strictEqual(merge?.title, '⑂ Merge required with a2 — Merge Heads');
    assert.match(merge?.tooltip ?? '', /applied a1/);
  });

  it('says "Applied" without a time when the audit table does not know it', () => {
    const s = connected(chain, statusOf({ '000000000000': 'applied' }, ['000000000000']));
    assert.deepStrictEqual(lensesFor(s, m('000000000000')).map((l) => l.title), ['✓ Applied', '↓ Downgrade to here']);
  });

  it('names a missing parent', () => {
    const broken = chainOf([migration('a'), migration('b', ['nope'], { revisionLine: 4 })]);
    const s = disconnected(broken);
    const lenses = lensesFor(s, broken.graph.get('b')!);
    assert.strictEqual(lenses[0].title, '✗ Parent nope not found');
    assert.strictEqual(lenses[0].line, 4);
  });

  it('offers Set Database URL when not connected, Retry on an error, trust in Restricted Mode', () => {
    const none = lensesFor(disconnected(chain), m('000000000000'));
    assert.deepStrictEqual(none.map((l) => [l.title, l.command]), [['Not connected — Set Database URL', 'migrationChain.setDatabaseUrl']]);
    const failed = lensesFor(disconnected(chain, { reason: 'error', message: 'connection refused' }), m('000000000000'));
    assert.strictEqual(failed[0].command, 'migrationChain.refresh');
    assert.strictEqual(failed[0].tooltip, 'connection refused');
    const untrusted = lensesFor(disconnected(chain, { reason: 'untrusted' }), m('000000000000'));
    assert.strictEqual(untrusted[0].command, 'workbench.trust.manage');
  });
});
