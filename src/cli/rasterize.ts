// `graph --format png`: the SVG export drawn by resvg (@resvg/resvg-js: Rust's resvg as a prebuilt
// Node addon that npm installs from the registry for the platform, nothing downloaded at run time).
// Required here, on the first PNG only: no other command, and never the editor (whose webview
// draws the PNG on a canvas), loads its 4 MB binary. See docs/dependencies.md.
import { MigrationChainError } from './core';

type ResvgModule = typeof import('@resvg/resvg-js');

function loadResvg(): ResvgModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- required on first use: a native addon no other command needs
    return require('@resvg/resvg-js') as ResvgModule;
  } catch (err) {
    throw new MigrationChainError('usage', `--format png needs @resvg/resvg-js, which could not be loaded (${(err as Error).message.split('\n')[0]}).`,
      'npm installs it with migration-chain on Linux, macOS and Windows (x64 and arm64); elsewhere use --format svg and a converter such as rsvg-convert.');
  }
}

/** The SVG at `scale` (1 = its own width and height in pixels) as PNG bytes, text in the system's fonts. */
export function svgToPng(svg: string, scale: number): Uint8Array {
  const { Resvg } = loadResvg();
  // resvg 2.6 tries only the first family of a list (Helvetica) before its default font, Times
  // New Roman, so a Linux host without Helvetica draws serif text: the default is a sans-serif font
  // that Debian, Ubuntu and Fedora install with fontconfig (where Helvetica or Arial exist they win).
  const rendered = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render();
  return rendered.asPng();
}
