// The laid-out graph as text for a pull request, a design doc or a CI artifact: Graphviz DOT,
// Mermaid (renders in GitHub markdown) and a self-contained SVG drawn from our own layout, with
// the environment marks. Every label passes through its format's escaping.
import type { GraphLayout, LayoutEdge, LayoutNode } from './layout';
import { MARK_GLYPH, type NodeMarks } from './marks';

export type ExportFormat = 'svg' | 'dot' | 'mermaid';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['svg', 'dot', 'mermaid'];

/** Hex ids are cut to 12 like git's; a hand-written id (`add_users`) is shown whole. */
export function shortId(id: string): string {
  return id.length > 12 && /^[0-9a-f]+$/i.test(id) ? id.slice(0, 12) : id;
}

function nodeCaption(n: LayoutNode): string {
  if (n.kind === 'unparsed') return `${n.file ?? '?'} (not a readable migration)`;
  const id = shortId(n.revision ?? n.id);
  if (n.kind === 'missing') return `${id} (missing)`;
  const flags = [n.head ? 'head' : '', n.merge ? 'merge' : '', n.branchPoint ? 'branch point' : '', n.base ? 'base' : ''].filter(Boolean);
  return `${id}${flags.length ? ` (${flags.join(', ')})` : ''}`;
}

function markLine(marks: NodeMarks | undefined, n: LayoutNode): string {
  return (marks?.get(n.id) ?? []).map((m) => m.text).join(' · ');
}

// --- DOT ----------------------------------------------------------------------------------------

/** A DOT double-quoted string: backslash and quote escaped, line breaks as \n. */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

export function toDot(layout: GraphLayout, marks?: NodeMarks): string {
  const lines = ['digraph migration_chain {', '  rankdir=TB;', '  node [shape=box, style=rounded, fontname="Helvetica"];'];
  for (const n of layout.nodes) {
    const label = [nodeCaption(n), n.kind === 'revision' ? n.message : n.problems[0] ?? n.message, markLine(marks, n)].filter(Boolean).join('\n');
    const attrs = [`label=${dotString(label)}`];
    if (n.kind !== 'revision') attrs.push('style="rounded,dashed"');
    if (n.labels.length) attrs.push(`xlabel=${dotString(n.labels.join(', '))}`);
    lines.push(`  ${dotString(n.id)} [${attrs.join(', ')}];`);
  }
  for (const e of layout.edges) {
    const attrs = e.kind === 'depends_on' ? ' [style=dashed, label="depends_on"]' : '';
    lines.push(`  ${dotString(layout.nodes[e.from].id)} -> ${dotString(layout.nodes[e.to].id)}${attrs};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

// --- Mermaid ------------------------------------------------------------------------------------

/** Mermaid's entity codes: a label may hold quotes, brackets and markup characters safely. */
export function mermaidText(text: string): string {
  return text.replace(/[#"<>&\r\n[\]{}()|`]/g, (c) => (c === '\n' ? '<br/>' : c === '\r' ? '' : `#${c.charCodeAt(0)};`));
}

export function toMermaid(layout: GraphLayout, marks?: NodeMarks): string {
  const lines = ['flowchart TB'];
  layout.nodes.forEach((n, i) => {
    const parts = [nodeCaption(n), n.kind === 'revision' ? n.message : n.problems[0] ?? n.message, markLine(marks, n)].filter(Boolean);
    lines.push(`  n${i}["${parts.map(mermaidText).join('<br/>')}"]`);
    if (n.kind !== 'revision') lines.push(`  class n${i} ghost`);
  });
  for (const e of layout.edges) lines.push(`  n${e.from} ${e.kind === 'depends_on' ? '-. depends_on .->' : '-->'} n${e.to}`);
  lines.push('  classDef ghost stroke-dasharray: 5 5');
  return `${lines.join('\n')}\n`;
}

// --- SVG ----------------------------------------------------------------------------------------

