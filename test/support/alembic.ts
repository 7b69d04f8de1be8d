// Real Alembic for the tests. `MC_ALEMBIC` picks which one a run uses:
//   debian (default) — Debian's python3-alembic (1.8.1) under /usr/bin/python3, installed by install-alembic.sh;
//   latest           — the newest Alembic `pip install alembic` gives, in the venv install-alembic-latest.sh
//                      builds under .test-artifacts/alembic-venv-latest.
// Either is installed on first use; a machine where that fails fails the suite loudly with the reason.
// The chosen python's folder is put first on PATH, so the CLI and the editor find that Alembic too.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../reliability/support/cli';

export type AlembicFlavour = 'debian' | 'latest';

let python: string | undefined;

export function alembicFlavour(): AlembicFlavour {
  const v = (process.env.MC_ALEMBIC ?? 'debian').trim();
  if (v !== 'debian' && v !== 'latest') throw new Error(`MC_ALEMBIC must be "debian" or "latest", not ${JSON.stringify(v)}.`);
  return v;
}

function importsAlembic(py: string): boolean {
  return spawnSync(py, ['-c', 'import alembic, psycopg2'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

/** Installs (when missing) the newest pip Alembic into the tests' venv and returns its python. Reusable by any suite. */
export function latestAlembicPython(venv?: string): string {
  try {
    const out = execFileSync('bash', [path.join(REPO_ROOT, 'test', 'support', 'install-alembic-latest.sh'), ...(venv ? [venv] : [])],
      { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', timeout: 900_000 });
    return out.trim().split('\n').pop()!;
  } catch (err) {
    throw new Error(`Today's Alembic is required by this suite and could not be installed with pip: ${(err as Error).message}`);
  }
}

/**
 * Debian's python3 with python3-alembic and python3-psycopg2, installed on first use, through a
 * folder of its own (.test-artifacts/alembic-debian-bin/python3 -> /usr/bin/python3): that folder
 * first on PATH selects Debian's Alembic without putting all of /usr/bin ahead of the rest of PATH.
 */
export function debianAlembicPython(): string {
  const system = '/usr/bin/python3';
  const bin = path.join(REPO_ROOT, '.test-artifacts', 'alembic-debian-bin');
  const py = path.join(bin, 'python3');
  if (!fs.existsSync(py)) {
    fs.mkdirSync(bin, { recursive: true });
    fs.symlinkSync(system, py);
  }
  if (importsAlembic(py)) return py;
  try {
    execFileSync('bash', [path.join(REPO_ROOT, 'test', 'support', 'install-alembic.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 });
  } catch (err) {
    throw new Error(`Real Alembic is required by this suite and could not be installed: ${(err as Error).message}`);
  }
  if (!importsAlembic(py)) throw new Error('install-alembic.sh ran, but /usr/bin/python3 does not import alembic and psycopg2.');
  return py;
}

/** The python with the chosen Alembic (MC_ALEMBIC); installs it on first use and puts it first on PATH. */
export function alembicPython(): string {
  if (python) return python;
  python = alembicFlavour() === 'latest' ? latestAlembicPython() : debianAlembicPython();
  const dir = path.dirname(python);
  const rest = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d && d !== dir);
  process.env.PATH = [dir, ...rest].join(path.delimiter);
  return python;
}

/** The chosen Alembic's version, e.g. "1.8.1". */
export function alembicVersion(): string {
  return execFileSync(alembicPython(), ['-c', 'import alembic; print(alembic.__version__)'], { encoding: 'utf8' }).trim();
}

/** Runs real Alembic (`python -m alembic -c CONFIG ARGS…`) directly, without Migration Chain. */
export function realAlembic(iniFile: string, args: readonly string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(alembicPython(), ['-m', 'alembic', '-c', iniFile, ...args], {
    cwd: path.dirname(iniFile), env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
