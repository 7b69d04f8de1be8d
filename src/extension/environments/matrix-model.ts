// The environments matrix as plain data (no vscode): revisions as rows (in `alembic history`
// order, heads first), environments and tenant-set summaries as columns, each cell applied /
// pending / edited / unknown. Built from the same fleet statuses the Environments view reads, so
// opening the matrix never connects.
import type { Chain, TargetStatus } from '../core';
import type { EnvironmentEntry } from './environments-model';

export type CellState = 'applied' | 'pending' | 'edited' | 'unknown';

export const CELL_STATES: readonly CellState[] = ['applied', 'pending', 'edited', 'unknown'];

/** A glyph and a word per state: the matrix never says anything by colour alone. */
export const CELL_GLYPH: Record<CellState, string> = { applied: '✓', pending: '○', edited: '⚠', unknown: '?' };

export interface MatrixColumn {
  environment: string;
  /** Column heading: the environment's name, with the member count for a tenant set. */
  title: string;
  /** One line under the heading: the revision it is at, or the fleet summary, or why it is unknown. */
  detail: string;
  tenants: boolean;
  protected: boolean;
}

export interface MatrixCell {
  state: CellState;
  /** The cell's text: "applied", or for a tenant set "198 applied · 2 pending". */
  text: string;
  /** Members per state (a plain environment has one member). */
  counts: Record<CellState, number>;
}

export interface MatrixRow {
  revision: string;
  message: string;
  file: string;
  line: number;
  isHead: boolean;
  cells: MatrixCell[];
}

export interface Matrix {
  columns: MatrixColumn[];
  rows: MatrixRow[];
}

/** One target's state for a revision; `applied` is the target's applied set (null when it cannot be known). */
function targetState(t: TargetStatus, revision: string, applied: ReadonlySet<string> | null): CellState {
  if (!applied) return 'unknown';
  if (t.edited.includes(revision)) return 'edited';
  if (applied.has(revision)) return 'applied';
  // Recorded heads the chain does not know hide what lies beneath them.
  return t.unknown.length ? 'unknown' : 'pending';
}

function appliedSetOf(chain: Chain, t: TargetStatus): ReadonlySet<string> | null {
  if (!t.reachable || t.error) return null;
  return chain.graph.appliedSet(t.heads);
}

/**
 * A tenant set's cell is the worst state any member is in (edited, then unknown, then pending),
 * so a column reads "applied" only when every member has it; the counts say how many.
 */
function summaryState(counts: Record<CellState, number>): CellState {
  if (counts.edited) return 'edited';
  if (counts.unknown) return 'unknown';
  if (counts.pending) return 'pending';
  return counts.applied ? 'applied' : 'unknown';
}

function cellText(counts: Record<CellState, number>, members: number): string {
  if (members <= 1) return CELL_STATES.find((s) => counts[s] > 0) ?? 'unknown';
  return CELL_STATES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`).join(' · ') || 'no members';
}

function columnOf(e: EnvironmentEntry): MatrixColumn {
  const targets = e.status?.targets ?? [];
  const base = { environment: e.name, tenants: !!e.tenantSet, protected: e.protected };
  const title = e.tenantSet ? `${e.name} (${targets.length} tenant${targets.length === 1 ? '' : 's'})` : e.name;
  if (e.error) return { ...base, title, detail: `unknown: ${e.error}` };
  if (!e.status) return { ...base, title, detail: 'reading…' };
  if (e.tenantSet) {
    const s = e.status.summary;
    return { ...base, title, detail: `${s.atHead} at head, ${s.behind.length} behind, ${s.unreachable.length + s.failed.length} unknown` };
  }
  const t = targets[0];
  if (!t) return { ...base, title, detail: 'no database' };
  if (t.error) return { ...base, title, detail: `unknown: ${t.error}` };
  return { ...base, title, detail: `at ${t.heads.join(', ') || 'base'}` };
}

type Members = { t: TargetStatus; applied: ReadonlySet<string> | null }[][];

/** Each target's applied set once, not once per row. */
function membersOf(chain: Chain, entries: readonly EnvironmentEntry[]): Members {
  return entries.map((e) => (e.status?.targets ?? []).map((t) => ({ t, applied: appliedSetOf(chain, t) })));
}

function cellsOf(members: Members, revision: string): MatrixCell[] {
  return members.map((targets): MatrixCell => {
    const counts: Record<CellState, number> = { applied: 0, pending: 0, edited: 0, unknown: 0 };
    for (const { t, applied } of targets) counts[targetState(t, revision, applied)]++;
    return { state: summaryState(counts), text: cellText(counts, targets.length), counts };
  });
}

export function buildMatrix(chain: Chain, entries: readonly EnvironmentEntry[]): Matrix {
  const members = membersOf(chain, entries);
  const heads = new Set(chain.graph.heads);
  const rows = chain.graph.historyOrder().flatMap((revision): MatrixRow[] => {
    const m = chain.graph.get(revision);
    return m ? [{ revision, message: m.message, file: m.file, line: m.revisionLine, isHead: heads.has(revision), cells: cellsOf(members, revision) }] : [];
  });
  return { columns: entries.map(columnOf), rows };
}

/**
 * The one-line summary for a migration's CodeLens and hover: "dev ✓ · staging ✓ · prod ○". A
 * tenant set shows its members applied out of the total when they differ ("tenants 198/200").
 * Undefined while no environment has been read.
 */
export function environmentsLine(chain: Chain, entries: readonly EnvironmentEntry[], revision: string): string | undefined {
  if (!chain.graph.has(revision) || !entries.some((e) => e.status || e.error)) return undefined;
  return cellsOf(membersOf(chain, entries), revision).map((c, i) => {
    const e = entries[i];
    const members = e.status?.targets.length ?? 0;
    const partial = e.tenantSet && members > 0 && c.counts.applied > 0 && c.counts.applied < members;
    return `${e.name} ${CELL_GLYPH[c.state]}${partial ? ` ${c.counts.applied}/${members}` : ''}`;
  }).join(' · ');
}

/** The longer form for the hover: one line per environment with the cell's words. */
export function environmentsDetail(chain: Chain, entries: readonly EnvironmentEntry[], revision: string): string[] {
  if (!chain.graph.has(revision)) return [];
  return cellsOf(membersOf(chain, entries), revision).map((c, i) => `${CELL_GLYPH[c.state]} ${entries[i].name}: ${c.text}`);
}
