// The revision graph as a picture, as plain data: one row per revision in `alembic history` order
// (heads at the top), each in a lane, the way `git log --graph` draws a history. A revision chain is
// nearly linear, so a layered layout with one revision per layer and a lane sweep from the heads
// down is both what people expect (history order, like the tree and `alembic history`) and linear
// in the number of revisions and edges; docs/dependencies.md says why no layout library is used.
// Missing parents and files that did not parse become ghost nodes carrying their diagnostic.
import type { Chain } from '../chain/chain';
import type { Migration } from '../chain/model';

export type GraphNodeKind = 'revision' | 'missing' | 'unparsed';

export interface LayoutNode {
  /** Unique within the layout: the revision id, `missing:<id>` or `unparsed:<file>`. */
  id: string;
  kind: GraphNodeKind;
  /** The revision id (a missing parent's too); undefined for a file that did not parse. */
  revision?: string;
  row: number;
  lane: number;
  message: string;
  file?: string;
  /** 1-based line of the revision header (the diagnostic's line for a ghost). */
  line?: number;
  head: boolean;
  base: boolean;
  merge: boolean;
  branchPoint: boolean;
  /** Branch labels as Alembic shows them (own, then inherited). */
  labels: readonly string[];
  /** Error diagnostics about this node, with file and line in the text. */
  problems: string[];
}

export type EdgeKind = 'parent' | 'depends_on';

export interface LayoutEdge {
  /** Node index of the child (the revision that names the other). */
  from: number;
  /** Node index of the parent or depends_on target. */
  to: number;
  kind: EdgeKind;
  /**
   * The lane the edge runs down in between the two rows; -1 for an edge drawn straight (depends_on,
   * or a parent that is not below its child, which only a cycle produces).
   */
  lane: number;
}

/** A branch label written at the top of the lane stretch it names. */
export interface LaneTitle {
  lane: number;
  row: number;
  text: string;
}

export interface GraphLayout {
  nodes: LayoutNode[];
  edges: LayoutEdge[];
  /** How many lanes are used at the widest row. */
  lanes: number;
  titles: LaneTitle[];
}

export interface LayoutOptions {
  /**
   * Lay out only these revisions (focus on a revision: its ancestors and descendants). Edges to
   * revisions left out are dropped; ghosts are still drawn for parents that no file defines.
   */
  only?: ReadonlySet<string>;
}

/** Node index by id (`missing:<id>` for a ghost parent). */
export function nodeIndex(layout: GraphLayout): Map<string, number> {
  return new Map(layout.nodes.map((n, i) => [n.id, i]));
}

