// The revision graph webview's script (bundled alone to dist/webview/graph.js, loaded only when
// the graph opens). It draws what render.ts returns for the rows on screen, and turns clicks,
// keys and drags into protocol messages; every decision about the chain is the extension's.
import { parseHostMessage, type GraphView, type HostMessage, type WebviewMessage } from './protocol';
import { firstEnabled, menuKey, nodeActions, type ActionId, type NodeAction } from './menu';
import {
  byId, canvasSize, cardBox, cssId, edgesSvg, moveFrom, nodeHtml, searchNodes, visibleRows, GEOMETRY, TOP, type Move,
} from './render';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface Saved { selected?: string; zoom?: number; query?: string }

const vscode = acquireVsCodeApi();
const saved = (vscode.getState() ?? {}) as Saved;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const viewport = $<HTMLDivElement>('viewport');
const sizer = $<HTMLDivElement>('sizer');
const layer = $<HTMLDivElement>('layer');
const edges = document.getElementById('edges') as unknown as SVGSVGElement;
const cards = $<HTMLDivElement>('cards');
const search = $<HTMLInputElement>('search');
const status = $<HTMLSpanElement>('status');
const title = $<HTMLHeadingElement>('title');
const subtitle = $<HTMLParagraphElement>('subtitle');

let view: GraphView | undefined;
let selected = saved.selected;
let zoom = saved.zoom ?? 1;
let matches: string[] = [];
let matchSet = new Set<string>();
let frame = 0;

function save(): void {
  vscode.setState({ selected, zoom, query: search.value } satisfies Saved);
}

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

/** Draws the rows on screen (and only those). */
function draw(): void {
  frame = 0;
  if (!view) return;
  const size = canvasSize(view);
  sizer.style.width = `${size.width * zoom}px`;
  sizer.style.height = `${size.height * zoom}px`;
  layer.style.transform = `scale(${zoom})`;
  cards.style.width = `${size.width}px`;
  cards.style.height = `${size.height}px`;
  edges.setAttribute('width', String(size.width));
  edges.setAttribute('height', String(size.height));
  const [first, last] = visibleRows(view, viewport.scrollTop, viewport.clientHeight, zoom);
  edges.innerHTML = edgesSvg(view, first, last);
  const html: string[] = [];
  for (let r = first; r <= last; r++) {
    const n = view.nodes[r];
    if (n) html.push(nodeHtml(view, n, n.id === selected, matchSet.has(n.id)));
  }
  const hadFocus = cards.contains(document.activeElement);
  cards.innerHTML = html.join('');
  // Placed through the CSSOM: the Content-Security-Policy forbids style attributes in the markup.
  for (const el of Array.from(cards.children) as HTMLElement[]) {
    const box = cardBox(view, Number(el.dataset.row));
    el.style.top = `${box.top}px`;
    el.style.left = `${box.left}px`;
    el.style.width = `${box.width}px`;
  }
  if (hadFocus && selected) document.getElementById(`node-${cssId(selected)}`)?.focus({ preventScroll: true });
}

function schedule(): void {
  if (!frame) frame = requestAnimationFrame(draw);
}

/** The action bar's button of each action (Copy revision id is in the menu only). */
const BUTTONS: Partial<Record<ActionId, string>> = {
  open: 'act-open', focus: 'act-focus', reparent: 'act-reparent', merge: 'act-merge', unlink: 'act-unlink', restore: 'act-restore',
};

function updateActions(): void {
  const n = view && selected ? byId(view).get(selected) : undefined;
  const actions = view && selected ? nodeActions(view, selected) : [];
  // Disabled rather than hidden: the bar keeps its size, so the cards never move under the pointer.
  for (const [action, button] of Object.entries(BUTTONS)) {
    $<HTMLButtonElement>(button).disabled = !actions.find((a) => a.id === action)?.enabled;
  }
  $<HTMLSpanElement>('act-name').textContent = n ? n.revision ?? n.file ?? n.id : 'none';
}

// The node's context menu: right-click, Shift+F10 or the context-menu key on a card. The same
// actions as the action bar (menu.ts); role=menu, arrow keys, Escape closes and the card gets the
// keyboard back.
const menu = $<HTMLDivElement>('menu');
let menuFor: { id: string; actions: NodeAction[] } | undefined;

function menuItems(): HTMLElement[] {
  return Array.from(menu.children) as HTMLElement[];
}

