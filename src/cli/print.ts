// Text renderings of engine results. Pure functions from data to lines: the commands decide where
// the lines go, the tests compare them with literals.
import * as path from 'node:path';
import { formatDiagnostic, type ChainDiagnostic, type RevisionGraph, type DriftReport, type ChainStatus, type RevisionState, type VerifyReport } from './core';

export interface HistoryOptions {
  /** Revisions recorded in the database's version table (its heads). */
  current?: readonly string[];
  /** Per-revision state, when a database was read (verbose output shows it). */
  states?: ChainStatus['revisions'];
  verbose?: boolean;
  /** File paths are shown relative to this folder. */
  cwd?: string;
}

export interface HistoryEntry {
  revision: string;
  parents: string[];
  dependsOn: string[];
  branchLabels: string[];
  message: string;
  file: string;
  head: boolean;
  current: boolean;
  branchpoint: boolean;
  mergepoint: boolean;
  state?: RevisionState;
}

export function historyEntries(graph: RevisionGraph, opts: HistoryOptions = {}): HistoryEntry[] {
  const current = new Set(opts.current ?? []);
  const heads = new Set(graph.heads);
  return graph.historyOrder().map((revision) => {
    const m = graph.get(revision)!;
    return {
      revision,
      parents: [...m.downRevisions],
      dependsOn: [...m.dependsOn],
      branchLabels: [...graph.branchLabelsOf(revision)],
      message: m.message,
      file: displayPath(m.file, opts.cwd),
      head: heads.has(revision),
      current: current.has(revision),
      branchpoint: graph.isBranchPoint(revision),
      mergepoint: graph.isMerge(revision),
      ...(opts.states?.get(revision) ? { state: opts.states.get(revision)!.state } : {}),
    };
  });
}

/** `alembic history` lines: `parent -> rev (head) (current), message`, or the verbose block. */
export function renderHistory(graph: RevisionGraph, opts: HistoryOptions = {}): string[] {
  const entries = historyEntries(graph, opts);
  if (!opts.verbose) return entries.map(historyLine);
  return entries.flatMap((e) => [...verboseEntry(e, graph, opts), '']);
}

export function historyLine(e: HistoryEntry): string {
  const deps = e.dependsOn.length ? ` (${e.dependsOn.join(', ')})` : '';
  return `${formatParents(e.parents)}${deps} -> ${e.revision}${labels(e)}${marks(e)}, ${e.message}`;
}

function verboseEntry(e: HistoryEntry, graph: RevisionGraph, opts: HistoryOptions): string[] {
  const lines = [
    `Rev: ${e.revision}${e.head ? ' (head)' : ''}${e.branchpoint ? ' (branchpoint)' : ''}${e.mergepoint ? ' (mergepoint)' : ''}${e.current ? ' (current)' : ''}`,
    e.mergepoint ? `Merges: ${formatParents(e.parents)}` : `Parent: ${formatParents(e.parents)}`,
  ];
  if (e.dependsOn.length) lines.push(`Also depends on: ${e.dependsOn.join(', ')}`);
  if (e.branchpoint) lines.push(`Branches into: ${graph.children(e.revision).join(', ')}`);
  if (e.branchLabels.length) lines.push(`Branch names: ${e.branchLabels.join(', ')}`);
  lines.push(`Path: ${e.file}`);
  const state = opts.states?.get(e.revision);
  if (state) lines.push(`State: ${state.state}${state.appliedAt ? ` (applied ${state.appliedAt.toISOString()})` : ''}`);
  lines.push('', `    ${e.message}`);
  return lines;
}

/** `alembic heads` / `alembic current` lines: `rev (head)`; verbose adds the message. */
export function revisionLine(graph: RevisionGraph, revision: string, opts: { verbose?: boolean; current?: boolean } = {}): string {
  const m = graph.get(revision);
  if (!m) return `${revision} (unknown: no migration file defines it)`;
  const head = graph.heads.includes(revision) ? ' (head)' : '';
  const current = opts.current ? ' (current)' : '';
  const suffix = opts.verbose ? `, ${m.message}` : '';
  const own = graph.branchLabelsOf(revision);
  const label = own.length ? ` (${own.join(', ')})` : '';
  return `${revision}${label}${head}${current}${suffix}`;
}