/** Lays out the chain; never throws on a broken chain (cycles, missing parents, unparsed files). */
export function layoutRevisionGraph(chain: Chain, opts: LayoutOptions = {}): GraphLayout {
  const graph = chain.graph;
  const only = opts.only;
  const order = only ? graph.historyOrder().filter((r) => only.has(r)) : graph.historyOrder();
  const heads = new Set(graph.heads);
  const problemsOf = new Map<string, string[]>();
  for (const d of chain.diagnostics) {
    if (d.severity !== 'error' || !d.revision) continue;
    const list = problemsOf.get(d.revision) ?? [];
    list.push(d.file ? `${d.file}${d.line ? `:${d.line}` : ''}: ${d.message}` : d.message);
    problemsOf.set(d.revision, list);
  }

  // Ghost parents go right below the lowest revision that names them, where the parent would be.
  const labelOwners = labelOwnerMap(chain);
  const lastRef = new Map<string, number>();
  const ghostProblems = new Map<string, string[]>();
  order.forEach((revision, pos) => {
    const m = graph.get(revision)!;
    const isMissing = (p: string) => !graph.has(p);
    if (!m.downRevisions.some(isMissing) && !m.dependsOn.some(isMissing)) return;
    const missing = [
      ...m.downRevisions.filter(isMissing),
      ...m.dependsOn.filter((p) => isMissing(p) && !labelOwners.has(p)),
    ];
    for (const p of missing) {
      lastRef.set(p, pos);
      const list = ghostProblems.get(p) ?? [];
      list.push(`${m.file}:${m.downRevisionLine}: ${revision} names ${p}, which no file defines`);
      ghostProblems.set(p, list);
    }
  });
  const ghostsAfter = new Map<number, string[]>();
  for (const [id, pos] of lastRef) {
    const list = ghostsAfter.get(pos) ?? [];
    list.push(id);
    ghostsAfter.set(pos, list);
  }

  const nodes: LayoutNode[] = [];
  /** The migration of each node (undefined for a ghost), so the lane sweep never looks it up again. */
  const migrationOf: (Migration | undefined)[] = [];
  const index = new Map<string, number>();
  const NO_PROBLEMS: string[] = [];
  for (let pos = 0; pos < order.length; pos++) {
    const revision = order[pos];
    const m = graph.get(revision)!;
    index.set(revision, nodes.length);
    migrationOf.push(m);
    // One object literal of one shape per node: 10,000 of them are built on every paint.
    nodes.push({
      id: revision, kind: 'revision', revision, row: nodes.length, lane: 0, message: m.message, file: m.file, line: m.revisionLine,
      head: heads.has(revision), base: m.downRevisions.length === 0, merge: m.downRevisions.length > 1,
      branchPoint: graph.isBranchPoint(revision), labels: graph.branchLabelsOf(revision),
      problems: problemsOf.get(revision) ?? NO_PROBLEMS,
    });
    for (const ghost of ghostsAfter.get(pos) ?? []) {
      index.set(`missing:${ghost}`, nodes.length);
      migrationOf.push(undefined);
      nodes.push({
        id: `missing:${ghost}`, kind: 'missing', revision: ghost, row: nodes.length, lane: 0, message: 'missing parent: no file defines this revision',
        file: undefined, line: undefined, head: false, base: true, merge: false, branchPoint: false, labels: [], problems: ghostProblems.get(ghost) ?? [],
      });
    }
  }
  // Files that produced no migration: their revision id (if any) is unknown, so they stand apart at the bottom.
  const parsed = new Set(chain.migrations.map((m) => m.file));
  const unparsed = new Map<string, string[]>();
  const unparsedLine = new Map<string, number>();
  for (const d of chain.diagnostics) {
    if (d.severity !== 'error' || !d.file || parsed.has(d.file)) continue;
    const list = unparsed.get(d.file) ?? [];
    list.push(`${d.file}${d.line ? `:${d.line}` : ''}: ${d.message}`);
    unparsed.set(d.file, list);
    if (!unparsedLine.has(d.file)) unparsedLine.set(d.file, d.line ?? 1);
  }
  if (!only) {
    for (const [file, problems] of unparsed) {
      index.set(`unparsed:${file}`, nodes.length);
      migrationOf.push(undefined);
      nodes.push({
        id: `unparsed:${file}`, kind: 'unparsed', revision: undefined, row: nodes.length, lane: 0, message: 'file could not be read as a migration',
        file, line: unparsedLine.get(file), head: false, base: false, merge: false, branchPoint: false, labels: [], problems,
      });
    }
  }

  const edges = assignLanes(nodes, migrationOf, index, labelOwners);
  return { nodes, edges: edges.edges, lanes: edges.width, titles: edges.titles };
}

/**
 * The label a lane stretch is titled with: a revision's own branch labels, else those of its only
 * parent when that parent has no other child. Alembic's inherited labels also reach past merges
 * (a head below a merge of two labelled branches carries both); a lane title names one line only.
 */
function laneLabels(nodes: readonly LayoutNode[], migrationOf: readonly (Migration | undefined)[], index: ReadonlyMap<string, number>): string[] {
  const out = new Array<string>(nodes.length).fill('');
  // Rows run children first, so parents (below) are done before the children that read them.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const m = migrationOf[i];
    if (!m) continue;
    if (m.branchLabels.length) { out[i] = m.branchLabels.join(', '); continue; }
    if (m.downRevisions.length !== 1) continue;
    const p = index.get(m.downRevisions[0]);
    if (p !== undefined && p > i && !nodes[p].branchPoint) out[i] = out[p];
  }
  return out;
}