function openMenu(id: string, at: { x: number; y: number }): void {
  if (!view) return;
  const actions = nodeActions(view, id);
  if (!actions.length) return;
  menuFor = { id, actions };
  menu.replaceChildren(...actions.map((a, i) => {
    const item = document.createElement('div');
    item.className = 'menuitem';
    item.setAttribute('role', 'menuitem');
    item.tabIndex = -1;
    item.dataset.index = String(i);
    if (!a.enabled) item.setAttribute('aria-disabled', 'true');
    item.textContent = a.label;
    return item;
  }));
  const n = byId(view).get(id);
  menu.setAttribute('aria-label', `Actions on ${n?.revision ?? n?.file ?? id}`);
  menu.hidden = false;
  // Kept inside the window (through the CSSOM: the CSP allows no style attributes).
  const box = menu.getBoundingClientRect();
  menu.style.left = `${Math.max(0, Math.min(at.x, window.innerWidth - box.width - 4))}px`;
  menu.style.top = `${Math.max(0, Math.min(at.y, window.innerHeight - box.height - 4))}px`;
  menuItems()[firstEnabled(actions)]?.focus();
}

function closeMenu(returnFocus: boolean): void {
  if (!menuFor) return;
  const id = menuFor.id;
  menuFor = undefined;
  menu.hidden = true;
  menu.replaceChildren();
  if (returnFocus) document.getElementById(`node-${cssId(id)}`)?.focus({ preventScroll: false });
}

function choose(index: number): void {
  const action = menuFor?.actions[index];
  if (!action?.enabled) return;
  closeMenu(true);
  post(action.message);
}

function openMenuOnCard(card: HTMLElement, pointer?: { x: number; y: number }): void {
  const id = card.dataset.id;
  if (!id) return;
  if (id !== selected) select(id, true);
  const rect = card.getBoundingClientRect();
  openMenu(id, pointer ?? { x: rect.left + 24, y: rect.bottom });
}

menu.addEventListener('keydown', (e) => {
  if (!menuFor) return;
  const at = menuItems().indexOf(document.activeElement as HTMLElement);
  const step = menuKey(menuFor.actions, Math.max(0, at), e.key);
  if (step.kind === 'none') return;
  e.preventDefault();
  e.stopPropagation();
  if (step.kind === 'move') menuItems()[step.index]?.focus();
  else if (step.kind === 'activate') choose(step.index);
  else closeMenu(step.returnFocus);
});
menu.addEventListener('click', (e) => {
  const item = e.target instanceof Element ? e.target.closest<HTMLElement>('.menuitem') : null;
  if (item) choose(Number(item.dataset.index));
});
menu.addEventListener('contextmenu', (e) => e.preventDefault());
// A pointer press anywhere else closes it; so does the keyboard leaving it (focus moved elsewhere).
window.addEventListener('pointerdown', (e) => {
  if (menuFor && !(e.target instanceof Node && menu.contains(e.target))) closeMenu(false);
}, true);
menu.addEventListener('focusout', (e) => {
  if (menuFor && !(e.relatedTarget instanceof Node && menu.contains(e.relatedTarget))) closeMenu(false);
});
cards.addEventListener('contextmenu', (e) => {
  const card = cardOf(e.target);
  if (!card) return;
  e.preventDefault();
  // The context-menu key and Shift+F10 also fire this event, at the card's corner or at (0, 0): placed under the card then.
  openMenuOnCard(card, e.button === 2 && (e.clientX || e.clientY) ? { x: e.clientX, y: e.clientY } : undefined);
});

/** Selects a node, scrolls it into view, and gives it keyboard focus when asked. */
function select(id: string | undefined, focus: boolean): void {
  if (!view || !id) return;
  const n = byId(view).get(id);
  if (!n) return;
  selected = id;
  save();
  const y = (TOP + n.row * GEOMETRY.row) * zoom;
  if (y < viewport.scrollTop || y + GEOMETRY.row * zoom > viewport.scrollTop + viewport.clientHeight) {
    viewport.scrollTop = Math.max(0, y - viewport.clientHeight / 3);
  }
  draw();
  updateActions();
  if (focus) document.getElementById(`node-${cssId(id)}`)?.focus({ preventScroll: true });
}

function setZoom(z: number): void {
  const next = Math.min(2, Math.max(0.05, z));
  const centre = (viewport.scrollTop + viewport.clientHeight / 2) / zoom;
  zoom = next;
  viewport.scrollTop = centre * zoom - viewport.clientHeight / 2;
  save();
  draw();
  status.textContent = `Zoom ${Math.round(zoom * 100)}%`;
}

