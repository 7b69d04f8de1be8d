// What the graph webview draws, as pure functions of the view and the viewport (no DOM): only the
// rows on screen become elements, so 10,000 revisions cost the same per frame as 30. The webview
// script puts these strings into the page; the unit tests and the bench call them in Node.
import { edgePath, GEOMETRY, laneX, shortId } from '../../core/graph-view/export';
import { MARK_GLYPH } from '../../core/graph-view/marks';
import type { GraphView, GraphViewNode } from './protocol';

export { GEOMETRY, laneX };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Rows drawn above and below the visible ones, so a quick scroll does not show blanks. */
export const OVERSCAN = 8;
export const CARD_WIDTH = 560;
export const TOP = 12;

export function canvasSize(view: GraphView): { width: number; height: number } {
  return { width: Math.ceil(cardLeft(view) + CARD_WIDTH + GEOMETRY.margin), height: TOP + view.nodes.length * GEOMETRY.row + GEOMETRY.margin };
}

export function cardLeft(view: Pick<GraphView, 'lanes'>): number {
  return laneX(Math.max(view.lanes, 1)) + GEOMETRY.textGap;
}

/** First and last row (inclusive) inside the viewport, at a zoom factor, with overscan. */
export function visibleRows(view: GraphView, scrollTop: number, height: number, zoom: number): [number, number] {
  const rowPx = GEOMETRY.row * zoom;
  const first = Math.max(0, Math.floor((scrollTop / zoom - TOP) / GEOMETRY.row) - OVERSCAN);
  const last = Math.min(view.nodes.length - 1, Math.ceil((scrollTop + height) / rowPx) + OVERSCAN);
  return [first, last];
}

function flags(n: GraphViewNode): string[] {
  if (n.kind === 'missing') return ['missing parent'];
  if (n.kind === 'unparsed') return ['not readable'];
  return [n.head ? 'head' : '', n.merge ? 'merge' : '', n.branchPoint ? 'branch point' : '', n.base ? 'base' : ''].filter(Boolean);
}

const indexes = new WeakMap<GraphView, Map<string, GraphViewNode>>();

/** Node by id (built once per view). */
export function byId(view: GraphView): Map<string, GraphViewNode> {
  let index = indexes.get(view);
  if (!index) {
    index = new Map(view.nodes.map((n) => [n.id, n]));
    indexes.set(view, index);
  }
  return index;
}

/** The id shown on a card: the short revision id, or a file's name. */
export function shortLabel(n: GraphViewNode): string {
  if (n.kind === 'unparsed') return (n.file ?? n.id).split(/[\\/]/).pop() ?? n.id;
  return shortId(n.revision ?? n.id);
}

/** The sentence a screen reader reads for a node: what it is, its badges and every edge. */
export function nodeLabel(view: GraphView, n: GraphViewNode): string {
  const name = (id: string) => byId(view).get(id)?.revision ?? id;
  const parts = [
    `${n.kind === 'unparsed' ? 'File' : 'Revision'} ${n.revision ?? n.file ?? n.id}${flags(n).length ? ` (${flags(n).join(', ')})` : ''}: ${n.message}`,
  ];
  if (n.labels.length) parts.push(`branch ${n.labels.join(', ')}`);
  if (n.author) parts.push(`last changed by ${n.author}${n.date ? ` on ${n.date.slice(0, 10)}` : ''}`);
  if (n.marks.length) parts.push(n.marks.map((m) => m.title).join('; '));
  if (n.problems.length) parts.push(`${n.problems.length} problem${n.problems.length === 1 ? '' : 's'}: ${n.problems.join('; ')}`);
  parts.push(n.parents.length ? `parent${n.parents.length === 1 ? '' : 's'} ${n.parents.map(name).join(', ')}` : 'no parent');
  if (n.children.length) parts.push(`child${n.children.length === 1 ? '' : 'ren'} ${n.children.map(name).join(', ')}`);
  if (n.dependsOn.length) parts.push(`depends on ${n.dependsOn.map(name).join(', ')}`);
  return `${parts.join('. ')}.`;
}

function markHtml(n: GraphViewNode): string {
  const marks = n.marks.map((m) => `<span class="mark ${m.tone}" title="${escapeHtml(m.title)}">${escapeHtml(m.text)}</span>`);
  if (n.problems.length && n.kind === 'revision') {
    marks.push(`<span class="mark error" title="${escapeHtml(n.problems.join('\n'))}">${MARK_GLYPH.error} ${n.problems.length} problem${n.problems.length === 1 ? '' : 's'}</span>`);
  }
  return marks.join('');
}

/**
 * Where a card goes. The script sets it through the CSSOM after inserting the HTML: the
 * Content-Security-Policy allows no inline style attributes.
 */
export function cardBox(view: Pick<GraphView, 'lanes'>, row: number): { top: number; left: number; width: number } {
  return { top: TOP + row * GEOMETRY.row + 3, left: cardLeft(view), width: CARD_WIDTH };
}

