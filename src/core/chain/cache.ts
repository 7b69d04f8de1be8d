// Parsed files keyed by path + mtime + size, so reloading a folder re-reads only what changed, and
// the last listing of each folder, so a file watcher's "these paths changed" re-indexes without a
// rescan (10,000 files: one changed file costs one read, one parse and one graph build).
import type { Chain } from './chain';
import type { MigrationFormat, ParseResult } from './model';

export interface CachedFile {
  file: string;
  format: MigrationFormat;
  mtimeMs: number;
  size: number;
  result: ParseResult;
}

export class ChainCache {
  private readonly files = new Map<string, CachedFile>();
  private readonly listings = new Map<string, string[]>();
  private readonly chains = new Map<string, Chain>();
  /** Files parsed since construction (for tests and benchmarks). */
  readonly stats = { parsed: 0 };

  /** The cached parse of `file` if it still has this mtime and size. */
  lookup(file: string, mtimeMs: number, size: number): CachedFile | undefined {
    const entry = this.files.get(file);
    return entry && entry.mtimeMs === mtimeMs && entry.size === size ? entry : undefined;
  }

  get(file: string): CachedFile | undefined {
    return this.files.get(file);
  }

  store(entry: CachedFile): void {
    this.stats.parsed++;
    this.files.set(entry.file, entry);
  }

  forget(file: string): void {
    this.files.delete(file);
  }

  /** The sorted file list last seen for `dir`. */
  listing(dir: string): readonly string[] | undefined {
    return this.listings.get(dir);
  }

  /** Records `dir`'s sorted file list and drops cached files of `dir` that are gone. */
  setListing(dir: string, files: string[]): void {
    const previous = this.listings.get(dir);
    if (previous) {
      const live = new Set(files);
      for (const f of previous) if (!live.has(f)) this.files.delete(f);
    }
    this.listings.set(dir, files);
  }

  /**
   * Records `dir`'s sorted file list without the sweep: for a caller that already forgot the files
   * it removed (an incremental re-index), where building a Set of every path would cost more than
   * the re-index itself.
   */
  replaceListing(dir: string, files: string[]): void {
    this.listings.set(dir, files);
  }

  /** The last chain assembled for `dir` (the base of an incremental re-index). */
  lastChain(dir: string): Chain | undefined {
    return this.chains.get(dir);
  }

  rememberChain(chain: Chain): void {
    this.chains.set(chain.dir, chain);
  }
}

/** Inserts into / removes from a sorted array in O(log n) + one splice. */
export function sortedInsert(list: string[], value: string): boolean {
  const at = lowerBound(list, value);
  if (list[at] === value) return false;
  list.splice(at, 0, value);
  return true;
}

export function sortedRemove(list: string[], value: string): boolean {
  const at = lowerBound(list, value);
  if (list[at] !== value) return false;
  list.splice(at, 1);
  return true;
}

export function isListed(list: readonly string[], value: string): boolean {
  return list[lowerBound(list, value)] === value;
}

function lowerBound(list: readonly string[], value: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
