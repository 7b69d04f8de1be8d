// The one policy for "which Python, and can it run Alembic?", used by the CLI, the editor and the runs:
//
// - `canRunAlembic(python)`: asks the interpreter whether it *finds* alembic and SQLAlchemy
//   (importlib's find_spec, ~15 ms of Python's own start, against ~300 ms to import them), outside
//   the project (there, a folder named alembic/ would be a namespace package, which does not count).
//   Always asynchronous (never blocks the editor's extension host), cached per interpreter: a "yes"
//   is kept, a "no" is asked again after a minute (the person may install Alembic meanwhile), and
//   concurrent questions about one interpreter share one child process.
// - `pythonCandidates` / `findAlembicPython`: the interpreter that reads a project through Alembic
//   (graph-helper.ts): migrationChain.python, the project's .venv/venv from its folder up to the
//   repository root, the Python extension's interpreter, python3/python on PATH.
// - `resolveAlembicCommand`: the command that runs the project's Alembic: the configured command,
//   the venv's alembic script (else its python -m alembic), a python on PATH that can run Alembic,
//   alembic on PATH.
// Paths are pure functions of the file system probe and the platform, so both POSIX (bin/python) and
// Windows (Scripts\python.exe, PATHEXT) layouts are unit-tested on any machine.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MigrationChainError } from '../errors';

export const VENV_NAMES = ['.venv', 'venv'] as const;

export function defaultIsFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
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

// ---- can this Python run Alembic? ----

const FIND_ALEMBIC = [
  'import sys, importlib.util as u',
  'specs = [u.find_spec(m) for m in ("alembic", "sqlalchemy")]',
  'sys.exit(0 if all(s is not None and s.origin not in (None, "namespace") for s in specs) else 1)',
].join('\n');
const RETRY_NO_AFTER_MS = 60_000;
const answers = new Map<string, { ok: boolean; at: number }>();
const asking = new Map<string, Promise<boolean>>();

/** Whether `python` finds alembic and SQLAlchemy. Asynchronous and cached (see the file's header). */
export function canRunAlembic(python: string): Promise<boolean> {
  const known = answers.get(python);
  if (known && (known.ok || Date.now() - known.at < RETRY_NO_AFTER_MS)) return Promise.resolve(known.ok);
  let pending = asking.get(python);
  if (!pending) {
    pending = new Promise<boolean>((resolve) => {
      execFile(python, ['-c', FIND_ALEMBIC], { cwd: os.tmpdir(), timeout: 15_000, windowsHide: true }, (err) => resolve(!err));
    }).then((ok) => {
      answers.set(python, { ok, at: Date.now() });
      asking.delete(python);
      return ok;
    });
    asking.set(python, pending);
  }
  return pending;
}

/** Forgets every answer (migrationChain.python changed, or a test installs Alembic). */
export function forgetAlembicAnswers(): void {
  answers.clear();
}

export type CanRunAlembic = (python: string) => boolean | Promise<boolean>;

// ---- the interpreter that reads a project through Alembic ----

export interface PythonCandidate {
  python: string;
  /** For the log and the messages: "migrationChain.python", "the virtual environment /p/.venv", … */
  source: string;
}

export interface PythonLookup {
  /** migrationChain.python (an interpreter path; relative paths are taken from the project folder). */
  configured?: string;
  /** The folder holding alembic.ini (or pyproject.toml). */
  projectDir: string;
  /** Virtual environments are looked for from projectDir up to this folder (default: projectDir only). */
  stopDir?: string;
  /** The interpreter selected in the Python extension, when it is installed and has one. */
  selected?: string;
  platform?: NodeJS.Platform;
  pathEnv?: string;
  pathExt?: string;
  isFile?: (file: string) => boolean;
}

/** Every interpreter worth trying, best first, without duplicates. Only existing files (except the configured one, which is reported if missing). */
export function pythonCandidates(lookup: PythonLookup): PythonCandidate[] {
  const platform = lookup.platform ?? process.platform;
  const win = platform === 'win32';
  const p = win ? path.win32 : path.posix;
  const isFile = lookup.isFile ?? defaultIsFile;
  const out: PythonCandidate[] = [];
  const add = (python: string, source: string) => {
    if (!out.some((c) => samePath(c.python, python, win))) out.push({ python, source });
  };
  if (lookup.configured?.trim()) {
    add(p.resolve(lookup.projectDir, lookup.configured.trim()), 'migrationChain.python');
  }
  for (const venv of venvsUp(p, lookup.projectDir, lookup.stopDir)) {
    const python = venvPython(p, venv, win);
    if (isFile(python)) add(python, `the virtual environment ${venv}`);
  }
  if (lookup.selected && isFile(lookup.selected)) add(lookup.selected, 'the interpreter selected in the Python extension');
  for (const python of pythonsOnPath(platform, lookup.pathEnv, lookup.pathExt, isFile)) add(python, `${python} on PATH`);
  return out;
}

