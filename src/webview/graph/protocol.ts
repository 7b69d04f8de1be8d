// The revision graph webview's message protocol, both directions, with the checks each side runs
// on what it receives: a message is input like any other (the webview could be sent anything,
// and the extension host must never act on a malformed request). No vscode, no DOM: the
// extension, the webview bundle and the unit tests all import this.
import type { GraphNodeKind, LaneTitle, LayoutEdge } from '../../core/graph-view/layout';
import type { MarkTone, NodeMark } from '../../core/graph-view/marks';

/** One node card as the webview draws it. */
export interface GraphViewNode {
  id: string;
  kind: GraphNodeKind;
  revision?: string;
  row: number;
  lane: number;
  message: string;
  head: boolean;
  base: boolean;
  merge: boolean;
  branchPoint: boolean;
  labels: string[];
  problems: string[];
  /** The file's path relative to the workspace folder. */
  file?: string;
  /** From git: who last changed the file and when (ISO date); absent when not committed. */
  author?: string;
  date?: string;
  /** Badges: current database, environments, lint, stairway. */
  marks: NodeMark[];
  /** Parents and children by node id (keyboard navigation and the screen-reader label). */
  parents: string[];
  children: string[];
  dependsOn: string[];
}

export interface GraphView {
  title: string;
  /** A sentence under the title: the database, the environments, how many revisions. */
  subtitle: string;
  nodes: GraphViewNode[];
  edges: LayoutEdge[];
  lanes: number;
  titles: LaneTitle[];
  /** The revision the view is focused on (its ancestors and descendants only), if any. */
  focus?: string;
  /** Node to select after this render (e.g. the tree item the graph was opened from). */
  select?: string;
}

/** Extension host → webview. */
export type HostMessage =
  | { type: 'graph'; view: GraphView }
  | { type: 'select'; id: string }
  | { type: 'busy'; text: string }
  /** Draw this SVG (the export's own text) on a canvas at `scale` and answer with a `png` message of the same id. */
  | { type: 'rasterize'; id: number; svg: string; width: number; height: number; scale: number };

/** Webview → extension host. */
export type WebviewMessage =
  | { type: 'ready' }
  /** Opens the node's file; `preserveFocus` keeps the keyboard in the graph (a click). */
  | { type: 'open'; id: string; preserveFocus?: boolean }
  | { type: 'focus'; id: string | null }
  | { type: 'reparent'; revision: string; onto?: string }
  | { type: 'removeParent'; revision: string }
  | { type: 'mergeHeads'; revision: string; other?: string }
  | { type: 'restore'; revision: string }
  | { type: 'exportSvg' }
  | { type: 'exportPng' }
  /** The answer to a `rasterize`: the PNG file's bytes in base64, or why the canvas could not make them. */
  | { type: 'png'; id: number; base64: string }
  | { type: 'png'; id: number; error: string }
  | { type: 'copyId'; id: string }
  | { type: 'refresh' };