/** One node card (absolutely placed by cardBox), with its dot in the lane drawn by the edge layer. */
export function nodeHtml(view: GraphView, n: GraphViewNode, selected: boolean, matched: boolean): string {
  const when = n.date ? n.date.slice(0, 10) : '';
  const who = n.author ? `${escapeHtml(n.author)}${when ? ` · ${escapeHtml(when)}` : ''}` : n.kind === 'revision' ? 'not committed' : '';
  const second = n.kind === 'revision' ? n.message : n.problems[0] ?? n.message;
  const classes = ['card', n.kind, selected ? 'selected' : '', matched ? 'match' : '', n.problems.length ? 'broken' : ''].filter(Boolean).join(' ');
  return `<div class="${classes}" role="treeitem" id="node-${escapeHtml(cssId(n.id))}" data-id="${escapeHtml(n.id)}" tabindex="${selected ? 0 : -1}"`
    + ` aria-selected="${selected}" aria-label="${escapeHtml(nodeLabel(view, n))}" data-row="${n.row}">`
    + `<div class="line1"><code class="rid">${escapeHtml(shortLabel(n))}</code>`
    + flags(n).map((f) => `<span class="flag">${escapeHtml(f)}</span>`).join('')
    + n.labels.map((l) => `<span class="label">${escapeHtml(l)}</span>`).join('')
    + `<span class="who">${who}</span></div>`
    + `<div class="line2"><span class="msg">${escapeHtml(second)}</span>${markHtml(n)}</div></div>`;
}

/** Element ids may not hold every character a revision id or a path can. */
export function cssId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`);
}

/** The lane picture of rows first..last: every edge that crosses them, the dots, the lane titles. */
export function edgesSvg(view: GraphView, first: number, last: number): string {
  const parts: string[] = [];
  for (const t of view.titles) {
    if (t.row < first || t.row > last) continue;
    parts.push(`<text class="lane-title" x="${laneX(t.lane)}" y="${TOP + t.row * GEOMETRY.row + 8}" text-anchor="middle">${escapeHtml(t.text)}</text>`);
  }
  for (const e of view.edges) {
    const a = view.nodes[e.from].row;
    const b = view.nodes[e.to].row;
    if (Math.max(a, b) < first || Math.min(a, b) > last) continue;
    parts.push(`<path class="edge ${e.kind}" d="${edgePath(view, e, TOP)}"/>`);
  }
  for (let r = first; r <= last; r++) {
    const n = view.nodes[r];
    if (!n) continue;
    const x = laneX(n.lane);
    const y = TOP + n.row * GEOMETRY.row + GEOMETRY.row / 2;
    parts.push(n.merge
      ? `<rect class="dot merge" x="${x - GEOMETRY.radius}" y="${y - GEOMETRY.radius}" width="${GEOMETRY.radius * 2}" height="${GEOMETRY.radius * 2}" transform="rotate(45 ${x} ${y})"/>`
      : `<circle class="dot ${n.kind}${n.head ? ' head' : ''}" cx="${x}" cy="${y}" r="${GEOMETRY.radius}"/>`);
  }
  return parts.join('');
}

/** Node ids whose revision id, message, file or labels contain `query` (case-insensitive). */
export function searchNodes(view: GraphView, query: string): string[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  return view.nodes.filter((n) => [n.revision ?? '', n.message, n.file ?? '', ...n.labels].some((s) => s.toLowerCase().includes(q))).map((n) => n.id);
}

export type Move = 'parent' | 'child' | 'next-lane' | 'previous-lane' | 'up' | 'down' | 'first' | 'last';

/**
 * Keyboard navigation along the graph: to the first parent / child (along an edge), to the nearest
 * node in the next lane right or left, or to the row above / below.
 */
export function moveFrom(view: GraphView, id: string, move: Move): string | undefined {
  const n = byId(view).get(id);
  if (!n) return view.nodes[0]?.id;
  switch (move) {
    case 'parent': return n.parents[0] ?? view.nodes[n.row + 1]?.id;
    case 'child': return n.children[0] ?? view.nodes[n.row - 1]?.id;
    case 'up': return view.nodes[n.row - 1]?.id;
    case 'down': return view.nodes[n.row + 1]?.id;
    case 'first': return view.nodes[0]?.id;
    case 'last': return view.nodes[view.nodes.length - 1]?.id;
    case 'next-lane': case 'previous-lane': {
      const step = move === 'next-lane' ? 1 : -1;
      let best: GraphViewNode | undefined;
      for (let lane = n.lane + step; lane >= 0 && lane < view.lanes && !best; lane += step) {
        for (const x of view.nodes) {
          if (x.lane !== lane) continue;
          // The nearest row; on a tie the one below (further into the history), so moves are predictable.
          if (!best || Math.abs(x.row - n.row) <= Math.abs(best.row - n.row)) best = x;
        }
      }
      return best?.id;
    }
  }
}
