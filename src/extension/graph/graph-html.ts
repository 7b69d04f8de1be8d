// The graph webview's document as a pure function (no vscode): the toolbar, the scrolling canvas
// the script fills, styles from the editor's theme variables (light, dark and high contrast follow
// the editor), and a strict Content-Security-Policy: only the nonce'd style and the one bundled
// script from the extension's own folder load; no remote resource, no inline handler. The one
// addition to the shared frame's policy is `img-src blob:`, for the PNG export's canvas.
import { scriptTag, webviewPage } from '../webview/page';

export interface GraphHtmlOptions {
  nonce: string;
  /** The webview's `cspSource`. */
  cspSource: string;
  /** asWebviewUri of dist/webview/graph.js. */
  scriptUri: string;
}

const STYLE = `
:root { color-scheme: light dark; }
body { margin: 0; padding: 0; font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); overflow: hidden; display: flex; flex-direction: column; height: 100vh; }
header { padding: 8px 12px 4px; border-bottom: 1px solid var(--vscode-panel-border, transparent); }
h1 { font-size: 1.15em; font-weight: 600; margin: 0 0 2px; }
#subtitle { margin: 0 0 6px; color: var(--vscode-descriptionForeground); }
.toolbar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.toolbar input { min-width: 16em; color: var(--vscode-input-foreground); background: var(--vscode-input-background); border: 1px solid var(--vscode-input-border, transparent); padding: 3px 6px; }
.toolbar input:focus, button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
button { font-family: inherit; font-size: inherit; color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); border: 1px solid var(--vscode-button-border, transparent); padding: 3px 10px; cursor: pointer; }
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
button.primary { color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
#status { color: var(--vscode-descriptionForeground); }
#actions { margin-top: 6px; display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
button[hidden] { display: none; }
button:disabled { opacity: 0.5; cursor: default; }
#viewport { flex: 1; position: relative; overflow: auto; }
header { flex: none; }
#sizer { position: relative; }
#layer { position: absolute; top: 0; left: 0; transform-origin: 0 0; }
#cards { position: relative; }
#edges { position: absolute; top: 0; left: 0; overflow: visible; }
.edge { fill: none; stroke: var(--vscode-descriptionForeground); stroke-width: 1.5; }
.edge.depends_on { stroke-dasharray: 4 3; }
.dot { fill: var(--vscode-foreground); stroke: var(--vscode-editor-background); stroke-width: 2; }
.dot.head { fill: var(--vscode-textLink-foreground); }
.dot.missing, .dot.unparsed { fill: var(--vscode-editor-background); stroke: var(--vscode-errorForeground); stroke-dasharray: 3 2; }
.dot.merge { fill: var(--vscode-editor-background); stroke: var(--vscode-foreground); }
.lane-title { font-size: 10px; fill: var(--vscode-descriptionForeground); }
.card { position: absolute; box-sizing: border-box; height: 38px; padding: 2px 8px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border, transparent)); border-radius: 3px; background: var(--vscode-editorWidget-background); cursor: pointer; }
.card:hover { background: var(--vscode-list-hoverBackground); }
.card.selected { border-color: var(--vscode-focusBorder); background: var(--vscode-list-inactiveSelectionBackground); }
.card:focus { outline: 2px solid var(--vscode-focusBorder); outline-offset: 0; background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); }
.card.match { box-shadow: inset 4px 0 0 var(--vscode-editor-findMatchHighlightBorder, var(--vscode-focusBorder)); }
.card.match .rid::after { content: ' (match)'; font-weight: normal; }
.card.missing, .card.unparsed { border-style: dashed; border-color: var(--vscode-errorForeground); background: transparent; }
.card.drop { outline: 2px dashed var(--vscode-focusBorder); outline-offset: 2px; }
body.dragging, body.dragging .card { cursor: grabbing; user-select: none; }
.line1, .line2 { overflow: hidden; text-overflow: ellipsis; line-height: 16px; }
.rid { font-family: var(--vscode-editor-font-family); font-weight: 600; }
.flag, .label { margin-left: 6px; padding: 0 4px; border: 1px solid var(--vscode-descriptionForeground); border-radius: 2px; font-size: 0.85em; }
.label { border-style: dotted; }
.who { float: right; color: var(--vscode-descriptionForeground); font-size: 0.9em; }
.msg { color: inherit; }
.mark { margin-left: 8px; font-weight: 600; font-size: 0.9em; }
.mark.applied, .mark.ok { color: var(--vscode-testing-iconPassed); }
.mark.pending { color: var(--vscode-charts-yellow); }
.mark.edited { color: var(--vscode-problemsWarningIcon-foreground); }
.mark.unknown { color: var(--vscode-disabledForeground); }
.mark.error { color: var(--vscode-errorForeground); }
.card:focus .mark, .card:focus .who { color: inherit; }
.help { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
#menu { position: fixed; z-index: 10; min-width: 14em; padding: 4px 0; color: var(--vscode-menu-foreground, var(--vscode-foreground)); background: var(--vscode-menu-background, var(--vscode-editorWidget-background)); border: 1px solid var(--vscode-menu-border, var(--vscode-widget-border, var(--vscode-focusBorder))); border-radius: 4px; box-shadow: 0 2px 8px var(--vscode-widget-shadow, rgba(0, 0, 0, 0.3)); }
#menu[hidden] { display: none; }
.menuitem { padding: 3px 16px; cursor: pointer; white-space: nowrap; }
.menuitem:focus { outline: 1px solid var(--vscode-menu-selectionBorder, var(--vscode-focusBorder)); outline-offset: -1px; color: var(--vscode-menu-selectionForeground, var(--vscode-list-activeSelectionForeground)); background: var(--vscode-menu-selectionBackground, var(--vscode-list-activeSelectionBackground)); }
.menuitem[aria-disabled="true"] { opacity: 0.5; cursor: default; }
`;

