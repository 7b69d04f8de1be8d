// The chain tree as plain data. Nodes are keys (folder + revision), never copies of state: the
// provider looks the snapshot up again on every render, so the tree is always a view of the latest
// refresh. Node objects are also the arguments item commands receive (see commands/args.ts).
import * as path from 'path';
import type { ChainDiagnostic } from '../../core/errors';
import type { Migration } from '../core';
import {
  disconnectedText, displayState, formatWhen, missingParents, revisionProblems, revisionStatus, shortRevision,
  type DisplayState, type FolderSnapshot,
} from '../snapshot';
import { adviceTitle, headAdvice, movedHead } from '../head-advice';

export type TreeNode =
  | { kind: 'folder'; id: string; folderUri: string }
  | { kind: 'revision'; id: string; folderUri: string; revision: string }
  | { kind: 'unknown'; id: string; folderUri: string; revision: string; nearest: string[] }
  | { kind: 'problem'; id: string; folderUri: string; diagnostic: ChainDiagnostic }
  | { kind: 'action'; id: string; folderUri: string; text: string; command: string }
  /** Advice for a pair of heads; `revision` is the head whose branch would move, `onto` the other (re-parent only). */
  | { kind: 'advice'; id: string; folderUri: string; heads: [string, string]; revision: string; onto?: string };

export interface IconView {
  id: string;
  color?: string;
}

export interface NodeView {
  label: string;
  description?: string;
  /** Markdown. */
  tooltip: string;
  icon: IconView;
  /** Menus in package.json key off this (`viewItem == …`). */
  contextValue: string;
  expanded?: boolean;
  /** Clicking opens this file at this 1-based line. */
  open?: { file: string; line: number };
  /** Clicking runs this command with the node as argument. */
  command?: string;
}

export function folderNode(snapshot: FolderSnapshot): TreeNode {
  return { kind: 'folder', id: `folder:${snapshot.folder.uri}`, folderUri: snapshot.folder.uri };
}

/** Heads first, like `alembic history`: unknown-to-files revisions, the chain newest to oldest, unparseable files. */
export function childNodes(snapshot: FolderSnapshot): TreeNode[] {
  const folderUri = snapshot.folder.uri;
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
  for (const revision of headsFirst(snapshot)) {
    nodes.push({ kind: 'revision', id: `revision:${folderUri}:${revision}`, folderUri, revision });
  }
  const parsedFiles = new Set(snapshot.chain.migrations.map((m) => m.file));
  snapshot.chain.diagnostics
    .filter((d) => d.severity === 'error' && d.file && !parsedFiles.has(d.file))
    .forEach((diagnostic, i) => nodes.push({ kind: 'problem', id: `problem:${folderUri}:${i}:${diagnostic.file}`, folderUri, diagnostic }));
  return nodes;
}

/** Reverse topological order; revisions the graph leaves out (cycles) follow in file order. */
export function headsFirst(snapshot: FolderSnapshot): string[] {
  const chain = snapshot.chain;
  if (!chain) return [];
  const order = chain.graph.topologicalOrder().slice().reverse();
  const seen = new Set(order);
  for (const m of chain.migrations) if (!seen.has(m.revision)) { order.push(m.revision); seen.add(m.revision); }
  return order;
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
  }
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
  const lines = [`**${escapeMarkdown(snapshot.folder.name)}**`];
  if (snapshot.migrationsDir) lines.push(`Migrations: ${code(relative(snapshot, snapshot.migrationsDir))}${snapshot.alembicDir ? ' (Alembic project)' : ''}`);
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

  const problems = revisionProblems(chain, m.revision);
  const tooltip = [
    `**${escapeMarkdown(m.message || '(no message)')}**`,
    `Revision: ${code(m.revision)}`,
    `Parents: ${parents.length ? parents.map(code).join(', ') : '*(base)*'}`,
    `Children: ${children.length ? children.map(code).join(', ') : '*(head)*'}`,
    `File: ${code(relative(snapshot, m.file))}`,
    `Status: ${state === 'no-status' ? escapeMarkdown(disconnectedText(snapshot.disconnected)) : STATE_TEXT[state]}`,
    status?.appliedAt ? `Applied: ${formatWhen(status.appliedAt)}` : '',
    ...problems.map((p) => `⚠ ${escapeMarkdown(p)}`),
  ].filter(Boolean).join('\n\n');

  return {
    label: m.message || m.revision,
    description,
    tooltip,
    icon: ICONS[state],
    contextValue: `revision:${state}`,
    open: { file: m.file, line: m.revisionLine },
  };
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
