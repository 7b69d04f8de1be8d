// The helper's last answer per alembic.ini, kept while nothing it read has changed: the key is the
// ini's mtime and size plus the path, mtime and size of every .py file under the versions folders.
// An edit, a new or a deleted file changes the key; a re-paint without changes costs stats only.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { runAlembicHelper, type AlembicGraph, type HelperRun } from './graph-helper';

const MAX_DEPTH = 8;

/** The cache key for `iniFile` and the revision files under `versionDirs`. */
export async function alembicGraphKey(iniFile: string, versionDirs: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  const ini = await fs.stat(iniFile).catch(() => undefined);
  hash.update(`ini ${path.resolve(iniFile)} ${ini ? `${ini.mtimeMs} ${ini.size}` : 'missing'}\n`);
  const files: string[] = [];
  for (const dir of [...new Set(versionDirs.map((d) => path.resolve(d)))].sort()) await listPy(dir, 0, files);
  files.sort();
  const stats = await Promise.all(files.map((f) => fs.stat(f).catch(() => undefined)));
  files.forEach((f, i) => hash.update(`${f} ${stats[i] ? `${stats[i].mtimeMs} ${stats[i].size}` : 'gone'}\n`));
  return hash.digest('hex');
}

async function listPy(dir: string, depth: number, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isFile() && e.name.endsWith('.py')) out.push(full);
    else if (e.isDirectory() && depth < MAX_DEPTH && !e.name.startsWith('.') && e.name !== '__pycache__') await listPy(full, depth + 1, out);
  }
}

export class AlembicGraphCache {
  private readonly byIni = new Map<string, { key: string; graph: AlembicGraph }>();

  get(iniFile: string, key: string): AlembicGraph | undefined {
    const hit = this.byIni.get(path.resolve(iniFile));
    return hit?.key === key ? hit.graph : undefined;
  }

  set(iniFile: string, key: string, graph: AlembicGraph): void {
    this.byIni.set(path.resolve(iniFile), { key, graph });
  }
}

export interface ReadThroughAlembic extends HelperRun {
  versionDirs: readonly string[];
  cache?: AlembicGraphCache;
}

/** The graph as Alembic reads it: from the cache when nothing changed, else from a helper run (then cached). */
export async function readAlembicGraph(o: ReadThroughAlembic): Promise<{ graph: AlembicGraph; key: string; cached: boolean }> {
  const key = await alembicGraphKey(o.iniFile, o.versionDirs);
  const hit = o.cache?.get(o.iniFile, key);
  if (hit) return { graph: hit, key, cached: true };
  const graph = await runAlembicHelper(o);
  // A file changed while the helper ran: its answer may be for the old text, so it is not kept under the old key.
  if ((await alembicGraphKey(o.iniFile, o.versionDirs)) === key) o.cache?.set(o.iniFile, key, graph);
  return { graph, key, cached: false };
}