export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Geometry shared by the SVG export and the editor's webview, so both draw the same picture. */
export const GEOMETRY = { row: 44, lane: 22, margin: 16, radius: 6, textGap: 18 } as const;

export function laneX(lane: number): number {
  return GEOMETRY.margin + lane * GEOMETRY.lane + GEOMETRY.lane / 2;
}
export function rowY(row: number, top: number = GEOMETRY.margin): number {
  return top + row * GEOMETRY.row + GEOMETRY.row / 2;
}

/** What edgePath needs of a layout (the webview's view has the same shape). */
export interface Placed {
  nodes: readonly { row: number; lane: number }[];
  lanes: number;
}

/**
 * An edge's path: from the child down its travel lane to the parent's row, bending into the
 * parent's lane at the end (a branch point) or out of the child's at the start (a merge's second
 * parent). depends_on and back edges are one curve.
 */
export function edgePath(layout: Placed, e: LayoutEdge, top: number = GEOMETRY.margin): string {
  const a = layout.nodes[e.from];
  const b = layout.nodes[e.to];
  const x1 = laneX(a.lane); const y1 = rowY(a.row, top);
  const x2 = laneX(b.lane); const y2 = rowY(b.row, top);
  const half = GEOMETRY.row / 2;
  if (e.lane < 0) {
    const bulge = laneX(layout.lanes) + GEOMETRY.lane * 0.5;
    return `M${x1} ${y1} C${bulge} ${y1} ${bulge} ${y2} ${x2} ${y2}`;
  }
  const xt = laneX(e.lane);
  const parts = [`M${x1} ${y1}`];
  if (xt !== x1) parts.push(`C${x1} ${y1 + half} ${xt} ${y1} ${xt} ${y1 + half}`);
  if (xt !== x2) {
    parts.push(`L${xt} ${y2 - half}`, `C${xt} ${y2} ${x2} ${y2 - half} ${x2} ${y2}`);
  } else {
    parts.push(`L${x2} ${y2}`);
  }
  return parts.join(' ');
}

export interface SvgOptions {
  marks?: NodeMarks;
  title?: string;
}

const TONE_FILL: Record<string, string> = {
  applied: '#2e7d32', ok: '#2e7d32', pending: '#a86400', edited: '#b35c00', unknown: '#666666', error: '#c62828',
};

/** The SVG's size in CSS pixels (its width and height attributes), and where its rows start. */
export function svgSize(layout: GraphLayout, opts: SvgOptions = {}): { width: number; height: number; top: number } {
  const top = GEOMETRY.margin + (opts.title ? 24 : 0) + 14;
  const textX = laneX(Math.max(layout.lanes, 1)) + GEOMETRY.textGap;
  const longest = layout.nodes.reduce((w, n) => Math.max(w, n.message.length + markLine(opts.marks, n).length + 20), 40);
  const width = Math.ceil(textX + Math.min(longest, 160) * 7 + GEOMETRY.margin);
  const height = top + layout.nodes.length * GEOMETRY.row + GEOMETRY.margin;
  return { width, height, top };
}

/**
 * Browsers refuse a canvas side over 32,767 pixels or an area over 2^28 (Chromium's limits, which
 * the editor's webview has), and a raster of the whole of a long chain is mostly empty margin at
 * full size anyway. The PNG export (the webview's canvas and the CLI's resvg alike) draws at
 * `preferred` (2: sharp on a high-density screen) unless that would pass those limits; then at
 * the largest scale that fits, which the caller reports.
 */
export const PNG_LIMITS = { side: 32_767, area: 268_435_456 } as const;
export function pngScale(size: { width: number; height: number }, preferred = 2): number {
  const fit = Math.min(preferred, PNG_LIMITS.side / size.width, PNG_LIMITS.side / size.height, Math.sqrt(PNG_LIMITS.area / (size.width * size.height)));
  // Rounded down to 1/1000 so that width × scale and height × scale never round past a limit.
  return Math.floor(fit * 1000) / 1000;
}

