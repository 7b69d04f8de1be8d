// The frame every webview page of the extension shares (the graph, the environments matrix): a
// strict Content-Security-Policy where nothing loads but the nonce'd style and scripts and the
// editor's own fonts, the page's title, and its body. Pure (no vscode), so tests read the HTML.
import { escapeHtml } from '../../webview/graph/render';

export interface WebviewPage {
  title: string;
  nonce: string;
  /** The webview's `cspSource`: images and the editor's own fonts. */
  cspSource: string;
  style: string;
  /** Markup of <body>, scripts included (each with `nonce="${nonce}"`, see `scriptTag`). */
  body: string;
  /**
   * Images the page's own script makes (`URL.createObjectURL`) and draws on a canvas: the graph's
   * PNG export. `blob:` only, never `data:` (which any injected markup could use); a blob URL can
   * only be made by a script, and the only scripts that run are the nonce'd ones.
   */
  blobImages?: boolean;
}

export function webviewPage(page: WebviewPage): string {
  const nonce = escapeHtml(page.nonce);
  const csp = `default-src 'none'; img-src ${page.cspSource}${page.blobImages ? ' blob:' : ''}; font-src ${page.cspSource}; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(page.title)}</title>
<style nonce="${nonce}">${page.style}</style>
</head>
<body>
${page.body}
</body>
</html>`;
}

/** A script element the page's CSP admits: inline code, or a bundled file by its webview URI. */
export function scriptTag(nonce: string, script: { src: string } | { inline: string }): string {
  return 'src' in script
    ? `<script nonce="${escapeHtml(nonce)}" src="${escapeHtml(script.src)}"></script>`
    : `<script nonce="${escapeHtml(nonce)}">${script.inline}</script>`;
}

export { escapeHtml };
