// The chain tree as plain data. Nodes are keys (folder + revision), never copies of state: the
// provider looks the snapshot up again on every render, so the tree is always a view of the latest
// refresh. Node objects are also the arguments item commands receive (see commands/args.ts).
import * as path from 'path';
import type { ChainDiagnostic, HeadAdviceKind, Migration } from '../core';
import {
  disconnectedText, displayState, formatWhen, missingParents, revisionProblems, revisionStatus, shortRevision,
  type DisplayState, type FolderSnapshot,
} from '../chains/folder-snapshot';
import { adviceTitle, headAdvice, movedHead } from '../problems/head-advice';

export type TreeNode =
  | { kind: 'folder'; id: string; folderUri: string }
  | { kind: 'revision'; id: string; folderUri: string; revision: string }
  | { kind: 'unknown'; id: string; folderUri: string; revision: string; nearest: string[] }
  | { kind: 'problem'; id: string; folderUri: string; diagnostic: ChainDiagnostic }
  | { kind: 'action'; id: string; folderUri: string; text: string; command: string }
  /** Advice for a pair of heads; `revision` is the head whose branch would move, `onto` the other (re-parent only). */
  | { kind: 'advice'; id: string; folderUri: string; heads: [string, string]; revision: string; onto?: string }
  /** A folded stretch of `count` unremarkable revisions, `newest` (top) down to `oldest` in heads-first order; listed on expand. */
  | { kind: 'run'; id: string; folderUri: string; newest: string; oldest: string; count: number };

/** Linear stretches longer than this are folded into one node (10,000 revisions must not be 10,000 rows up front). */
export const RUN_LIMIT = 50;
/** Revisions kept visible on each side of a landmark (head, merge, branch point, current, problem). */
const CONTEXT = 2;

export interface IconView {
  id: string;
  color?: string;
}

export interface NodeView {
  label: string;
  description?: string;
  /** Markdown; absent where it is costly to build (revisions): the provider asks tooltipFor() on hover. */
  tooltip?: string;
  icon: IconView;
  /** Menus in package.json key off this (`viewItem == …`). */
  contextValue: string;
  expanded?: boolean;
  /** Has children listed on expand (a folded run). */
  collapsed?: boolean;
  /** Clicking opens this file at this 1-based line. */
  open?: { file: string; line: number };
  /** Clicking runs this command with the node as argument. */
  command?: string;
}

export function folderNode(snapshot: FolderSnapshot): TreeNode {
  return { kind: 'folder', id: `folder:${snapshot.folder.uri}`, folderUri: snapshot.folder.uri };
}

/**
 * The folder's children (or, with a folded run as `parent`, the run's revisions). Heads first, like
 * `alembic history`: unknown-to-files revisions, the chain newest to oldest with long linear
 * stretches folded, unparseable files.
 */
export function childNodes(snapshot: FolderSnapshot, parent?: TreeNode): TreeNode[] {
  const folderUri = snapshot.folder.uri;
  if (parent?.kind === 'run') {
    const run = revisionLayout(snapshot).find((e): e is string[] => typeof e !== 'string' && runNode(folderUri, e).id === parent.id);
    return (run ?? []).map((revision) => revisionNode(folderUri, revision));
  }
  if (parent && parent.kind !== 'folder') return [];
  const nodes: TreeNode[] = [];
  const action = (name: string, text: string, command: string) =>
    nodes.push({ kind: 'action', id: `action:${folderUri}:${name}`, folderUri, text, command });

  if (!snapshot.chain) {
    if (snapshot.loadError) action('load-error', `Cannot read migrations: ${snapshot.loadError}`, 'migrationChain.refresh');
    else action('no-migrations', 'No migrations folder — New Revision', 'migrationChain.newRevision');
    return nodes;
  }
  if (snapshot.disconnected?.reason === 'no-url') action('set-url', 'Not connected — Set Database URL', 'migrationChain.setDatabaseUrl');

  for (const u of snapshot.status?.unknown ?? []) {
    nodes.push({ kind: 'unknown', id: `unknown:${folderUri}:${u.revision}`, folderUri, revision: u.revision, nearest: u.nearest });
  }
  for (const a of headAdvice(snapshot)) {
    const moved = movedHead(a);
    nodes.push({
      kind: 'advice', id: `advice:${folderUri}:${a.heads.join('+')}`, folderUri, heads: a.heads,
      revision: moved ?? a.heads[1], onto: moved ? a.reparent?.to : undefined,
    });
  }
  for (const entry of revisionLayout(snapshot)) {
    nodes.push(typeof entry === 'string' ? revisionNode(folderUri, entry) : runNode(folderUri, entry));
  }
  const parsedFiles = new Set(snapshot.chain.migrations.map((m) => m.file));
  snapshot.chain.diagnostics
    .filter((d) => d.severity === 'error' && d.file && !parsedFiles.has(d.file))
    .forEach((diagnostic, i) => nodes.push({ kind: 'problem', id: `problem:${folderUri}:${i}:${diagnostic.file}`, folderUri, diagnostic }));
  return nodes;
}