function fit(): void {
  if (!view) return;
  const size = canvasSize(view);
  setZoom(Math.min(viewport.clientWidth / size.width, viewport.clientHeight / size.height, 1));
}

function runSearch(): void {
  if (!view) return;
  matches = searchNodes(view, search.value);
  matchSet = new Set(matches);
  status.textContent = search.value.trim() ? `${matches.length} match${matches.length === 1 ? '' : 'es'}` : '';
  save();
  draw();
}

function nextMatch(step: number): void {
  if (!matches.length) return;
  const at = selected ? matches.indexOf(selected) : -1;
  select(matches[(at + step + matches.length) % matches.length], true);
}

const KEYS: Record<string, Move> = {
  ArrowDown: 'parent', ArrowUp: 'child', ArrowRight: 'next-lane', ArrowLeft: 'previous-lane',
  PageDown: 'down', PageUp: 'up', Home: 'first', End: 'last',
};

cards.addEventListener('keydown', (e) => {
  if (!view || !selected) return;
  const move = KEYS[e.key];
  if (move) {
    e.preventDefault();
    select(moveFrom(view, selected, e.altKey && move === 'parent' ? 'down' : e.altKey && move === 'child' ? 'up' : move) ?? selected, true);
  } else if (e.key === 'Enter') {
    e.preventDefault();
    post({ type: 'open', id: selected, preserveFocus: false });
  } else if (e.key === 'f' || e.key === 'F') {
    e.preventDefault();
    post({ type: 'focus', id: selected });
  } else if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
    // Handled here too: not every platform turns these keys into a contextmenu event.
    e.preventDefault();
    const card = cardOf(e.target);
    if (card) openMenuOnCard(card);
  } else if (e.key === 'Escape' && view.focus) {
    e.preventDefault();
    post({ type: 'focus', id: null });
  }
});

function cardOf(target: EventTarget | null): HTMLElement | null {
  return target instanceof Element ? target.closest<HTMLElement>('.card') : null;
}

// A click selects and opens the file beside, leaving the keyboard in the graph; Enter opens it and goes there.
let suppressClick = false;
cards.addEventListener('click', (e) => {
  const card = cardOf(e.target);
  if (suppressClick) { suppressClick = false; return; }
  if (!card?.dataset.id) return;
  select(card.dataset.id, true);
  post({ type: 'open', id: card.dataset.id, preserveFocus: true });
});
cards.addEventListener('focusin', (e) => {
  const id = cardOf(e.target)?.dataset.id;
  if (id && id !== selected) { selected = id; save(); updateActions(); }
});

// Drag a card onto another: re-parent the dragged revision onto the one it is dropped on. Pointer
// events rather than HTML5 drag and drop: they work the same with a mouse, a pen or a touch screen.
let drag: { id: string; x: number; y: number; active: boolean } | undefined;
let dropTarget: HTMLElement | null = null;
const setDropTarget = (el: HTMLElement | null) => {
  if (dropTarget === el) return;
  dropTarget?.classList.remove('drop');
  dropTarget = el;
  dropTarget?.classList.add('drop');
};
cards.addEventListener('pointerdown', (e) => {
  const card = cardOf(e.target);
  if (!card?.dataset.id || e.button !== 0 || !card.classList.contains('revision')) return;
  drag = { id: card.dataset.id, x: e.clientX, y: e.clientY, active: false };
});
window.addEventListener('pointermove', (e) => {
  if (!drag) return;
  if (!drag.active && Math.hypot(e.clientX - drag.x, e.clientY - drag.y) > 6) {
    drag.active = true;
    document.body.classList.add('dragging');
    status.textContent = `Drop ${drag.id} onto its new parent (Escape cancels)`;
  }
  if (!drag.active) return;
  const over = cardOf(document.elementFromPoint(e.clientX, e.clientY));
  setDropTarget(over && over.dataset.id !== drag.id && over.classList.contains('revision') ? over : null);
});
window.addEventListener('pointerup', () => {
  const was = drag;
  drag = undefined;
  document.body.classList.remove('dragging');
  const onto = dropTarget?.dataset.id;
  setDropTarget(null);
  if (!was?.active) return;
  suppressClick = true;
  status.textContent = '';
  if (onto) post({ type: 'reparent', revision: was.id, onto });
});
window.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && drag?.active) { drag = undefined; setDropTarget(null); document.body.classList.remove('dragging'); status.textContent = ''; }
});

