// Which revisions a stairway run tests: all, a range (--from / --to, Alembic-style targets), or a
// given set (the editor's selection, the files changed since a git ref). The walk itself also
// upgrades the prerequisites of what is tested, without testing them.
import type { RevisionGraph } from '../chain/graph';

export interface StairwaySelection {
  /** Test this revision and its descendants (a revision id, unique prefix or branch label). */
  from?: string;
  /** Test this revision and its ancestors (`head` / `heads` allowed). */
  to?: string;
  /** Test only these revisions. */
  revisions?: readonly string[];
}

/** The revisions to test, in topological order. Throws TargetError for a target that does not resolve. */
export function selectRevisions(graph: RevisionGraph, selection: StairwaySelection = {}): string[] {
  let keep = (_revision: string) => true;
  const also = (test: (revision: string) => boolean) => {
    const previous = keep;
    keep = (r) => previous(r) && test(r);
  };
  if (selection.from !== undefined) {
    const from = graph.resolve(selection.from, []).revisions;
    const below = new Set(from.flatMap((r) => [r, ...graph.descendants(r)]));
    also((r) => below.has(r));
  }
  if (selection.to !== undefined) {
    const to = graph.resolve(selection.to, []).revisions;
    const above = new Set(to.flatMap((r) => [r, ...graph.ancestors(r)]));
    also((r) => above.has(r));
  }
  if (selection.revisions !== undefined) {
    const chosen = new Set(selection.revisions);
    also((r) => chosen.has(r));
  }
  return graph.topologicalOrder().filter((r) => keep(r));
}