/** The tree parent of `node`: the folded run holding a revision, else the folder (none for a folder). */
export function parentNode(node: TreeNode, snapshot: FolderSnapshot): TreeNode | undefined {
  if (node.kind === 'folder') return undefined;
  if (node.kind === 'revision') {
    const run = revisionLayout(snapshot).find((e): e is string[] => typeof e !== 'string' && e.includes(node.revision));
    if (run) return runNode(snapshot.folder.uri, run);
  }
  return folderNode(snapshot);
}

function revisionNode(folderUri: string, revision: string): TreeNode {
  return { kind: 'revision', id: `revision:${folderUri}:${revision}`, folderUri, revision };
}

function runNode(folderUri: string, run: readonly string[]): TreeNode {
  const newest = run[0];
  const oldest = run[run.length - 1];
  return { kind: 'run', id: `run:${folderUri}:${newest}:${oldest}`, folderUri, newest, oldest, count: run.length };
}

/**
 * The chain in history order (RevisionGraph.historyOrder, as `alembic history` prints it) with every
 * linear stretch longer than RUN_LIMIT folded (an array of its revisions).
 * Landmarks stay visible with CONTEXT neighbours: the ends of the chain, heads, merges, branch
 * points, the database's current revision(s), edited and broken revisions.
 */
export function revisionLayout(snapshot: FolderSnapshot): Array<string | string[]> {
  const chain = snapshot.chain;
  if (!chain) return [];
  const order = chain.graph.historyOrder();
  if (order.length <= RUN_LIMIT) return order;
  const graph = chain.graph;
  const marked = new Set<string>([...graph.heads, ...(snapshot.status?.heads ?? [])]);
  for (const d of chain.diagnostics) if (d.severity === 'error' && d.revision) marked.add(d.revision);
  for (const [revision, st] of snapshot.status?.revisions ?? []) if (st.state === 'edited') marked.add(revision);
  const ordered = graph.topologicalOrder().length; // past it: revisions the graph leaves out (cycles)
  const keep = new Uint8Array(order.length);
  const landmark = (i: number): boolean => {
    if (i === 0 || i === order.length - 1 || i >= ordered || marked.has(order[i])) return true;
    const m = graph.get(order[i]);
    return !m || m.downRevisions.length !== 1 || graph.isBranchPoint(order[i]) || missingParents(chain, m).length > 0;
  };
  for (let i = 0; i < order.length; i++) {
    if (!landmark(i)) continue;
    for (let k = Math.max(0, i - CONTEXT); k <= Math.min(order.length - 1, i + CONTEXT); k++) keep[k] = 1;
  }
  const out: Array<string | string[]> = [];
  for (let i = 0; i < order.length;) {
    if (keep[i]) { out.push(order[i++]); continue; }
    let j = i;
    while (j < order.length && !keep[j]) j++;
    if (j - i > RUN_LIMIT) out.push(order.slice(i, j));
    else for (let k = i; k < j; k++) out.push(order[k]);
    i = j;
  }
  return out;
}

const ICONS: Record<DisplayState, IconView> = {
  applied: { id: 'pass', color: 'testing.iconPassed' },
  pending: { id: 'circle-large-outline' },
  current: { id: 'star-full', color: 'charts.yellow' },
  unknown: { id: 'question', color: 'list.warningForeground' },
  edited: { id: 'warning', color: 'list.warningForeground' },
  broken: { id: 'error', color: 'list.errorForeground' },
  'no-status': { id: 'circle-outline' },
};

const ADVICE_KINDS: Record<HeadAdviceKind, true> = { 'reparent-safe': true, 'merge-required': true };

