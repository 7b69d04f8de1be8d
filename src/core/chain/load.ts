// Folder -> Chain: discover, parse (through the cache when given), build the graph, collect every
// diagnostic. Never throws for bad files; only an unreadable folder is an error.
import { closeSync, fstatSync, openSync, promises as fs, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { ChainDiagnostic } from '../errors';
import type { Chain } from './chain';
import type { Migration, MigrationFormat, ParseResult } from './model';
import { type ChainCache, isListed, sortedInsert, sortedRemove, type CachedFile } from './cache';
import { discoverMigrationFiles, isAlembicRevisionFileName, isSkippedName, type DiscoveredFile } from './discover';
import { FORMATS, formatOf } from './formats';
import { RevisionGraph } from './graph';
import { diag } from './header';
import { alembicConfigFileIn, readAlembicConfig, type AlembicConfig } from './alembic-ini';

export interface LoadOptions {
  cache?: ChainCache;
  /**
   * Paths a file watcher reported as created, changed or deleted. With a cache that has seen `dir`
   * before, only these are re-read (no rescan of the folder).
   */
  changed?: readonly string[];
  /**
   * An Alembic project's version locations, listed the way Alembic lists them (`.py` only, subfolders
   * only when recursive); `dir` is the first of them, where new revisions go. Several locations make
   * one chain.
   */
  alembic?: AlembicLocations;
}

/** An Alembic project's version locations and how Alembic lists them. */
export interface AlembicLocations {
  locations: readonly string[];
  recursive: boolean;
  /** sourceless = true: Alembic also loads compiled revisions (.pyc) that have no .py beside them. */
  sourceless?: boolean;
}

/** Parses one file's text with its format's parser (formats.ts), file-level checks included. */
export function parseMigrationText(file: string, format: MigrationFormat, text: string): ParseResult {
  return FORMATS[format].parse(file, text);
}

// One read buffer reused for every file (decoding copies out of it): thousands of small reads then
// allocate nothing but the strings.
let readBuffer = Buffer.allocUnsafe(64 * 1024);

/**
 * Reads `file`: open, read until EOF, close. With `stat` (for the cache's mtime + size) one fstat
 * more; without it mtimeMs is -1 (not cacheable) and no fs.Stats object is made, which is a tenth
 * of what a cold load of 10,000 files allocates.
 */
function readFile(file: string, stat: boolean, format: MigrationFormat): { text: string; mtimeMs: number; size: number } {
  const fd = openSync(file, 'r');
  try {
    let mtimeMs = -1;
    if (stat) {
      const st = fstatSync(fd);
      mtimeMs = st.mtimeMs;
      if (readBuffer.length < st.size + 1) readBuffer = Buffer.allocUnsafe(st.size + 1);
    }
    let len = 0;
    for (;;) {
      if (len === readBuffer.length) {
        // Larger than the buffer (or grown since fstat): keep reading rather than truncating it.
        const bigger = Buffer.allocUnsafe(readBuffer.length * 2);
        readBuffer.copy(bigger, 0, 0, len);
        readBuffer = bigger;
      }
      const n = readSync(fd, readBuffer, len, readBuffer.length - len, null);
      if (n === 0) break;
      len += n;
    }
    const text = FORMATS[format].decode(readBuffer.subarray(0, len));
    return { text, mtimeMs, size: len };
  } finally {
    closeSync(fd);
  }
}

function readAndParse(file: string, format: MigrationFormat, stat: boolean): CachedFile | undefined {
  try {
    const { text, mtimeMs, size } = readFile(file, stat, format);
    return { file, format, mtimeMs, size, result: parseMigrationText(file, format, text) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined; // deleted between listing and reading
    return {
      file, format, mtimeMs: -1, size: -1,
      result: { ok: false, diagnostics: [diag('unreadable-file', 'error', file, 1, `Cannot read this file: ${(err as Error).message}`)] },
    };
  }
}

/** The cached parse when mtime and size still match, else a fresh read + parse (stored in the cache). */
function cachedOrParse(cache: ChainCache | undefined, file: string, format: MigrationFormat): CachedFile | undefined {
  if (cache) {
    let st;
    try {
      st = statSync(file);
    } catch {
      st = undefined; // readAndParse reports why
    }
    if (st) {
      const hit = cache.lookup(file, st.mtimeMs, st.size);
      if (hit) return hit;
    }
  }
  const fresh = readAndParse(file, format, cache !== undefined);
  if (cache && fresh && fresh.mtimeMs >= 0) cache.store(fresh);
  return fresh;
}

// Files are read with synchronous calls in batches: for thousands of small files that is several
// times faster than fs.promises (no thread-pool round trip per call), and yielding between batches
// keeps an editor's event loop responsive.
const BATCH = 256;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Discovers, parses and links the migrations in `dir`. */
export async function loadChain(dir: string, opts: LoadOptions = {}): Promise<Chain> {
  const root = path.resolve(dir);
  const cache = opts.cache;
  const previous = cache?.listing(root);
  // An Alembic listing is re-indexed file by file only when every reported file is one Alembic lists
  // from its single location; otherwise it is rescanned (unchanged files still come from the cache).
  if (cache && previous && opts.changed && (!opts.alembic || incrementalAlembic(root, opts.alembic, opts.changed))) {
    const chain = reindexChanged(root, cache, previous, opts.changed);
    if (opts.alembic) chain.dirs = [root];
    return chain;
  }

  const compiled: string[] = [];
  const discovered = opts.alembic ? await discoverAlembicLocations(root, opts.alembic, compiled) : await discoverMigrationFiles(root);
  const present: CachedFile[] = [];
  for (let k = 0; k < discovered.length; k++) {
    if (k > 0 && k % BATCH === 0) await yieldToEventLoop();
    const entry = cachedOrParse(cache, discovered[k].file, discovered[k].format);
    if (entry) present.push(entry);
  }
  cache?.setListing(root, present.map((e) => e.file));
  const chain = assemble(root, present);
  // Compiled revisions are read by Alembic and not by us: the chain may be missing them.
  for (const file of compiled) {
    chain.diagnostics.push(diag('unreadable-file', 'error', file, 1,
      'A compiled revision without its .py source (alembic.ini has sourceless = true): Alembic loads it, Migration Chain reads source only. Restore the .py file.'));
  }
  if (opts.alembic) chain.dirs = [...new Set([root, ...opts.alembic.locations.map((d) => path.resolve(d))])];
  cache?.rememberChain(chain);
  return chain;
}

function incrementalAlembic(root: string, alembic: AlembicLocations, changed: readonly string[]): boolean {
  if (alembic.sourceless || alembic.locations.some((l) => path.resolve(l) !== root)) return false;
  return changed.every((f) => {
    const rel = path.relative(root, path.resolve(root, f));
    const parts = rel.split(path.sep);
    if (rel.startsWith('..') || path.isAbsolute(rel) || parts.some((p) => p.startsWith('.') || p === '__pycache__')) return false;
    return (alembic.recursive || parts.length === 1) && isAlembicRevisionFileName(parts[parts.length - 1]);
  });
}

/**
 * Each location in order, as ScriptDirectory._load_revisions reads them: a location that does not
 * exist is skipped (the first one, `dir`, must exist), and a file reached twice is read once.
 */
async function discoverAlembicLocations(root: string, alembic: AlembicLocations, compiled: string[]): Promise<DiscoveredFile[]> {
  const locations = [...new Set([root, ...alembic.locations.map((d) => path.resolve(d))])];
  const out: DiscoveredFile[] = [];
  const seen = new Set<string>();
  for (const [i, location] of locations.entries()) {
    if (i > 0 && !(await isDir(location))) continue;
    if (alembic.sourceless) compiled.push(...await compiledRevisions(location));
    for (const f of await discoverMigrationFiles(location, { recursive: alembic.recursive })) {
      if (seen.has(f.file)) continue;
      seen.add(f.file);
      out.push(f);
    }
  }
  return out;
}

function reindexChanged(root: string, cache: ChainCache, previousListing: readonly string[], changed: readonly string[]): Chain {
  // Copied only when a file comes or goes: an edit keeps the listing (10,000 paths) as it is.
  let listing: string[] | undefined;
  const editable = (): string[] => (listing ??= previousListing.slice());
  const byFile = new Map<string, CachedFile>();
  const previous = cache.lastChain(root);
  // Content-only edits of already-parsed files keep the graph's structure: patch instead of rebuild.
  const replacements = new Map<Migration, Migration>();
  const replacedDiagnostics = new Set<ChainDiagnostic>();
  const addedDiagnostics: ChainDiagnostic[] = [];
  let structural = previous === undefined;
  for (const p of changed) {
    const file = path.resolve(root, p);
    const format = formatOf(file);
    const rel = path.relative(root, file);
    if (!format || rel.startsWith('..') || path.isAbsolute(rel) || rel.split(path.sep).some(isSkippedName)) continue;
    const before = cache.get(file);
    const fresh = readAndParse(file, format, true);
    if (!fresh) {
      sortedRemove(editable(), file);
      cache.forget(file);
      structural = true;
      continue;
    }
    if (!isListed(listing ?? previousListing, file) && sortedInsert(editable(), file)) structural = true;
    if (before?.result.ok && fresh.result.ok) {
      replacements.set(before.result.migration, fresh.result.migration);
      for (const d of before.result.diagnostics) replacedDiagnostics.add(d);
      addedDiagnostics.push(...fresh.result.diagnostics);
    } else {
      structural = true;
    }
    if (fresh.mtimeMs >= 0) cache.store(fresh);
    byFile.set(file, fresh);
  }
  if (listing) cache.replaceListing(root, listing);
  const patched = !structural && previous ? previous.graph.withContentChanges(replacements) : undefined;
  if (previous && patched) {
    const chain: Chain = {
      dir: root,
      migrations: previous.migrations.map((m) => replacements.get(m) ?? m),
      graph: patched,
      diagnostics: [...previous.diagnostics.filter((d) => !replacedDiagnostics.has(d)), ...addedDiagnostics],
    };
    cache.rememberChain(chain);
    return chain;
  }
  const entries: CachedFile[] = [];
  for (const f of listing ?? previousListing) {
    const e = byFile.get(f) ?? cache.get(f);
    if (e) entries.push(e);
  }
  const chain = assemble(root, entries);
  cache.rememberChain(chain);
  return chain;
}

function assemble(dir: string, entries: readonly CachedFile[]): Chain {
  const migrations: Migration[] = [];
  const diagnostics: ChainDiagnostic[] = [];
  for (const e of entries) {
    if (e.result.ok) migrations.push(e.result.migration);
    for (const d of e.result.diagnostics) diagnostics.push(d);
  }
  const graph = new RevisionGraph(migrations);
  for (const d of graph.diagnostics) diagnostics.push(d);
  return { dir, migrations, graph, diagnostics };
}

/**
 * The migrations folder for a workspace: the Alembic versions folder named by `alembic.ini`
 * (`version_locations`, else `<script_location>/versions`), else `migrations/` (or
 * `migrations/versions/` when that is a Flask-Migrate/Alembic layout).
 */
export async function findMigrationsDir(cwd: string): Promise<string | undefined> {
  const root = path.resolve(cwd);
  const fromIni = await alembicVersionsDir(root);
  if (fromIni) return fromIni;
  const native = path.join(root, 'migrations');
  if (!(await isDir(native))) return undefined;
  const versions = path.join(native, 'versions');
  if ((await isDir(versions)) && (await exists(path.join(native, 'env.py')))) return versions;
  return native;
}

async function alembicVersionsDir(root: string): Promise<string | undefined> {
  const config = await alembicConfigFileIn(root);
  return config ? alembicVersionsDirOf(config) : undefined;
}

/** The versions folder an Alembic config file names (the first that exists), relative paths taken from the file's folder. */
export async function alembicVersionsDirOf(iniFile: string): Promise<string | undefined> {
  return (await alembicChainLocation(iniFile))?.dir;
}

/** Where an Alembic project's chain is and how it is listed: what loadChain needs for it. */
export interface AlembicChainLocation extends AlembicLocations {
  /** The first version location that exists: the chain's `dir`. */
  dir: string;
  locations: string[];
  config: AlembicConfig;
}

/** The chain alembic.ini names, or undefined when Alembic would find no version folder (or refuse the file). */
export async function alembicChainLocation(iniFile: string): Promise<AlembicChainLocation | undefined> {
  const config = await readAlembicConfig(iniFile);
  if (config.error) return undefined;
  const existing: string[] = [];
  for (const d of config.versionDirs) if (await isDir(d)) existing.push(d);
  if (!existing.length) return undefined;
  return { dir: existing[0], locations: existing, recursive: config.recursive, sourceless: config.sourceless, config };
}

/**
 * The compiled revisions Alembic 1.8's sourceless listing loads from `dir` (its top level, as that
 * version lists it): `.pyc`/`.pyo` files without their `.py`, and `__pycache__` entries whose module
 * has no file in `dir`.
 */
async function compiledRevisions(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const present = new Set(names);
  const stems = new Set(names.map((n) => n.split('.')[0]));
  const out = names.filter((n) => /^(?!\.#|__init__).*\.py[co]$/.test(n) && !present.has(n.slice(0, -1)) && !(n.endsWith('o') && present.has(`${n.slice(0, -1)}c`)))
    .map((n) => path.join(dir, n));
  const cache = path.join(dir, '__pycache__');
  if (present.has('__pycache__')) {
    const cached = await fs.readdir(cache).catch(() => [] as string[]);
    for (const n of cached) if (/\.py[co]$/.test(n) && !stems.has(n.split('.')[0])) out.push(path.join(cache, n));
  }
  return out.sort();
}

async function isDir(p: string): Promise<boolean> {
  try { return (await fs.stat(p)).isDirectory(); } catch { return false; }
}
async function exists(p: string): Promise<boolean> {
  try { await fs.stat(p); return true; } catch { return false; }
}