/** A standalone SVG (no scripts, no external resources) of the whole layout. */
export function toSvg(layout: GraphLayout, opts: SvgOptions = {}): string {
  const { width, height, top } = svgSize(layout, opts);
  const textX = laneX(Math.max(layout.lanes, 1)) + GEOMETRY.textGap;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${xmlEscape(opts.title ?? 'Migration chain')}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${xmlEscape(opts.title ?? 'Migration chain')}</title>`,
    '<rect width="100%" height="100%" fill="#ffffff"/>',
  ];
  if (opts.title) out.push(`<text x="${GEOMETRY.margin}" y="${GEOMETRY.margin + 14}" font-size="15" font-weight="bold">${xmlEscape(opts.title)}</text>`);
  for (const t of layout.titles) {
    out.push(`<text class="lane-title" x="${laneX(t.lane)}" y="${rowY(t.row, top) - GEOMETRY.row / 2 + 2}" font-size="10" fill="#555555" text-anchor="middle">${xmlEscape(t.text)}</text>`);
  }
  out.push('<g fill="none" stroke="#7a7a7a" stroke-width="1.5">');
  for (const e of layout.edges) {
    const from = layout.nodes[e.from].id; const to = layout.nodes[e.to].id;
    out.push(`<path class="edge ${e.kind}" d="${edgePath(layout, e, top)}"${e.kind === 'depends_on' ? ' stroke-dasharray="4 3"' : ''}><title>${xmlEscape(`${from} → ${to} (${e.kind === 'parent' ? 'parent' : 'depends_on'})`)}</title></path>`);
  }
  out.push('</g>');
  for (const n of layout.nodes) {
    const x = laneX(n.lane); const y = rowY(n.row, top);
    const ghost = n.kind !== 'revision';
    out.push(`<g class="node ${n.kind}" data-id="${xmlEscape(n.id)}">`);
    out.push(`<title>${xmlEscape([nodeCaption(n), n.message, ...n.problems].join('\n'))}</title>`);
    out.push(n.merge
      ? `<rect x="${x - GEOMETRY.radius}" y="${y - GEOMETRY.radius}" width="${GEOMETRY.radius * 2}" height="${GEOMETRY.radius * 2}" transform="rotate(45 ${x} ${y})" fill="#ffffff" stroke="#333333" stroke-width="2"/>`
      : `<circle cx="${x}" cy="${y}" r="${GEOMETRY.radius}" fill="${ghost ? '#ffffff' : n.head ? '#1f4e79' : '#333333'}" stroke="${n.problems.length ? '#c62828' : '#333333'}" stroke-width="2"${ghost ? ' stroke-dasharray="3 2"' : ''}/>`);
    const label = n.labels.length ? ` [${n.labels.join(', ')}]` : '';
    out.push(`<text x="${textX}" y="${y - 4}" font-weight="bold">${xmlEscape(nodeCaption(n) + label)}</text>`);
    const second = n.kind === 'revision' ? n.message : n.problems[0] ?? n.message;
    let line = `<tspan fill="#333333">${xmlEscape(second.length > 90 ? `${second.slice(0, 89)}…` : second)}</tspan>`;
    for (const m of opts.marks?.get(n.id) ?? []) {
      line += `<tspan dx="8" fill="${TONE_FILL[m.tone]}" font-weight="bold">${xmlEscape(m.text)}</tspan>`;
    }
    if (n.kind === 'revision' && n.problems.length) line += `<tspan dx="8" fill="${TONE_FILL.error}" font-weight="bold">${xmlEscape(`${MARK_GLYPH.error} ${n.problems.length} problem${n.problems.length === 1 ? '' : 's'}`)}</tspan>`;
    out.push(`<text x="${textX}" y="${y + 11}">${line}</text>`);
    out.push('</g>');
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

export function renderGraph(format: ExportFormat, layout: GraphLayout, opts: SvgOptions = {}): string {
  switch (format) {
    case 'dot': return toDot(layout, opts.marks);
    case 'mermaid': return toMermaid(layout, opts.marks);
    case 'svg': return toSvg(layout, opts);
  }
}