/**
 * Every contextValue a tree node can carry: what package.json's `viewItem` clauses match against
 * (a unit test checks each clause against this list). Built from the same tables the nodes use.
 */
export const CONTEXT_VALUES: readonly string[] = [
  'folder:connected', 'folder:disconnected',
  ...Object.keys(ICONS).map((state) => `revision:${state}`),
  'advice', ...Object.keys(ADVICE_KINDS).map((kind) => `advice:${kind}`),
  'problem', 'action', 'run',
];

const STATE_TEXT: Record<DisplayState, string> = {
  applied: 'applied',
  pending: 'pending',
  current: 'current',
  unknown: 'unknown to files',
  edited: 'edited after apply',
  broken: 'broken',
  'no-status': '',
};

export function presentNode(node: TreeNode, snapshot: FolderSnapshot): NodeView {
  switch (node.kind) {
    case 'folder': return presentFolder(snapshot);
    case 'revision': {
      const m = snapshot.chain?.graph.get(node.revision);
      return m ? presentRevision(snapshot, m) : missingRevision(node.revision);
    }
    case 'unknown':
      return {
        label: node.revision,
        description: 'in the database, no file defines it',
        tooltip: [
          `**Unknown revision** \`${node.revision}\``,
          'The database records this revision but no migration file in this folder defines it.',
          node.nearest.length ? `Nearest known: ${node.nearest.map(code).join(', ')}` : '',
        ].filter(Boolean).join('\n\n'),
        icon: ICONS.unknown,
        contextValue: 'revision:unknown',
      };
    case 'problem': {
      const d = node.diagnostic;
      const file = d.file ?? '';
      return {
        label: path.basename(file),
        description: d.message,
        tooltip: `**${escapeMarkdown(d.message)}**\n\n${code(file)}${d.line ? ` line ${d.line}` : ''} [${d.code}]`,
        icon: ICONS.broken,
        contextValue: 'problem',
        open: d.file ? { file: d.file, line: d.line ?? 1 } : undefined,
      };
    }
    case 'action':
      return { label: node.text, tooltip: node.text, icon: { id: 'info' }, contextValue: 'action', command: node.command };
    case 'advice':
      return presentAdvice(snapshot, node.heads);
    case 'run':
      return {
        label: `… ${node.count.toLocaleString('en-US')} more revisions (${shortRevision(node.oldest)} → ${shortRevision(node.newest)})`,
        tooltip: `**${node.count.toLocaleString('en-US')} revisions**\n\nFrom ${code(node.oldest)} up to ${code(node.newest)}: no head, merge, branch point, current, edited or broken revision among them. Expand to list them.`,
        icon: { id: 'ellipsis' },
        contextValue: 'run',
        collapsed: true,
      };
  }
}

/** The node's Markdown tooltip (built on hover: for a revision it needs its children, file and problems). */
export function tooltipFor(node: TreeNode, snapshot: FolderSnapshot): string {
  if (node.kind === 'revision') {
    const m = snapshot.chain?.graph.get(node.revision);
    if (m) return revisionTooltip(snapshot, m);
  }
  return presentNode(node, snapshot).tooltip ?? '';
}

function presentAdvice(snapshot: FolderSnapshot, heads: [string, string]): NodeView {
  const a = headAdvice(snapshot).find((x) => x.heads[0] === heads[0] && x.heads[1] === heads[1]);
  if (!a) return { label: `Heads ${heads.join(' and ')}`, tooltip: 'No longer several heads', icon: { id: 'info' }, contextValue: 'advice' };
  const safe = a.advice === 'reparent-safe';
  return {
    label: adviceTitle(a),
    description: safe ? 'Re-parent…' : 'Merge Heads',
    tooltip: `**${escapeMarkdown(adviceTitle(a))}**\n\n${escapeMarkdown(a.reason)}`,
    icon: safe ? { id: 'lightbulb', color: 'list.warningForeground' } : { id: 'git-merge', color: 'list.warningForeground' },
    contextValue: `advice:${a.advice}`,
    command: safe ? 'migrationChain.reparent' : 'migrationChain.mergeHeads',
  };
}

