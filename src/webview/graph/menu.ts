// The actions on one node, as data: the action bar's buttons and the node's context menu both
// come from nodeActions, so the two always offer the same actions with the same rules, and
// menuKey is the menu's keyboard (WAI-ARIA menu pattern) as a pure function the unit tests drive.
import type { GraphView, WebviewMessage } from './protocol';
import { byId } from './render';

export type ActionId = 'open' | 'focus' | 'reparent' | 'merge' | 'unlink' | 'restore' | 'copy';

export interface NodeAction {
  id: ActionId;
  label: string;
  enabled: boolean;
  /** What choosing it posts to the extension. */
  message: WebviewMessage;
}

/** Every action on node `id`, in menu order, each enabled or not (an unknown id: none). */
export function nodeActions(view: GraphView, id: string): NodeAction[] {
  const n = byId(view).get(id);
  if (!n) return [];
  const revision = n.kind === 'revision';
  const heads = view.nodes.reduce((count, x) => count + (x.head ? 1 : 0), 0);
  return [
    { id: 'open', label: 'Open', enabled: n.kind !== 'missing', message: { type: 'open', id } },
    { id: 'focus', label: 'Focus', enabled: revision, message: { type: 'focus', id } },
    { id: 'reparent', label: 'Re-parent…', enabled: revision, message: { type: 'reparent', revision: id } },
    { id: 'merge', label: 'Merge these heads…', enabled: revision && n.head && heads > 1, message: { type: 'mergeHeads', revision: id } },
    { id: 'unlink', label: 'Remove a parent link…', enabled: revision && n.parents.length > 1, message: { type: 'removeParent', revision: id } },
    { id: 'restore', label: 'Restore from git', enabled: n.kind === 'missing', message: { type: 'restore', revision: n.revision ?? id } },
    { id: 'copy', label: 'Copy revision id', enabled: n.revision !== undefined, message: { type: 'copyId', id } },
  ];
}

export type MenuStep =
  | { kind: 'move'; index: number }
  | { kind: 'activate'; index: number }
  /** Closes the menu; `returnFocus` puts the keyboard back on the node (Escape; not Tab, which moves on). */
  | { kind: 'close'; returnFocus: boolean }
  | { kind: 'none' };

/**
 * What a key does in the open menu at item `index`: arrows move (wrapping) over every item, the
 * disabled ones too (they stay readable, marked aria-disabled), Home/End go to the ends, a letter
 * goes to the next item starting with it, Enter and Space choose an enabled item, Escape and Tab close.
 */
export function menuKey(actions: readonly NodeAction[], index: number, key: string): MenuStep {
  const count = actions.length;
  if (!count) return { kind: 'close', returnFocus: true };
  switch (key) {
    case 'ArrowDown': return { kind: 'move', index: (index + 1) % count };
    case 'ArrowUp': return { kind: 'move', index: (index - 1 + count) % count };
    case 'Home': case 'PageUp': return { kind: 'move', index: 0 };
    case 'End': case 'PageDown': return { kind: 'move', index: count - 1 };
    case 'Enter': case ' ': return actions[index]?.enabled ? { kind: 'activate', index } : { kind: 'none' };
    case 'Escape': return { kind: 'close', returnFocus: true };
    case 'Tab': return { kind: 'close', returnFocus: false };
  }
  if (key.length === 1 && /\S/.test(key)) {
    const letter = key.toLowerCase();
    for (let step = 1; step <= count; step++) {
      const at = (index + step) % count;
      if (actions[at].label.toLowerCase().startsWith(letter)) return { kind: 'move', index: at };
    }
  }
  return { kind: 'none' };
}

/** The first item the menu focuses when it opens: the first enabled one. */
export function firstEnabled(actions: readonly NodeAction[]): number {
  return Math.max(0, actions.findIndex((a) => a.enabled));
}
