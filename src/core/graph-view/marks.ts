// Badges on a graph node, as plain data: where the current database and every environment stand on
// the revision, lint and stairway results. Each mark has words, never only a colour; `tone` only
// picks the theme colour. The CLI's export and the editor's graph both draw these.
import type { Chain } from '../chain/chain';
import type { TargetStatus } from '../environments/fleet-status';

export type MarkTone = 'applied' | 'pending' | 'edited' | 'unknown' | 'error' | 'ok';

export interface NodeMark {
  /** Short text drawn on the node: `dev ✓`, `tenants 37/40`, `lint 2 errors`. */
  text: string;
  tone: MarkTone;
  /** The longer sentence for a tooltip or a screen reader. */
  title: string;
}

/** Marks by node id (a revision id). */
export type NodeMarks = ReadonlyMap<string, readonly NodeMark[]>;

/** A glyph per state, always followed or preceded by a word. */
export const MARK_GLYPH: Record<MarkTone, string> = { applied: '✓', pending: '○', edited: '⚠', unknown: '?', error: '✗', ok: '✓' };

/** One environment as the marks need it: its targets' statuses (a tenant set has many), or why none. */
export interface EnvironmentState {
  name: string;
  tenantSet: boolean;
  targets?: readonly TargetStatus[];
  error?: string;
}

type CellState = 'applied' | 'pending' | 'edited' | 'unknown';

/**
 * One mark per environment per revision. A tenant set reads "tenants 37/40" while some members
 * lack the revision; its tone is the worst member state (edited, unknown, pending), like the matrix.
 */
export function environmentMarks(chain: Chain, environments: readonly EnvironmentState[]): Map<string, NodeMark[]> {
  const out = new Map<string, NodeMark[]>();
  const members = environments.map((e) => (e.targets ?? []).map((t) => ({ t, applied: t.reachable && !t.error ? chain.graph.appliedSet(t.heads) : null })));
  for (const revision of chain.graph.revisions) {
    const marks: NodeMark[] = [];
    environments.forEach((e, i) => {
      const targets = members[i];
      if (e.error || targets.length === 0) {
        marks.push({ text: `${e.name} ?`, tone: 'unknown', title: `${e.name}: unknown${e.error ? ` (${e.error})` : ''}` });
        return;
      }
      const counts: Record<CellState, number> = { applied: 0, pending: 0, edited: 0, unknown: 0 };
      for (const { t, applied } of targets) {
        const state: CellState = !applied ? 'unknown' : t.edited.includes(revision) ? 'edited'
          : applied.has(revision) ? 'applied' : t.unknown.length ? 'unknown' : 'pending';
        counts[state]++;
      }
      const tone: CellState = counts.edited ? 'edited' : counts.unknown ? 'unknown' : counts.pending ? 'pending' : 'applied';
      const n = targets.length;
      const partial = e.tenantSet && n > 1 && counts.applied < n;
      const text = partial ? `${e.name} ${counts.applied}/${n}` : `${e.name} ${MARK_GLYPH[tone]}`;
      const words = (['applied', 'pending', 'edited', 'unknown'] as const).filter((s) => counts[s]).map((s) => `${counts[s]} ${s}`).join(', ');
      marks.push({ text, tone, title: n > 1 ? `${e.name}: ${words} of ${n} members` : `${e.name}: ${tone}` });
    });
    out.set(revision, marks);
  }
  return out;
}

/** Concatenates mark lists by node id (database, environments, lint, stairway). */
export function mergeMarks(...sources: (NodeMarks | undefined)[]): Map<string, NodeMark[]> {
  const out = new Map<string, NodeMark[]>();
  for (const source of sources) {
    if (!source) continue;
    for (const [id, marks] of source) {
      const list = out.get(id);
      if (list) list.push(...marks); else out.set(id, [...marks]);
    }
  }
  return out;
}
