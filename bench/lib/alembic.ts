// The peer: Debian's `alembic` (apt-get install alembic python3-alembic python3-psycopg2). When it
// is missing, or cannot reach PostgreSQL through psycopg2, the bench says why and prints our
// figures alone.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { timeProcess } from './measure';

/** `args`: what goes before Alembic's own arguments (`-m alembic` when the peer is `python3 -m alembic`). */
export type AlembicPeer = { available: true; command: string; args: string[]; version: string } | { available: false; reason: string };

const INSTALL_HINT = 'apt-get install alembic python3-alembic python3-psycopg2';

/**
 * BENCH_ALEMBIC, else `alembic` on PATH, else `python3 -m alembic` with Debian's python3 (its
 * python3-alembic package ships the module without the `alembic` script).
 */
export function detectAlembic(): AlembicPeer {
  if (!process.env.BENCH_ALEMBIC) {
    const script = spawnSync('alembic', ['--version'], { encoding: 'utf8' });
    if (script.error || script.status !== 0) {
      const module = spawnSync('/usr/bin/python3', ['-m', 'alembic', '--version'], { encoding: 'utf8' });
      const driver = spawnSync('/usr/bin/python3', ['-c', 'import psycopg2'], { encoding: 'utf8' });
      if (!module.error && module.status === 0 && driver.status === 0) {
        return { available: true, command: '/usr/bin/python3', args: ['-m', 'alembic'], version: `${module.stdout}${module.stderr}`.trim() };
      }
    }
  }
  const command = process.env.BENCH_ALEMBIC ?? 'alembic';
  const version = spawnSync(command, ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    return { available: false, reason: `\`${command}\` is not installed or does not run (${INSTALL_HINT})` };
  }
  // The PostgreSQL driver must be importable by the interpreter alembic runs on.
  const python = interpreterOf(command) ?? 'python3';
  const driver = spawnSync(python, ['-c', 'import psycopg2'], { encoding: 'utf8' });
  if (driver.error || driver.status !== 0) {
    return { available: false, reason: `alembic is installed but psycopg2 is not importable by ${python} (${INSTALL_HINT})` };
  }
  return { available: true, command, args: [], version: `${version.stdout}${version.stderr}`.trim() };
}

/** The interpreter of a script's `#!` line, e.g. /usr/bin/python3 for Debian's /usr/bin/alembic. */
function interpreterOf(command: string): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { encoding: 'utf8' });
  const path = which.stdout.trim();
  if (!path) return undefined;
  try {
    const first = readFileSync(path, 'utf8').split('\n', 1)[0];
    const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
    if (!m) return undefined;
    return m[1].endsWith('/env') ? m[2] : m[1];
  } catch {
    return undefined;
  }
}

/** Runs `alembic <args>` in an Alembic project folder (the generated env.py reads DATABASE_URL). */
export function timeAlembic(peer: AlembicPeer & { available: true }, projectDir: string, args: string[], url?: string): { ms: number; stdout: string } {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  if (url) env.DATABASE_URL = url;
  return timeProcess({ command: peer.command, args: [...peer.args, ...args], cwd: projectDir, env });
}
