// Finding alembic.ini files. The seed keeps its project in backend/ while people open (or `cd` to)
// the repository root, so the search goes downward a few levels too, skipping what can hold a
// stray alembic.ini that is not the project's: dependencies, virtual environments, build output.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { alembicVersionsDirOf, findMigrationsDir } from '../chain/load';
import { alembicProject, type AlembicProject } from './project';

const SKIPPED = new Set(['node_modules', '__pycache__', 'venv', 'env', 'site-packages', 'build', 'dist', 'out', 'target', 'coverage']);
export const DEFAULT_SEARCH_DEPTH = 4;

function skipped(name: string): boolean {
  return name.startsWith('.') || SKIPPED.has(name);
}

/** Every alembic.ini under `root` (root included), at most `depth` folders down, sorted by path. */
export async function findAlembicInis(root: string, depth = DEFAULT_SEARCH_DEPTH): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, level: number): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    // A folder holding pyvenv.cfg is a virtual environment, whatever its name.
    if (level > 0 && entries.some((e) => e.name === 'pyvenv.cfg')) return;
    const subdirs: Promise<void>[] = [];
    for (const e of entries) {
      if (e.isFile() && e.name === 'alembic.ini') found.push(path.join(dir, e.name));
      else if (e.isDirectory() && level < depth && !skipped(e.name)) subdirs.push(walk(path.join(dir, e.name), level + 1));
    }
    await Promise.all(subdirs);
  };
  await walk(path.resolve(root), 0);
  return found.sort();
}

export interface NearestIni {
  iniFile: string;
  /** Where it was found relative to the starting folder. */
  where: 'here' | 'above' | 'below';
}

/**
 * The alembic.ini for a command run in `cwd`: ./alembic.ini, else the nearest one in a parent
 * folder, else the only one below (several below: undefined, the caller asks for --config).
 */
export async function findNearestAlembicIni(cwd: string): Promise<NearestIni | { ambiguous: string[] } | undefined> {
  const start = path.resolve(cwd);
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'alembic.ini');
    if (await isFile(candidate)) return { iniFile: candidate, where: dir === start ? 'here' : 'above' };
    if (path.dirname(dir) === dir) break;
  }
  const below = await findAlembicInis(start);
  if (below.length === 1) return { iniFile: below[0], where: 'below' };
  return below.length > 1 ? { ambiguous: below } : undefined;
}

async function isFile(p: string): Promise<boolean> {
  try { return (await fs.stat(p)).isFile(); } catch { return false; }
}

/**
 * The top of the repository holding `dir` (the nearest folder above with a .git entry, at most
 * `levels` up), else `dir`: virtual environments are looked for up to there.
 */
export async function repositoryRoot(dir: string, levels = 3): Promise<string> {
  let current = path.resolve(dir);
  for (let i = 0; i <= levels; i++) {
    try {
      await fs.stat(path.join(current, '.git'));
      return current;
    } catch {
      // not here
    }
    if (path.dirname(current) === current) break;
    current = path.dirname(current);
  }
  return path.resolve(dir);
}

/** The alembic.ini at or above `dir` (up to `root`) whose versions folder is `dir`: the project that runs that chain. */
export async function projectNaming(root: string, dir: string): Promise<AlembicProject | undefined> {
  const top = path.resolve(root);
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const ini = path.join(d, 'alembic.ini');
    if ((await isFile(ini)) && (await alembicVersionsDirOf(ini)) === path.resolve(dir)) return alembicProject(ini);
    const rel = path.relative(top, d);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel) || path.dirname(d) === d) return undefined;
  }
}

/**
 * The chain a workspace folder shows and the Alembic project that runs it: the configured migrations
 * folder, else ./alembic.ini's versions folder or ./migrations, else the first alembic.ini below.
 */
export async function locateFolderChain(folder: string, configuredDir?: string): Promise<{ dir?: string; project?: AlembicProject }> {
  const root = path.resolve(folder);
  const dir = configuredDir ? path.resolve(root, configuredDir) : await findMigrationsDir(root);
  if (dir) return { dir, project: await projectNaming(root, dir) };
  for (const ini of await findAlembicInis(root)) {
    const versions = await alembicVersionsDirOf(ini);
    if (versions) return { dir: versions, project: alembicProject(ini) };
  }
  return {};
}