/** `file:line: severity: message [code]`, with the file relative to cwd so editors and CI link it. */
export function renderDiagnostic(d: ChainDiagnostic, cwd?: string): string {
  return formatDiagnostic(d.file ? { ...d, file: displayPath(d.file, cwd) } : d);
}

export function renderVerifyReport(report: VerifyReport, cwd?: string): string[] {
  const lines = report.checks.map((c) => {
    const where = c.file ? ` (${displayPath(c.file, cwd)}${c.line ? `:${c.line}` : ''})` : '';
    return `${c.ok ? '✔' : '✘'} ${c.name}${c.detail ? `: ${c.detail}` : ''}${where}`;
  });
  const failed = report.checks.filter((c) => !c.ok).length;
  lines.push(report.ok
    ? `verify: OK (${report.checks.length} checks)`
    : `verify: FAILED (${failed} of ${report.checks.length} checks failed)`);
  return lines;
}

/** The drift check: one line per schema object that differs from what the recorded revisions build. */
export function renderDrift(report: DriftReport, cwd?: string): string[] {
  const built = report.baseRevision.length ? report.baseRevision.join(', ') : '<base>';
  if (!report.entries.length) return [`drift: none (the schema matches the migrations up to ${built})`];
  const lines = report.entries.map((e) => {
    const what = e.change === 'changed'
      ? `: expected ${e.expected ?? '?'}, found ${e.actual ?? '?'}`
      : e.change === 'missing' && e.expected ? `: ${e.expected}` : e.change === 'extra' && e.actual ? `: ${e.actual}` : '';
    const source = e.source ? ` (${displayPath(e.source.file, cwd)}:${e.source.line}, ${e.source.revision})` : '';
    return `✘ ${e.change} ${e.kind} ${e.name}${what}${source}`;
  });
  const n = report.entries.length;
  lines.push(`drift: ${n} difference${n === 1 ? '' : 's'} from the schema the migrations build up to ${built}`);
  return lines;
}

/** Revisions whose file changed after they were applied. */
export function editedRevisions(status: ChainStatus): string[] {
  return [...status.revisions].filter(([, s]) => s.state === 'edited').map(([rev]) => rev);
}

export function renderStatus(status: ChainStatus, graph: RevisionGraph): string[] {
  const current = status.heads.length ? status.heads.join(', ') : '<base> (nothing applied)';
  const lines = [
    `database: ${status.target.display}`,
    `current:  ${current}`,
    `head:     ${graph.heads.join(', ') || '(no migrations)'}`,
    `pending:  ${status.pending.length}${status.pending.length ? ` (${status.pending.join(', ')})` : ''}`,
  ];
  if (status.unknown.length) {
    lines.push(`unknown:  ${status.unknown.map((u) => `${u.revision}${u.nearest.length ? ` (nearest: ${u.nearest.join(', ')})` : ''}`).join('; ')}`);
  }
  const edited = editedRevisions(status);
  if (edited.length) lines.push(`edited after apply: ${edited.join(', ')}`);
  return lines;
}

export function displayPath(file: string, cwd?: string): string {
  if (!cwd || !path.isAbsolute(file)) return file;
  // Chain files are resolved paths: under cwd the relative path is a slice (history prints thousands).
  const prefix = cwd.endsWith(path.sep) ? cwd : cwd + path.sep;
  if (file.startsWith(prefix) && !file.includes(`${path.sep}..${path.sep}`)) return file.slice(prefix.length);
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function formatParents(parents: readonly string[]): string {
  return parents.length ? parents.join(', ') : '<base>';
}

function labels(e: HistoryEntry): string {
  return e.branchLabels.length ? ` (${e.branchLabels.join(', ')})` : '';
}

function marks(e: HistoryEntry): string {
  return `${e.head ? ' (head)' : ''}${e.current ? ' (current)' : ''}${e.branchpoint ? ' (branchpoint)' : ''}${e.mergepoint ? ' (mergepoint)' : ''}`;
}
