// Which Alembic to run for a project. In order: the configured command (migrationChain.alembic.command
// / --alembic-command); the project's virtual environment (.venv or venv, in the folder of
// alembic.ini or a folder above it up to the workspace root): its alembic script, else its python
// with `-m alembic`; a python on PATH that can import alembic (`-m alembic`); `alembic` on PATH.
// POSIX virtual environments keep bin/alembic and bin/python, Windows ones Scripts\alembic.exe and
// Scripts\python.exe. The file-system and the python probe are parameters so that both layouts are
// unit-tested on any machine.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MigrationChainError } from '../errors';

export interface ResolvedAlembicCommand {
  /** argv prefix; Alembic's own arguments follow. */
  argv: string[];
  /** Where it came from, for the log: "migrationChain.alembic.command", "/p/.venv", "python3 on PATH", … */
  source: string;
}

export interface CommandLookup {
  /** The configured command, already split into words; empty or undefined = find one. */
  configured?: readonly string[];
  /** The folder holding alembic.ini. */
  projectDir: string;
  /** Virtual environments are looked for from projectDir up to this folder (default: projectDir only). */
  stopDir?: string;
  platform?: NodeJS.Platform;
  pathEnv?: string;
  /** PATHEXT on Windows. */
  pathExt?: string;
  isFile?: (file: string) => boolean;
  /** Whether `python -c "import alembic"` succeeds. */
  canImportAlembic?: (python: string) => boolean;
}

const VENV_NAMES = ['.venv', 'venv'];

export function resolveAlembicCommand(lookup: CommandLookup): ResolvedAlembicCommand {
  if (lookup.configured && lookup.configured.length > 0) {
    return { argv: [...lookup.configured], source: 'the configured Alembic command' };
  }
  const platform = lookup.platform ?? process.platform;
  const win = platform === 'win32';
  const p = win ? path.win32 : path.posix;
  const isFile = lookup.isFile ?? defaultIsFile;
  const canImport = lookup.canImportAlembic ?? defaultCanImportAlembic;

  for (const dir of foldersUp(p, lookup.projectDir, lookup.stopDir)) {
    for (const name of VENV_NAMES) {
      const venv = p.join(dir, name);
      const bin = p.join(venv, win ? 'Scripts' : 'bin');
      const script = p.join(bin, win ? 'alembic.exe' : 'alembic');
      if (isFile(script)) return { argv: [script], source: `the virtual environment ${venv}` };
      const python = p.join(bin, win ? 'python.exe' : 'python');
      if (isFile(python)) return { argv: [python, '-m', 'alembic'], source: `the virtual environment ${venv}` };
    }
  }

  const onPath = (name: string) => findOnPath(name, { platform, pathEnv: lookup.pathEnv ?? process.env.PATH ?? '', pathExt: lookup.pathExt ?? process.env.PATHEXT, isFile });
  for (const name of win ? ['python', 'py'] : ['python3', 'python']) {
    for (const python of onPath(name)) {
      if (canImport(python)) return { argv: [python, '-m', 'alembic'], source: `${python} (can import alembic)` };
    }
  }
  const script = onPath('alembic')[0];
  if (script) return { argv: [script], source: `${script} on PATH` };
  throw new MigrationChainError('usage',
    `No Alembic found for ${lookup.projectDir}: no .venv or venv with Alembic, no Python on PATH that can import alembic, and no alembic on PATH.`,
    'Install Alembic (e.g. in the project\'s .venv), or set migrationChain.alembic.command / pass --alembic-command (e.g. "poetry run alembic").');
}

/** projectDir, then each parent up to and including stopDir (only projectDir when stopDir is not above it). */
export function foldersUp(p: typeof path.posix, projectDir: string, stopDir: string | undefined): string[] {
  const start = p.resolve(projectDir);
  const out = [start];
  if (!stopDir) return out;
  const stop = p.resolve(stopDir);
  const rel = p.relative(stop, start);
  if (rel.startsWith('..') || p.isAbsolute(rel)) return out;
  for (let dir = start; dir !== stop && p.dirname(dir) !== dir;) {
    dir = p.dirname(dir);
    out.push(dir);
  }
  return out;
}

/** Every match of `name` on PATH, in PATH order (Windows: with each PATHEXT extension). */
export function findOnPath(name: string, o: { platform: NodeJS.Platform; pathEnv: string; pathExt?: string; isFile: (f: string) => boolean }): string[] {
  const win = o.platform === 'win32';
  const p = win ? path.win32 : path.posix;
  const exts = win ? (o.pathExt ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean).map((e) => e.toLowerCase()) : [''];
  const found: string[] = [];
  for (const dir of o.pathEnv.split(win ? ';' : ':')) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = p.join(dir, name + ext);
      if (o.isFile(candidate) && !found.includes(candidate)) found.push(candidate);
    }
  }
  return found;
}

/**
 * Splits a command setting into argv without a shell: whitespace separates words, double or single
 * quotes group them. Nothing is expanded, so `$(…)`, `;` or `|` stay literal arguments.
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(command)) !== null) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

function defaultIsFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

const importable = new Map<string, boolean>();

// Finding the packages, not importing them: `import alembic.config` (SQLAlchemy included) took
// ~250-320 ms here, paid by every CLI run of an Alembic project before Alembic itself started;
// find_spec answers in the ~15 ms of Python's own start. A namespace package (a folder named
// alembic/ without __init__.py) has no origin and does not count.
const FIND_ALEMBIC = [
  'import sys, importlib.util as u',
  'specs = [u.find_spec(m) for m in ("alembic", "sqlalchemy")]',
  'sys.exit(0 if all(s is not None and s.origin not in (None, "namespace") for s in specs) else 1)',
].join('\n');

/**
 * Run outside the project: in the folder holding alembic.ini, its `alembic/` script folder would
 * be found as a namespace package.
 */
function defaultCanImportAlembic(python: string): boolean {
  let ok = importable.get(python);
  if (ok === undefined) {
    const r = spawnSync(python, ['-c', FIND_ALEMBIC], { cwd: os.tmpdir(), stdio: 'ignore', timeout: 15_000, windowsHide: true });
    ok = r.status === 0;
    importable.set(python, ok);
  }
  return ok;
}
