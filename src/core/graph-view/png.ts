// What a PNG export must be before it is written: the PNG signature and an IHDR chunk with a
// non-empty size. The editor's bytes come from the webview's canvas (a message like any other), the
// CLI's from resvg; both are checked here, so a broken raster is an error, not a file.
import { MigrationChainError } from '../errors';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface PngHeader { width: number; height: number }

/** The image's size from its IHDR chunk; a MigrationChainError naming `source` when the bytes are no PNG. */
export function pngHeader(bytes: Uint8Array, source: string): PngHeader {
  const bad = (why: string) => new MigrationChainError('io', `${source} did not produce a PNG: ${why}.`);
  if (bytes.length < 33) throw bad(`${bytes.length} bytes`);
  if (!SIGNATURE.every((b, i) => bytes[i] === b)) throw bad('no PNG signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The first chunk: length 13, type IHDR, then width and height (big-endian).
  if (view.getUint32(8) !== 13 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') throw bad('the first chunk is not IHDR');
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0) throw bad(`an empty image (${width}×${height})`);
  return { width, height };
}
