// The matrix webview's document as a pure function of the matrix (no vscode): a real <table>
// themed with the editor's CSS variables, one focusable row per revision (arrow keys, Home/End,
// Enter or Space opens the file), glyphs always followed by a word, and a strict
// Content-Security-Policy: nothing loads but the nonce'd style and script.
import { escapeHtml, scriptTag, webviewPage } from '../webview/page';
import { CELL_GLYPH, type Matrix, type MatrixCell, type MatrixColumn, type MatrixRow } from './matrix-model';

export interface MatrixHtmlOptions {
  nonce: string;
  /** The webview's `cspSource` (allowed for styles only, for the editor's own fonts). */
  cspSource: string;
  /** Shown above the table: the folder and when the statuses were read. */
  subtitle?: string;
}

/** Messages the webview posts to the extension. */
export type MatrixMessage = { type: 'open'; revision: string } | { type: 'refresh' };


function headerCell(c: MatrixColumn): string {
  const flags = [c.protected ? 'protected' : '', c.tenants ? 'tenant set' : ''].filter(Boolean).join(', ');
  return `<th scope="col"><span class="env">${escapeHtml(c.title)}</span>`
    + (flags ? ` <span class="flag">(${escapeHtml(flags)})</span>` : '')
    + `<br><span class="detail">${escapeHtml(c.detail)}</span></th>`;
}

function stateCell(cell: MatrixCell, column: MatrixColumn): string {
  return `<td class="cell ${cell.state}" aria-label="${escapeHtml(`${column.environment}: ${cell.text}`)}">`
    + `<span class="glyph" aria-hidden="true">${CELL_GLYPH[cell.state]}</span> ${escapeHtml(cell.text)}</td>`;
}

function rowHtml(row: MatrixRow, index: number, columns: readonly MatrixColumn[]): string {
  const label = `${row.revision}${row.isHead ? ' (head)' : ''}: ${row.message}. `
    + row.cells.map((c, i) => `${columns[i].environment} ${c.text}`).join(', ')
    + '. Press Enter to open the migration file.';
  return `<tr tabindex="${index === 0 ? 0 : -1}" data-revision="${escapeHtml(row.revision)}" aria-rowindex="${index + 2}" aria-label="${escapeHtml(label)}">`
    + `<th scope="row"><code>${escapeHtml(row.revision)}</code>${row.isHead ? ' <span class="flag">head</span>' : ''}`
    + `<br><span class="detail">${escapeHtml(row.message)}</span></th>`
    + row.cells.map((c, i) => stateCell(c, columns[i])).join('')
    + '</tr>';
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 16px; }
h1 { font-size: 1.3em; font-weight: 600; margin: 12px 0 4px; }
p { margin: 4px 0 10px; color: var(--vscode-descriptionForeground); }
table { border-collapse: collapse; width: max-content; min-width: 100%; }
th, td { border: 1px solid var(--vscode-panel-border, var(--vscode-editorWidget-border, transparent)); padding: 4px 10px; text-align: left; vertical-align: top; }
thead th { position: sticky; top: 0; background: var(--vscode-editor-background); }
tbody tr { cursor: pointer; }
tbody tr:hover { background: var(--vscode-list-hoverBackground); }
tbody tr:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); }
.detail, .flag { color: var(--vscode-descriptionForeground); font-weight: normal; }
tbody tr:focus .detail, tbody tr:focus .flag { color: inherit; }
code { font-family: var(--vscode-editor-font-family); }
.glyph { display: inline-block; width: 1.2em; font-weight: bold; }
.applied .glyph { color: var(--vscode-testing-iconPassed); }
.pending .glyph { color: var(--vscode-charts-yellow); }
.edited .glyph { color: var(--vscode-problemsWarningIcon-foreground); }
.unknown .glyph { color: var(--vscode-disabledForeground); }
.legend { margin: 8px 0; }
.legend span { margin-right: 14px; }
button { font-family: inherit; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 4px 12px; cursor: pointer; }
button:hover { background: var(--vscode-button-hoverBackground); }
button:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
`;

// Roving tabindex over the rows: one tab stop for the table, arrows inside it.
const SCRIPT = `
const vscode = acquireVsCodeApi();
const rows = Array.from(document.querySelectorAll('tbody tr'));
function focusRow(i, move = true) {
  if (!rows.length) return;
  const n = Math.max(0, Math.min(rows.length - 1, i));
  rows.forEach((r, j) => r.tabIndex = j === n ? 0 : -1);
  vscode.setState({ revision: rows[n].dataset.revision });
  if (move) rows[n].focus();
}
// The panel re-renders when statuses change: keep the row a keyboard user was on.
const kept = rows.findIndex((r) => r.dataset.revision === (vscode.getState() || {}).revision);
if (kept >= 0) focusRow(kept, document.hasFocus());
function open(row) { vscode.postMessage({ type: 'open', revision: row.dataset.revision }); }
rows.forEach((row, i) => {
  row.addEventListener('click', () => { focusRow(i); open(row); });
  row.addEventListener('keydown', (e) => {
    const page = 10;
    const moves = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: rows.length - 1, PageDown: i + page, PageUp: i - page };
    if (e.key in moves) { e.preventDefault(); focusRow(moves[e.key]); }
    else if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(row); }
  });
});
document.getElementById('refresh').addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
`;

export function matrixHtml(matrix: Matrix, options: MatrixHtmlOptions): string {
  const legend = (['applied', 'pending', 'edited', 'unknown'] as const)
    .map((s) => `<span class="${s}"><span class="glyph" aria-hidden="true">${CELL_GLYPH[s]}</span> ${s}</span>`).join('');
  const body = matrix.rows.length === 0 || matrix.columns.length === 0
    ? `<p role="status">${matrix.rows.length === 0 ? 'The chain has no revisions.' : 'No environments have been read yet.'}</p>`
    : `<table aria-label="Revisions by environment" aria-rowcount="${matrix.rows.length + 1}">`
      + '<caption class="legend">' + legend + '</caption>'
      + `<thead><tr aria-rowindex="1"><th scope="col">Revision</th>${matrix.columns.map(headerCell).join('')}</tr></thead>`
      + `<tbody>${matrix.rows.map((r, i) => rowHtml(r, i, matrix.columns)).join('')}</tbody></table>`;
  return webviewPage({
    title: 'Environments Matrix', nonce: options.nonce, cspSource: options.cspSource, style: STYLE,
    body: `<h1>Environments matrix</h1>
<p>${options.subtitle ? `${escapeHtml(options.subtitle)} · ` : ''}Arrow keys move between revisions; Enter opens the migration file. <button id="refresh" type="button">Refresh</button></p>
${body}
${scriptTag(options.nonce, { inline: SCRIPT })}`,
  });
}
