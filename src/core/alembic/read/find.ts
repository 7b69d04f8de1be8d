// Finding alembic.ini files. The seed keeps its project in backend/ while people open (or `cd` to)
// the repository root, so the search goes downward a few levels too, skipping what can hold a
// stray alembic.ini that is not the project's: dependencies, virtual environments, build output.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ALEMBIC_INI, alembicConfigFileIn, PYPROJECT_TOML } from '../../chain/alembic-ini';
import { alembicChainLocation, findMigrationsDir, type AlembicChainLocation, type AlembicLocations } from '../../chain/load';
import { alembicProject, type AlembicProject } from './project';

const SKIPPED = new Set(['node_modules', '__pycache__', 'venv', 'env', 'site-packages', 'build', 'dist', 'out', 'target', 'coverage']);
export const DEFAULT_SEARCH_DEPTH = 4;

function skipped(name: string): boolean {
  return name.startsWith('.') || SKIPPED.has(name);
}

/**
 * Every Alembic config file under `root` (root included), at most `depth` folders down, sorted by
 * path: alembic.ini, or a pyproject.toml with [tool.alembic] in a folder without alembic.ini
 * (Alembic 1.16+).
 */
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
    if (entries.some((e) => e.isFile() && (e.name === ALEMBIC_INI || e.name === PYPROJECT_TOML))) {
      const config = await alembicConfigFileIn(dir);
      if (config) found.push(config);
    }
    for (const e of entries) {
      if (e.isDirectory() && level < depth && !skipped(e.name)) subdirs.push(walk(path.join(dir, e.name), level + 1));
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
    const candidate = await alembicConfigFileIn(dir);
    if (candidate) return { iniFile: candidate, where: dir === start ? 'here' : 'above' };
    if (path.dirname(dir) === dir) break;
  }
  const below = await findAlembicInis(start);
  if (below.length === 1) return { iniFile: below[0], where: 'below' };
  return below.length > 1 ? { ambiguous: below } : undefined;
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

/**
 * The alembic.ini at or above `dir` (up to `root`) whose versions folder is `dir`: the project that
 * runs that chain, with its chain location (how its files are listed).
 */
export async function projectLocationNaming(root: string, dir: string): Promise<{ project: AlembicProject; location: AlembicChainLocation } | undefined> {
  const top = path.resolve(root);
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const ini = await alembicConfigFileIn(d);
    if (ini) {
      const location = await alembicChainLocation(ini);
      if (location?.dir === path.resolve(dir)) return { project: alembicProject(ini), location };
    }
    const rel = path.relative(top, d);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel) || path.dirname(d) === d) return undefined;
  }
}

/** One chain of a workspace folder: a native migrations folder, or one Alembic project. */
export interface LocatedChain {
  /** The project's folder relative to the workspace folder, `/`-separated; '' for the folder itself. */
  relative: string;
  /** The chain's folder (for several version locations, the first); undefined: none found. */
  dir?: string;
  project?: AlembicProject;
  /** For an Alembic project: how loadChain lists its files (LoadOptions.alembic). */
  alembic?: AlembicLocations;
}

/**
 * Every chain a workspace folder shows: the configured migrations folder alone when set; else every
 * alembic.ini below (bounded depth, dependencies, virtual environments and build output skipped)
 * that names a versions folder, each its own chain, plus a native ./migrations that no project
 * reads. Nothing found: one entry without `dir`.
 */
export async function locateFolderChains(folder: string, configuredDir?: string): Promise<LocatedChain[]> {
  const root = path.resolve(folder);
  if (configuredDir) {
    const dir = path.resolve(root, configuredDir);
    const named = await projectLocationNaming(root, dir);
    if (!named) return [{ relative: '', dir }];
    return [{ relative: relativeLabel(root, named.project.dir), dir, project: named.project, alembic: listingOf(named.location) }];
  }
  const out: LocatedChain[] = [];
  for (const ini of await findAlembicInis(root)) {
    const location = await alembicChainLocation(ini);
    if (!location) continue;
    const project = alembicProject(ini);
    out.push({ relative: relativeLabel(root, project.dir), dir: location.dir, project, alembic: listingOf(location) });
  }
  const native = await findMigrationsDir(root);
  if (native && !out.some((c) => c.dir === native || c.alembic?.locations.includes(native))) out.unshift({ relative: '', dir: native });
  out.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  return out.length ? out : [{ relative: '' }];
}

function listingOf(location: AlembicChainLocation): AlembicLocations {
  return { locations: location.locations, recursive: location.recursive, sourceless: location.sourceless };
}

function relativeLabel(root: string, dir: string): string {
  return path.relative(root, dir).split(path.sep).join('/');
}
