// Which Python reads an Alembic project's graph through Alembic (alembic/graph-helper.ts). In order:
// the configured interpreter (migrationChain.python); the project's virtual environment (.venv or
// venv, in the folder of alembic.ini or a folder above it up to the repository root); the
// interpreter selected in the Python extension, when the editor passes one; a python on PATH.
// Candidates are a pure function of the paths so that both POSIX (bin/python) and Windows
// (Scripts\python.exe) layouts are unit-tested on any machine; whether a candidate can import
// Alembic is asked separately, once per interpreter.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findOnPath, foldersUp } from './command';

export interface PythonCandidate {
  python: string;
  /** For the log and the messages: "migrationChain.python", "the virtual environment /p/.venv", … */
  source: string;
}

export interface PythonLookup {
  /** migrationChain.python (an interpreter path; relative paths are taken from the project folder). */
  configured?: string;
  /** The folder holding alembic.ini. */
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

const VENV_NAMES = ['.venv', 'venv'];

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
  for (const dir of foldersUp(p, lookup.projectDir, lookup.stopDir)) {
    for (const name of VENV_NAMES) {
      const venv = p.join(dir, name);
      const python = win ? p.join(venv, 'Scripts', 'python.exe') : p.join(venv, 'bin', 'python');
      if (isFile(python)) add(python, `the virtual environment ${venv}`);
    }
  }
  if (lookup.selected && isFile(lookup.selected)) add(lookup.selected, 'the interpreter selected in the Python extension');
  const pathEnv = lookup.pathEnv ?? process.env.PATH ?? '';
  for (const name of win ? ['python', 'py'] : ['python3', 'python']) {
    for (const python of findOnPath(name, { platform, pathEnv, pathExt: lookup.pathExt ?? process.env.PATHEXT, isFile })) {
      add(python, `${python} on PATH`);
    }
  }
  return out;
}

/**
 * The first candidate that can import Alembic, or undefined with the reasons tried. The configured
 * interpreter is the person's explicit choice: when it cannot import Alembic nothing else is tried.
 */
export async function findAlembicPython(
  lookup: PythonLookup,
  canImportAlembic: (python: string) => boolean | Promise<boolean> = defaultCanImportAlembic,
): Promise<{ found?: PythonCandidate; tried: PythonCandidate[] }> {
  const tried: PythonCandidate[] = [];
  for (const c of pythonCandidates(lookup)) {
    tried.push(c);
    if (await canImportAlembic(c.python)) return { found: c, tried };
    if (c.source === 'migrationChain.python') break;
  }
  return { tried };
}

function samePath(a: string, b: string, win: boolean): boolean {
  return win ? a.toLowerCase() === b.toLowerCase() : a === b;
}

function defaultIsFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

// A "no" is asked again after a minute: the person may install Alembic while the editor is open.
const importable = new Map<string, { ok: boolean; at: number }>();
const RETRY_NO_AFTER_MS = 60_000;

/** Asked outside the project (never blocking the caller's thread): there, a folder named alembic/ would import as a namespace package. */
export async function defaultCanImportAlembic(python: string): Promise<boolean> {
  const known = importable.get(python);
  if (known && (known.ok || Date.now() - known.at < RETRY_NO_AFTER_MS)) return known.ok;
  const ok = await new Promise<boolean>((resolve) => {
    execFile(python, ['-c', 'import alembic.script'], { cwd: os.tmpdir(), timeout: 15_000, windowsHide: true }, (err) => resolve(!err));
  });
  importable.set(python, { ok, at: Date.now() });
  return ok;
}