function presentFolder(snapshot: FolderSnapshot): NodeView {
  const status = snapshot.status;
  const target = snapshot.connection?.target;
  const description = status && target
    ? `${target.database}@${target.host} · ${status.pending.length} pending`
    : disconnectedText(snapshot.disconnected);
  const lines = [`**${escapeMarkdown(snapshot.folder.name)}**${snapshot.folder.project ? ` (in workspace folder ${code(path.basename(snapshot.folder.fsPath))})` : ''}`];
  if (snapshot.migrationsDir) lines.push(`Migrations: ${code(relative(snapshot, snapshot.migrationsDir))}${snapshot.alembicProject ? ` (Alembic project ${code(relative(snapshot, snapshot.alembicProject.iniFile))})` : ''}`);
  if (target) lines.push(`Database: ${code(target.display)}`, `Connection from: ${snapshot.connection?.label}`);
  if (status) lines.push(`Database heads: ${status.heads.length ? status.heads.map(code).join(', ') : '*(empty)*'}`);
  if (!status) lines.push(`Not connected: ${escapeMarkdown(disconnectedText(snapshot.disconnected))}`);
  const chainHeads = snapshot.chain?.graph.heads ?? [];
  if (chainHeads.length) lines.push(`Chain heads: ${chainHeads.map(code).join(', ')}`);
  return {
    label: snapshot.folder.name,
    description,
    tooltip: lines.join('\n\n'),
    icon: status ? { id: 'database' } : { id: 'debug-disconnect' },
    contextValue: status ? 'folder:connected' : 'folder:disconnected',
    expanded: true,
  };
}

export function presentRevision(snapshot: FolderSnapshot, m: Migration): NodeView {
  const chain = snapshot.chain!;
  const state = displayState(snapshot, m);
  const status = revisionStatus(snapshot, m.revision);
  const parents = m.downRevisions;
  const children = chain.graph.has(m.revision) ? chain.graph.children(m.revision) : [];
  const missing = missingParents(chain, m);

  const marks: string[] = [];
  if (chain.graph.heads.includes(m.revision)) marks.push('head');
  if (parents.length > 1) marks.push(`merge of ${parents.map(shortRevision).join(' + ')}`);
  if (children.length > 1) marks.push(`branch point → ${children.map(shortRevision).join(', ')}`);
  if (missing.length) marks.push(`parent ${missing.join(', ')} not found`);
  if (!m.transactional) marks.push('not transactional');
  const when = formatWhen(status?.appliedAt);
  const stateText = state === 'applied' && when ? `applied ${when}`
    : state === 'edited' && when ? `${STATE_TEXT.edited} (applied ${when})`
      : STATE_TEXT[state];
  const description = [shortRevision(m.revision), stateText, ...marks].filter(Boolean).join(' · ');

  return {
    label: m.message || m.revision,
    description,
    icon: ICONS[state],
    contextValue: `revision:${state}`,
    open: { file: m.file, line: m.revisionLine },
  };
}

function revisionTooltip(snapshot: FolderSnapshot, m: Migration): string {
  const chain = snapshot.chain!;
  const state = displayState(snapshot, m);
  const status = revisionStatus(snapshot, m.revision);
  const parents = m.downRevisions;
  const children = chain.graph.has(m.revision) ? chain.graph.children(m.revision) : [];
  const problems = revisionProblems(chain, m.revision);
  return [
    `**${escapeMarkdown(m.message || '(no message)')}**`,
    `Revision: ${code(m.revision)}`,
    `Parents: ${parents.length ? parents.map(code).join(', ') : '*(base)*'}`,
    `Children: ${children.length ? children.map(code).join(', ') : '*(head)*'}`,
    `File: ${code(relative(snapshot, m.file))}`,
    `Status: ${state === 'no-status' ? escapeMarkdown(disconnectedText(snapshot.disconnected)) : STATE_TEXT[state]}`,
    status?.appliedAt ? `Applied: ${formatWhen(status.appliedAt)}` : '',
    ...problems.map((p) => `⚠ ${escapeMarkdown(p)}`),
  ].filter(Boolean).join('\n\n');
}

function missingRevision(revision: string): NodeView {
  return { label: revision, description: 'no longer in the chain', tooltip: code(revision), icon: ICONS.broken, contextValue: 'revision:broken' };
}

function relative(snapshot: FolderSnapshot, file: string): string {
  const rel = path.relative(snapshot.folder.fsPath, file);
  return rel.startsWith('..') ? file : rel;
}

function code(text: string): string {
  return '`' + text.replace(/`/g, "'") + '`';
}

export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, (c) => `\\${c}`);
}
