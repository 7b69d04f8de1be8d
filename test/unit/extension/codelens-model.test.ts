import * as assert from 'assert';
import { lensesFor } from '../../../src/extension/codelens-model';
import { chainOf, connected, disconnected, migration, seedChain, statusOf } from './fixtures';

describe('extension CodeLens model', () => {
  const chain = seedChain();
  const m = (rev: string) => chain.graph.get(rev)!;
  const snap = connected(chain, statusOf({
    '000000000000': ['applied', new Date(2026, 4, 6, 7, 8)], '4b9608290b5d': 'current', add_discovery_query: 'pending', '556b79de2825': 'edited',
  }, ['4b9608290b5d']));

  it('titles each state on the revision line', () => {
    assert.deepStrictEqual(lensesFor(snap, m('000000000000')).map((l) => l.title), ['✓ Applied 2026-05-06 07:08']);
    assert.deepStrictEqual(lensesFor(snap, m('4b9608290b5d')).map((l) => l.title), ['★ Current head']);
    assert.deepStrictEqual(lensesFor(snap, m('556b79de2825')).map((l) => l.title), ['⚠ Edited after apply']);
    const pending = lensesFor(snap, m('add_discovery_query'));
    assert.deepStrictEqual(pending.map((l) => l.title), ['○ Pending — Upgrade to here']);
    assert.strictEqual(pending[0].command, 'migrationChain.upgradeToHere');
    assert.deepStrictEqual(pending[0].args, [{ folderUri: snap.folder.uri, revision: 'add_discovery_query' }]);
    assert.strictEqual(pending[0].line, m('add_discovery_query').revisionLine);
  });

  it('says "Applied" without a time when the audit table does not know it', () => {
    const s = connected(chain, statusOf({ '000000000000': 'applied' }, ['000000000000']));
    assert.deepStrictEqual(lensesFor(s, m('000000000000')).map((l) => l.title), ['✓ Applied']);
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