const MAX_ID = 512;
/** A PNG of a canvas at Chromium's largest area, deflated, stays far below this; anything bigger is not ours. */
export const MAX_PNG_BASE64 = 256 * 1024 * 1024;
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A message from the webview, checked field by field; undefined for anything else. */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (!isRecord(raw) || typeof raw.type !== 'string') return undefined;
  switch (raw.type) {
    case 'ready': case 'exportSvg': case 'exportPng': case 'refresh':
      return { type: raw.type };
    case 'png':
      if (!isInt(raw.id, 1)) return undefined;
      if (typeof raw.base64 === 'string' && raw.base64.length <= MAX_PNG_BASE64 && /^[A-Za-z0-9+/]*={0,2}$/.test(raw.base64)) return { type: 'png', id: raw.id, base64: raw.base64 };
      if (typeof raw.error === 'string') return { type: 'png', id: raw.id, error: raw.error.slice(0, 2000) };
      return undefined;
    case 'copyId':
      return isId(raw.id) ? { type: 'copyId', id: raw.id } : undefined;
    case 'open': case 'restore':
      if (raw.type === 'open' && isId(raw.id) && (raw.preserveFocus === undefined || typeof raw.preserveFocus === 'boolean')) {
        return raw.preserveFocus === undefined ? { type: 'open', id: raw.id } : { type: 'open', id: raw.id, preserveFocus: raw.preserveFocus };
      }
      if (raw.type === 'restore' && isId(raw.revision)) return { type: 'restore', revision: raw.revision };
      return undefined;
    case 'focus':
      return raw.id === null || isId(raw.id) ? { type: 'focus', id: raw.id } : undefined;
    case 'reparent':
      if (!isId(raw.revision) || (raw.onto !== undefined && !isId(raw.onto)) || raw.onto === raw.revision) return undefined;
      return raw.onto === undefined ? { type: 'reparent', revision: raw.revision } : { type: 'reparent', revision: raw.revision, onto: raw.onto };
    case 'removeParent':
      return isId(raw.revision) ? { type: 'removeParent', revision: raw.revision } : undefined;
    case 'mergeHeads':
      if (!isId(raw.revision) || (raw.other !== undefined && !isId(raw.other))) return undefined;
      return raw.other === undefined ? { type: 'mergeHeads', revision: raw.revision } : { type: 'mergeHeads', revision: raw.revision, other: raw.other };
    default:
      return undefined;
  }
}

const KINDS: readonly string[] = ['revision', 'missing', 'unparsed'];
const TONES: readonly MarkTone[] = ['applied', 'pending', 'edited', 'unknown', 'error', 'ok'];
const isInt = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function checkNode(n: unknown): n is GraphViewNode {
  if (!isRecord(n)) return false;
  return isId(n.id) && typeof n.kind === 'string' && KINDS.includes(n.kind) && isInt(n.row) && isInt(n.lane)
    && typeof n.message === 'string' && typeof n.head === 'boolean' && typeof n.merge === 'boolean'
    && isStrings(n.labels) && isStrings(n.problems) && isStrings(n.parents) && isStrings(n.children) && isStrings(n.dependsOn)
    && Array.isArray(n.marks) && n.marks.every((m) => isRecord(m) && typeof m.text === 'string' && typeof m.title === 'string' && TONES.includes(m.tone as MarkTone))
    && (n.author === undefined || typeof n.author === 'string') && (n.date === undefined || typeof n.date === 'string');
}

/** A message from the extension host, checked before the webview draws it; undefined otherwise. */
export function parseHostMessage(raw: unknown): HostMessage | undefined {
  if (!isRecord(raw)) return undefined;
  if (raw.type === 'select') return isId(raw.id) ? { type: 'select', id: raw.id } : undefined;
  if (raw.type === 'busy') return typeof raw.text === 'string' ? { type: 'busy', text: raw.text } : undefined;
  if (raw.type === 'rasterize') {
    const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
    return isInt(raw.id, 1) && typeof raw.svg === 'string' && raw.svg.startsWith('<svg') && positive(raw.width) && positive(raw.height) && positive(raw.scale)
      ? { type: 'rasterize', id: raw.id, svg: raw.svg, width: raw.width, height: raw.height, scale: raw.scale }
      : undefined;
  }
  if (raw.type !== 'graph' || !isRecord(raw.view)) return undefined;
  const v = raw.view;
  if (typeof v.title !== 'string' || typeof v.subtitle !== 'string' || !isInt(v.lanes) || !Array.isArray(v.nodes) || !Array.isArray(v.edges) || !Array.isArray(v.titles)) return undefined;
  if (!v.nodes.every(checkNode)) return undefined;
  const count = v.nodes.length;
  const edgeOk = (e: unknown) => isRecord(e) && isInt(e.from) && isInt(e.to) && e.from < count && e.to < count
    && (e.kind === 'parent' || e.kind === 'depends_on') && isInt(e.lane, -1);
  if (!v.edges.every(edgeOk)) return undefined;
  if (!v.titles.every((t) => isRecord(t) && isInt(t.lane) && isInt(t.row) && typeof t.text === 'string')) return undefined;
  if (v.focus !== undefined && !isId(v.focus)) return undefined;
  if (v.select !== undefined && !isId(v.select)) return undefined;
  return { type: 'graph', view: v as unknown as GraphView };
}