viewport.addEventListener('scroll', schedule, { passive: true });
window.addEventListener('resize', schedule);
viewport.addEventListener('wheel', (e) => {
  if (!e.ctrlKey) return;
  e.preventDefault();
  setZoom(zoom * (e.deltaY < 0 ? 1.1 : 1 / 1.1));
}, { passive: false });
// Pan by dragging the empty canvas.
let pan: { x: number; y: number; left: number; top: number } | undefined;
viewport.addEventListener('pointerdown', (e) => {
  if (cardOf(e.target) || e.button !== 0) return;
  pan = { x: e.clientX, y: e.clientY, left: viewport.scrollLeft, top: viewport.scrollTop };
  viewport.setPointerCapture(e.pointerId);
});
viewport.addEventListener('pointermove', (e) => {
  if (!pan) return;
  viewport.scrollLeft = pan.left - (e.clientX - pan.x);
  viewport.scrollTop = pan.top - (e.clientY - pan.y);
});
viewport.addEventListener('pointerup', () => { pan = undefined; });

search.value = saved.query ?? '';
search.addEventListener('input', runSearch);
search.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') { e.preventDefault(); nextMatch(e.shiftKey ? -1 : 1); }
});
const click = (id: string, f: () => void) => $<HTMLButtonElement>(id).addEventListener('click', f);
click('zoom-in', () => setZoom(zoom * 1.25));
click('zoom-out', () => setZoom(zoom / 1.25));
click('zoom-fit', fit);
click('show-all', () => post({ type: 'focus', id: null }));
click('export-svg', () => post({ type: 'exportSvg' }));
click('export-png', () => post({ type: 'exportPng' }));
click('refresh', () => post({ type: 'refresh' }));
const withSelected = (f: (id: string) => WebviewMessage) => () => { if (selected) post(f(selected)); };
click('act-open', withSelected((id) => ({ type: 'open', id })));
click('act-focus', withSelected((id) => ({ type: 'focus', id })));
click('act-reparent', withSelected((revision) => ({ type: 'reparent', revision })));
click('act-merge', withSelected((revision) => ({ type: 'mergeHeads', revision })));
click('act-unlink', withSelected((revision) => ({ type: 'removeParent', revision })));
click('act-restore', withSelected((id) => ({ type: 'restore', revision: byId(view!).get(id)?.revision ?? id })));
document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === 'f') { e.preventDefault(); search.focus(); search.select(); }
});

/**
 * Draws the export's SVG on a canvas and answers with the PNG's bytes. The SVG goes in through a
 * blob: URL (the page's CSP admits `img-src blob:` for this and nothing wider): an SVG drawn as an
 * image cannot run script or load anything, and a same-origin blob leaves the canvas readable.
 */
async function rasterize(m: Extract<HostMessage, { type: 'rasterize' }>): Promise<void> {
  const url = URL.createObjectURL(new Blob([m.svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(m.width * m.scale));
    canvas.height = Math.max(1, Math.round(m.height * m.scale));
    const g = canvas.getContext('2d');
    if (!g) throw new Error(`no 2D context for a ${canvas.width}×${canvas.height} canvas`);
    g.drawImage(image, 0, 0, canvas.width, canvas.height);
    const png = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error(`the ${canvas.width}×${canvas.height} canvas gave no PNG`))), 'image/png'));
    post({ type: 'png', id: m.id, base64: toBase64(new Uint8Array(await png.arrayBuffer())) });
  } catch (err) {
    post({ type: 'png', id: m.id, error: err instanceof Error ? err.message || err.name : String(err) });
  } finally {
    URL.revokeObjectURL(url);
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHostMessage(event.data);
  if (!message) return;
  if (message.type === 'busy') { status.textContent = message.text; return; }
  if (message.type === 'select') { select(message.id, true); return; }
  if (message.type === 'rasterize') { void rasterize(message); return; }
  view = message.view;
  title.textContent = view.title;
  subtitle.textContent = view.subtitle;
  $<HTMLButtonElement>('show-all').hidden = !view.focus;
  const keep = message.view.select ?? (selected && byId(view).has(selected) ? selected : view.nodes[0]?.id);
  status.textContent = `${view.nodes.length} node${view.nodes.length === 1 ? '' : 's'}`;
  runSearch();
  select(keep, document.hasFocus() && !!message.view.select);
});

post({ type: 'ready' });
