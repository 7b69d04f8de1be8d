// Advice for each pair of heads (re-parent or merge), from the folder snapshot: the files, and the
// connected database's applied set when there is one. Computed once per snapshot (tree, CodeLens
// and diagnostics all ask), and only for a chain with several heads.
import { core, type HeadPairAdvice } from '../core';
import type { FolderSnapshot } from '../chains/folder-snapshot';

const memo = new WeakMap<FolderSnapshot, HeadPairAdvice[]>();

export function headAdvice(snapshot: FolderSnapshot): HeadPairAdvice[] {
  const chain = snapshot.chain;
  // A file that could not be read may have made a false head: no advice until it is fixed.
  if (!chain || chain.graph.heads.length < 2 || core().unreadFiles(chain).length > 0) return [];
  let advice = memo.get(snapshot);
  if (!advice) {
    advice = core().adviseHeads(chain.graph, snapshot.status ? chain.graph.appliedSet(snapshot.status.heads) : undefined);
    memo.set(snapshot, advice);
  }
  return advice;
}

/** The head whose branch the advice moves (the one that is not `reparent.to`). */
export function movedHead(a: HeadPairAdvice): string | undefined {
  return a.reparent ? a.heads.find((h) => h !== a.reparent!.to) : undefined;
}

/** One line: "Heads a and b: re-parent b1 onto a (safe)" / "… a merge revision is required". */
export function adviceTitle(a: HeadPairAdvice): string {
  const [x, y] = a.heads;
  return a.advice === 'reparent-safe' && a.reparent
    ? `Heads ${x} and ${y}: re-parenting ${a.reparent.revision} onto ${a.reparent.to} is safe`
    : `Heads ${x} and ${y}: a merge revision is required`;
}