/**
 * The first candidate that can run Alembic, or undefined with the candidates tried. The configured
 * interpreter is the person's explicit choice: when it cannot, nothing else is tried.
 */
export async function findAlembicPython(lookup: PythonLookup, canRun: CanRunAlembic = canRunAlembic): Promise<{ found?: PythonCandidate; tried: PythonCandidate[] }> {
  const tried: PythonCandidate[] = [];
  for (const c of pythonCandidates(lookup)) {
    tried.push(c);
    if (await canRun(c.python)) return { found: c, tried };
    if (c.source === 'migrationChain.python') break;
  }
  return { tried };
}

// ---- the command that runs the project's Alembic ----

export interface ResolvedAlembicCommand {
  /** argv prefix; Alembic's own arguments follow. */
  argv: string[];
  /** Where it came from, for the log: "the configured Alembic command", "the virtual environment /p/.venv", … */
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
  canRunAlembic?: CanRunAlembic;
  /** A Flask-Migrate project: its command is `flask db` (Flask-Migrate sets up Alembic from the app). */
  flaskMigrate?: boolean;
}

/** The configured command; the venv's alembic (or python -m alembic); a python on PATH that can run Alembic; alembic on PATH. */
export async function resolveAlembicCommand(lookup: CommandLookup): Promise<ResolvedAlembicCommand> {
  if (lookup.configured && lookup.configured.length > 0) {
    return { argv: [...lookup.configured], source: 'the configured Alembic command' };
  }
  const platform = lookup.platform ?? process.platform;
  const win = platform === 'win32';
  const p = win ? path.win32 : path.posix;
  const isFile = lookup.isFile ?? defaultIsFile;
  const canRun = lookup.canRunAlembic ?? canRunAlembic;

  if (lookup.flaskMigrate) {
    for (const venv of venvsUp(p, lookup.projectDir, lookup.stopDir)) {
      const python = venvPython(p, venv, win);
      if (isFile(python)) return { argv: [python, '-m', 'flask', 'db'], source: `the virtual environment ${venv} (Flask-Migrate)` };
    }
    for (const python of pythonsOnPath(platform, lookup.pathEnv, lookup.pathExt, isFile)) {
      if (await canRun(python)) return { argv: [python, '-m', 'flask', 'db'], source: `${python} (Flask-Migrate)` };
    }
    throw new MigrationChainError('usage',
      `No Python found for the Flask-Migrate project in ${lookup.projectDir}: no .venv or venv, and no Python on PATH that can import alembic.`,
      'Create the project\'s virtual environment (.venv) with Flask-Migrate installed, or set migrationChain.alembic.command / pass --alembic-command (e.g. "poetry run flask db").');
  }
  for (const venv of venvsUp(p, lookup.projectDir, lookup.stopDir)) {
    const script = p.join(venv, win ? 'Scripts' : 'bin', win ? 'alembic.exe' : 'alembic');
    if (isFile(script)) return { argv: [script], source: `the virtual environment ${venv}` };
    const python = venvPython(p, venv, win);
    if (isFile(python)) return { argv: [python, '-m', 'alembic'], source: `the virtual environment ${venv}` };
  }
  for (const python of pythonsOnPath(platform, lookup.pathEnv, lookup.pathExt, isFile)) {
    if (await canRun(python)) return { argv: [python, '-m', 'alembic'], source: `${python} (can import alembic)` };
  }
  const script = findOnPath('alembic', { platform, pathEnv: lookup.pathEnv ?? process.env.PATH ?? '', pathExt: lookup.pathExt ?? process.env.PATHEXT, isFile })[0];
  if (script) return { argv: [script], source: `${script} on PATH` };
  throw new MigrationChainError('usage',
    `No Alembic found for ${lookup.projectDir}: no .venv or venv with Alembic, no Python on PATH that can import alembic, and no alembic on PATH.`,
    'Install Alembic (e.g. in the project\'s .venv), or set migrationChain.alembic.command / pass --alembic-command (e.g. "poetry run alembic").');
}

function venvsUp(p: typeof path.posix, projectDir: string, stopDir: string | undefined): string[] {
  return foldersUp(p, projectDir, stopDir).flatMap((dir) => VENV_NAMES.map((name) => p.join(dir, name)));
}

function venvPython(p: typeof path.posix, venv: string, win: boolean): string {
  return win ? p.join(venv, 'Scripts', 'python.exe') : p.join(venv, 'bin', 'python');
}

function pythonsOnPath(platform: NodeJS.Platform, pathEnv: string | undefined, pathExt: string | undefined, isFile: (f: string) => boolean): string[] {
  const win = platform === 'win32';
  return (win ? ['python', 'py'] : ['python3', 'python']).flatMap((name) =>
    findOnPath(name, { platform, pathEnv: pathEnv ?? process.env.PATH ?? '', pathExt: pathExt ?? process.env.PATHEXT, isFile }));
}

function samePath(a: string, b: string, win: boolean): boolean {
  return win ? a.toLowerCase() === b.toLowerCase() : a === b;
}