export function graphHtml(options: GraphHtmlOptions): string {
  return webviewPage({
    title: 'Revision Graph', nonce: options.nonce, cspSource: options.cspSource, style: STYLE, blobImages: true,
    body: `<header id="header">
<h1 id="title">Revision graph</h1>
<p id="subtitle" role="status">Laying out the chain…</p>
<div class="toolbar" role="toolbar" aria-label="Graph tools">
<input id="search" type="search" placeholder="Search id or message (Enter: next)" aria-label="Search revisions by id or message">
<button id="zoom-out" type="button" aria-label="Zoom out">−</button>
<button id="zoom-in" type="button" aria-label="Zoom in">+</button>
<button id="zoom-fit" type="button">Fit</button>
<button id="show-all" type="button" hidden>Show whole chain</button>
<button id="export-svg" type="button">Export SVG…</button>
<button id="export-png" type="button">Export PNG…</button>
<button id="refresh" type="button">Refresh</button>
<span id="status" aria-live="polite"></span>
</div>
<div id="actions" role="group" aria-label="Selected revision">
<span>Selected: <code id="act-name"></code></span>
<button id="act-open" type="button" class="primary">Open</button>
<button id="act-focus" type="button">Focus</button>
<button id="act-reparent" type="button">Re-parent…</button>
<button id="act-merge" type="button">Merge these heads…</button>
<button id="act-unlink" type="button">Remove a parent link…</button>
<button id="act-restore" type="button">Restore from git</button>
<span class="help">↑ child · ↓ parent · ←/→ next lane · Enter open · F focus · Shift+F10 menu · drag a card onto another to re-parent</span>
</div>
</header>
<div id="viewport" tabindex="-1">
<div id="sizer"><div id="layer"><svg id="edges" xmlns="http://www.w3.org/2000/svg" aria-hidden="true"></svg>
<div id="cards" role="tree" aria-label="Revisions, heads first"></div></div></div>
</div>
<div id="menu" role="menu" aria-label="Revision actions" hidden></div>
${scriptTag(options.nonce, { src: options.scriptUri })}`,
  });
}