/** depends_on may name a branch label: the revision that declares it. */
function labelOwnerMap(chain: Chain): Map<string, string> {
  const owners = new Map<string, string>();
  for (const m of chain.migrations) for (const l of m.branchLabels) if (!owners.has(l)) owners.set(l, m.revision);
  return owners;
}

/**
 * The lane sweep, top (heads) to bottom (bases). Each lane slot remembers the node it is waiting
 * for below. A node takes the leftmost lane waiting for it (the other lanes waiting for it end
 * there: a branch point), or the first free lane (a head). Its first parent continues its lane; a
 * merge's other parents join a lane already waiting for them or open a new one.
 */
function assignLanes(
  nodes: LayoutNode[], migrationOf: readonly (Migration | undefined)[], index: Map<string, number>, labelOwners: ReadonlyMap<string, string>,
): { edges: LayoutEdge[]; width: number; titles: LaneTitle[] } {
  const waiting: (number | null)[] = []; // lane -> node index it waits for
  const waitingFor = new Map<number, number[]>(); // node index -> lanes waiting for it
  const laneLabel: string[] = [];
  const edges: LayoutEdge[] = [];
  const titles: LaneTitle[] = [];
  let width = 0;
  const lineLabels = laneLabels(nodes, migrationOf, index);

  const freeLane = (): number => {
    for (let k = 0; k < waiting.length; k++) if (waiting[k] === null) return k;
    waiting.push(null);
    laneLabel.push('');
    return waiting.length - 1;
  };
  const wait = (lane: number, target: number) => {
    waiting[lane] = target;
    const list = waitingFor.get(target);
    if (list) list.push(lane); else waitingFor.set(target, [lane]);
  };

  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    const lanes = waitingFor.get(i);
    let lane: number;
    if (lanes?.length) {
      lane = Math.min(...lanes);
      for (const k of lanes) { waiting[k] = null; if (k !== lane) laneLabel[k] = ''; }
      waitingFor.delete(i);
    } else {
      lane = freeLane();
    }
    node.lane = lane;
    width = Math.max(width, lane + 1);
    const label = lineLabels[i];
    if (label && label !== laneLabel[lane]) titles.push({ lane, row: i, text: label });
    laneLabel[lane] = label;

    const m = migrationOf[i];
    const parents = m ? m.downRevisions : [];
    let first = true;
    for (const p of parents) {
      const target = index.get(p) ?? index.get(`missing:${p}`);
      if (target === undefined) continue; // left out by focus
      if (target <= i) { edges.push({ from: i, to: target, kind: 'parent', lane: -1 }); continue; }
      let travel: number;
      if (first) {
        travel = lane;
        wait(lane, target);
      } else {
        const already = waitingFor.get(target);
        travel = already?.length ? already[0] : freeLane();
        if (!already?.length) wait(travel, target);
      }
      first = false;
      width = Math.max(width, travel + 1);
      edges.push({ from: i, to: target, kind: 'parent', lane: travel });
    }
    if (!first) continue;
    // A base, or its parents were all left out: the lane ends here.
    laneLabel[lane] = '';
  }
  // depends_on edges are drawn straight and never hold a lane.
  for (let i = 0; i < nodes.length; i++) {
    const m = migrationOf[i];
    if (!m) continue;
    for (const d of m.dependsOn) {
      const target = index.get(d) ?? index.get(`missing:${d}`) ?? index.get(labelOwners.get(d) ?? '');
      if (target !== undefined && !m.downRevisions.includes(d)) edges.push({ from: i, to: target, kind: 'depends_on', lane: -1 });
    }
  }
  return { edges, width, titles };
}
