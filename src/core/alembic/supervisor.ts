// The program that stands between us and the Alembic child, run as `node -e` (see process.ts).
// Why a middle process: if our CLI or extension host is killed with SIGKILL it cannot clean up, and
// an `alembic upgrade` left running would keep migrating a database nobody watches any more. The
// supervisor notices our death as the end of its stdin (the kernel closes the pipe with us) and
// stops the child's whole process group (POSIX) or the child (Windows). It also forwards SIGINT and
// SIGTERM to that group once, and reports how the child ended on fd 3 as one JSON line.
// It starts the child only when a line arrives on its stdin: the caller can start it (Node's start-up
// is most of its cost) while it connects and takes the migration lock, and let Alembic go after.
//
// This function is serialised with Function.prototype.toString and run in a fresh `node` process:
// it must use nothing from this module's scope, only `require` and `process`.

/** How the supervised child ended, as written on fd 3. */
export type SupervisorReport =
  | { kind: 'exit'; code: number | null; signal: string | null }
  | { kind: 'spawn-error'; code: string; message: string };

export function supervise(graceMs: number, argv: string[]): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs') as typeof import('node:fs');
  const posix = process.platform !== 'win32';
  const report = (r: SupervisorReport): void => {
    try { fs.writeSync(3, `${JSON.stringify(r)}\n`); } catch { /* our parent is gone */ }
  };
  let child: import('node:child_process').ChildProcess | undefined;
  const signalled = new Set<string>();
  let killTimer: NodeJS.Timeout | undefined;
  const signalChild = (signal: NodeJS.Signals): void => {
    if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      if (posix) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch { /* already gone */ }
  };
  const stop = (signal: NodeJS.Signals): void => {
    // Not started yet: nothing to stop but ourselves.
    if (!child) process.exit(signal === 'SIGINT' ? 130 : 143);
    if (signalled.has(signal)) return;
    signalled.add(signal);
    signalChild(signal);
    if (signal !== 'SIGINT' && !killTimer) killTimer = setTimeout(() => signalChild('SIGKILL'), graceMs);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // The lifeline: our parent never writes, so the end of stdin means the parent is gone.
  const orphaned = (): void => {
    stop('SIGTERM');
    setTimeout(() => { signalChild('SIGKILL'); process.exit(1); }, graceMs).unref();
  };
  process.stdin.on('end', orphaned);
  process.stdin.on('error', orphaned);
  const start = (): void => {
    const started = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit'], detached: posix, windowsHide: true, shell: false });
    child = started;
    started.on('error', (err: NodeJS.ErrnoException) => {
      report({ kind: 'spawn-error', code: err.code ?? 'UNKNOWN', message: err.message });
      process.exit(127);
    });
    started.on('exit', (code, signal) => {
      // The group may still hold grandchildren (a wrapper such as `poetry run`): they go with it.
      if (posix && started.pid !== undefined) { try { process.kill(-started.pid, 'SIGKILL'); } catch { /* none left */ } }
      report({ kind: 'exit', code, signal });
      process.exit(code ?? 1);
    });
  };
  // The go signal: the first newline on stdin (nothing else is ever written there).
  process.stdin.on('data', (chunk: Buffer) => { if (!child && chunk.includes(10)) start(); });
  process.stdin.resume();
}

/** `node -e` source that runs `supervise` with `node -e SOURCE -- GRACE_MS EXE ARGS...`. */
export const SUPERVISOR_SOURCE = `(${supervise.toString()})(Number(process.argv[1]), process.argv.slice(2));`;
