// The graph's node actions as data (menu.ts): what the context menu and the action bar offer on
// each kind of node, the message each posts (checked by the same parser the extension runs), and
// the menu's keyboard.
import { strict as assert } from 'node:assert';
import type { FolderSnapshot } from '../../../src/extension/chains/folder-snapshot';
import { buildGraphView } from '../../../src/extension/graph/graph-model';
import { firstEnabled, menuKey, nodeActions, type NodeAction } from '../../../src/webview/graph/menu';
import { parseWebviewMessage, type GraphView } from '../../../src/webview/graph/protocol';
import { chainOf, rev } from '../chain-helpers';

function view(): GraphView {
  // a ← b ← m (merge of b and x), a ← x; y is a second head; q names a missing parent.
  const chain = chainOf([rev('a'), rev('b', ['a']), rev('x', ['a']), rev('m', ['b', 'x']), rev('y', ['a']), rev('q', ['gone'])]);
  const snapshot: FolderSnapshot = { folder: { name: 'app', uri: 'file:///m', fsPath: '/m' }, migrationsDir: '/m', chain };
  return buildGraphView({ snapshot, environments: [] });
}

const enabled = (actions: NodeAction[]) => actions.filter((a) => a.enabled).map((a) => a.id);

describe('graph node actions and context menu', () => {
  const v = view();

  it('offers the seven actions in order, each with its label', () => {
    assert.deepEqual(nodeActions(v, 'm').map((a) => a.label),
      ['Open', 'Focus', 'Re-parent…', 'Merge these heads…', 'Remove a parent link…', 'Restore from git', 'Copy revision id']);
    assert.deepEqual(nodeActions(v, 'no-such-node'), []);
  });

  it('enables by the kind of node: a merge head, a plain revision, a ghost', () => {
    assert.deepEqual(enabled(nodeActions(v, 'm')), ['open', 'focus', 'reparent', 'merge', 'unlink', 'copy'], 'a merge that is one of several heads');
    assert.deepEqual(enabled(nodeActions(v, 'b')), ['open', 'focus', 'reparent', 'copy'], 'not a head, one parent');
    assert.deepEqual(enabled(nodeActions(v, 'missing:gone')), ['restore', 'copy'], 'a missing parent: restore it, or copy its id');
  });

  it('does not offer a merge on the only head', () => {
    const one = buildGraphView({ snapshot: { folder: { name: 'a', uri: 'file:///m', fsPath: '/m' }, migrationsDir: '/m', chain: chainOf([rev('a'), rev('b', ['a'])]) }, environments: [] });
    assert.equal(nodeActions(one, 'b').find((a) => a.id === 'merge')?.enabled, false);
  });

  it('posts messages the extension accepts, naming the node (a ghost\'s restore names its revision)', () => {
    for (const id of ['m', 'b', 'missing:gone']) {
      for (const a of nodeActions(v, id)) assert.deepEqual(parseWebviewMessage(a.message), a.message, `${id} ${a.id}`);
    }
    assert.deepEqual(nodeActions(v, 'missing:gone').find((a) => a.id === 'restore')!.message, { type: 'restore', revision: 'gone' });
    assert.deepEqual(nodeActions(v, 'm').find((a) => a.id === 'copy')!.message, { type: 'copyId', id: 'm' });
    assert.deepEqual(nodeActions(v, 'm').find((a) => a.id === 'unlink')!.message, { type: 'removeParent', revision: 'm' });
  });

  it('moves with the arrows (wrapping), Home/End and a letter; chooses only enabled items; Escape returns focus, Tab does not', () => {
    const actions = nodeActions(v, 'missing:gone');
    assert.equal(firstEnabled(actions), 5, 'a ghost\'s menu opens on Restore from git');
    assert.deepEqual(menuKey(actions, 0, 'ArrowDown'), { kind: 'move', index: 1 });
    assert.deepEqual(menuKey(actions, 6, 'ArrowDown'), { kind: 'move', index: 0 });
    assert.deepEqual(menuKey(actions, 0, 'ArrowUp'), { kind: 'move', index: 6 });
    assert.deepEqual(menuKey(actions, 3, 'Home'), { kind: 'move', index: 0 });
    assert.deepEqual(menuKey(actions, 3, 'End'), { kind: 'move', index: 6 });
    assert.deepEqual(menuKey(actions, 0, 'r'), { kind: 'move', index: 2 }, 'R: Re-parent…');
    assert.deepEqual(menuKey(actions, 2, 'R'), { kind: 'move', index: 4 }, 'R again: the next item with R');
    assert.deepEqual(menuKey(actions, 5, 'Enter'), { kind: 'activate', index: 5 });
    assert.deepEqual(menuKey(actions, 5, ' '), { kind: 'activate', index: 5 });
    assert.deepEqual(menuKey(actions, 0, 'Enter'), { kind: 'none' }, 'Open is disabled on a ghost');
    assert.deepEqual(menuKey(actions, 0, 'Escape'), { kind: 'close', returnFocus: true });
    assert.deepEqual(menuKey(actions, 0, 'Tab'), { kind: 'close', returnFocus: false });
    assert.deepEqual(menuKey(actions, 0, 'Shift'), { kind: 'none' });
    assert.equal(firstEnabled(nodeActions(v, 'b')), 0);
  });
});
