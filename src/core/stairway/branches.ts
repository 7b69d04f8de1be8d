// Groups revisions the way a person reads a branched history: a run of revisions where each has one
// parent and that parent one child is one branch; a new group starts at a base, after a branch
// point, and at a merge. A group is named after its branch label when it has one.
import type { RevisionGraph } from '../chain/graph';

export interface BranchGroup {
  name: string;
  /** Parents first. */
  revisions: string[];
}

export function branchGroups(graph: RevisionGraph): BranchGroup[] {
  const groups: BranchGroup[] = [];
  const groupOf = new Map<string, BranchGroup>();
  for (const revision of graph.topologicalOrder()) {
    const parents = graph.parents(revision);
    const continues = parents.length === 1 && graph.children(parents[0]).length === 1 ? groupOf.get(parents[0]) : undefined;
    let group = continues;
    if (!group) {
      group = { name: startName(graph, revision, parents), revisions: [] };
      groups.push(group);
    }
    group.revisions.push(revision);
    groupOf.set(revision, group);
  }
  for (const g of groups) {
    const label = g.revisions.map((r) => graph.get(r)?.branchLabels[0]).find((l) => l !== undefined);
    if (label) g.name = label;
  }
  return disambiguate(groups);
}

function startName(graph: RevisionGraph, revision: string, parents: readonly string[]): string {
  if (parents.length === 0) return graph.bases.length === 1 ? 'trunk' : `base ${revision}`;
  if (parents.length > 1) return `merge ${revision}`;
  return `branch from ${parents[0]}`;
}

/** Two groups may carry the same label (a label on a merge and on its parent): keep names unique. */
function disambiguate(groups: BranchGroup[]): BranchGroup[] {
  const seen = new Map<string, number>();
  for (const g of groups) {
    const n = (seen.get(g.name) ?? 0) + 1;
    seen.set(g.name, n);
    if (n > 1) g.name = `${g.name} (${g.revisions[0]})`;
  }
  return groups;
}
