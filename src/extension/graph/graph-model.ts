// The revision graph webview's content as plain data (no vscode): the engine's layout of the chain
// (one core call), with each node's badges taken from what the editor already holds — the folder
// snapshot's database status, the Environments view's cached fleet statuses, the lint results,
// the last stairway outcome — and the git author and date of its file.
import * as path from 'path';
import { core, type FileCommit, type GraphLayout, type NodeMark } from '../core';
import type { EnvironmentEntry } from '../environments/environments-model';
import { disconnectedText, type FolderSnapshot } from '../chains/folder-snapshot';
import type { GraphView, GraphViewNode } from '../../webview/graph/protocol';

export interface GraphInputs {
  snapshot: FolderSnapshot;
  environments: readonly EnvironmentEntry[];
  /** Last commit per absolute file path (from one `git log`); undefined outside git. */
  commits?: ReadonlyMap<string, FileCommit>;
  /** Lint errors and warnings per absolute file path. */
  lint?: (file: string) => { errors: number; warnings: number } | undefined;
  /** The last stairway outcome per revision. */
  stairway?: ReadonlyMap<string, 'passed' | 'failed'>;
  focus?: string;
  select?: string;
}

const DB_MARK: Record<string, Omit<NodeMark, 'title'>> = {
  applied: { text: 'db ✓ applied', tone: 'applied' },
  current: { text: 'db ✓ current', tone: 'applied' },
  pending: { text: 'db ○ pending', tone: 'pending' },
  edited: { text: 'db ⚠ edited', tone: 'edited' },
  unknown: { text: 'db ? unknown', tone: 'unknown' },
};

/** The layout the view draws: the whole chain, or the focused revision's ancestors and descendants. */
export function layoutFor(snapshot: FolderSnapshot, focus?: string): GraphLayout {
  const chain = snapshot.chain!;
  const only = focus && chain.graph.has(focus)
    ? new Set([focus, ...chain.graph.ancestors(focus), ...chain.graph.descendants(focus)])
    : undefined;
  return core().layoutRevisionGraph(chain, { only });
}

export function buildGraphView(inputs: GraphInputs, layout: GraphLayout = layoutFor(inputs.snapshot, inputs.focus)): GraphView {
  const { snapshot } = inputs;
  const chain = snapshot.chain!;
  const read = inputs.environments.filter((e) => e.status || e.error);
  const envMarks = read.length
    ? core().environmentMarks(chain, read.map((e) => ({ name: e.name, tenantSet: !!e.tenantSet, targets: e.status?.targets, error: e.error })))
    : undefined;
  const children = new Map<number, string[]>();
  const parents = new Map<number, string[]>();
  const deps = new Map<number, string[]>();
  for (const e of layout.edges) {
    const add = (m: Map<number, string[]>, k: number, v: string) => { const l = m.get(k); if (l) l.push(v); else m.set(k, [v]); };
    if (e.kind === 'parent') {
      add(parents, e.from, layout.nodes[e.to].id);
      add(children, e.to, layout.nodes[e.from].id);
    } else {
      add(deps, e.from, layout.nodes[e.to].id);
    }
  }
  // path.relative resolves both paths on every call; a prefix cut is enough for files in the folder.
  const prefix = snapshot.folder.fsPath.endsWith(path.sep) ? snapshot.folder.fsPath : `${snapshot.folder.fsPath}${path.sep}`;
  const relative = (file: string) => (file.startsWith(prefix) ? file.slice(prefix.length) : path.relative(snapshot.folder.fsPath, file));
  const nodes = layout.nodes.map((n, i): GraphViewNode => {
    const marks: NodeMark[] = [];
    if (n.kind === 'revision' && n.revision) {
      const st = snapshot.status?.revisions.get(n.revision);
      if (st) marks.push({ ...DB_MARK[st.state], title: `${snapshot.status!.target.database}: ${st.state}` });
      marks.push(...(envMarks?.get(n.revision) ?? []));
      const lint = n.file ? inputs.lint?.(n.file) : undefined;
      if (lint?.errors) marks.push({ text: `lint ✗ ${lint.errors}`, tone: 'error', title: `lint: ${lint.errors} error${lint.errors === 1 ? '' : 's'}${lint.warnings ? `, ${lint.warnings} warnings` : ''}` });
      else if (lint?.warnings) marks.push({ text: `lint ⚠ ${lint.warnings}`, tone: 'edited', title: `lint: ${lint.warnings} warning${lint.warnings === 1 ? '' : 's'}` });
      const stair = inputs.stairway?.get(n.revision);
      if (stair) marks.push({ text: `stairway ${stair === 'passed' ? '✓' : '✗'}`, tone: stair === 'passed' ? 'ok' : 'error', title: `last stairway test: ${stair}` });
    }
    const commit = n.file ? inputs.commits?.get(n.file) : undefined;
    return {
      id: n.id, kind: n.kind, revision: n.revision, row: n.row, lane: n.lane, message: n.message,
      head: n.head, base: n.base, merge: n.merge, branchPoint: n.branchPoint, labels: [...n.labels], problems: n.problems,
      file: n.file ? relative(n.file) : undefined,
      author: commit?.author, date: commit?.date, marks,
      parents: parents.get(i) ?? [], children: children.get(i) ?? [], dependsOn: deps.get(i) ?? [],
    };
  });
  const where = snapshot.status ? `database ${snapshot.status.target.database}` : disconnectedText(snapshot.disconnected);
  const envs = read.length ? `; environments ${read.map((e) => e.name).join(', ')}` : '';
  const count = layout.nodes.filter((n) => n.kind === 'revision').length;
  return {
    title: `Revision graph: ${snapshot.folder.name}`,
    subtitle: `${count} revision${count === 1 ? '' : 's'}, ${chain.graph.heads.length} head${chain.graph.heads.length === 1 ? '' : 's'}${inputs.focus ? `, focused on ${inputs.focus}` : ''} · ${where}${envs}`,
    nodes, edges: layout.edges, lanes: layout.lanes, titles: layout.titles,
    focus: inputs.focus && chain.graph.has(inputs.focus) ? inputs.focus : undefined,
    select: inputs.select,
  };
}
