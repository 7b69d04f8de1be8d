// The program that stands between us and the Alembic child, run as `node -e` (see process.ts).
// Why a middle process: if our CLI or extension host is killed with SIGKILL it cannot clean up, and
// an `alembic upgrade` left running would keep migrating a database nobody watches any more. The
// supervisor notices our death as the end of its stdin (the kernel closes the pipe with us) and
// stops the child's whole process group (POSIX) or the child (Windows). It also forwards SIGINT and
// SIGTERM to that group once, and reports how the child ended on fd 3 as one JSON line.
// It starts the child only when a line arrives on its stdin: the caller can start it (Node's start-up
// is most of its cost) while it connects and takes the migration lock, and let Alembic go after.
// With `early`, the child starts at once with a pipe as its stdin and that line is passed on to it: a
// child that imports its libraries before it waits for the line (process.ts's Python launcher) does
// so while the caller connects; the end of our stdin before the line kills the child's group.
//
// This function is serialised with Function.prototype.toString and run in a fresh `node` process:
// it must use nothing from this module's scope, only `require` and `process`.

/** How the supervised child ended, as written on fd 3. */
export type SupervisorReport =
  | { kind: 'exit'; code: number | null; signal: string | null }
  | { kind: 'spawn-error'; code: string; message: string };

export function supervise(graceMs: number, early: boolean, argv: string[]): void {
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
  let released = false;
  // An early child that ended before the go line (an import failed): reported once the line comes.
  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
    report({ kind: 'exit', code, signal });
    process.exit(code ?? 1);
  };
  const start = (): void => {
    const started = spawn(argv[0], argv.slice(1), { stdio: [early ? 'pipe' : 'ignore', 'inherit', 'inherit'], detached: posix, windowsHide: true, shell: false });
    child = started;
    started.stdin?.on('error', () => { /* the child ended first */ });
    started.on('error', (err: NodeJS.ErrnoException) => {
      report({ kind: 'spawn-error', code: err.code ?? 'UNKNOWN', message: err.message });
      process.exit(127);
    });
    started.on('exit', (code, signal) => {
      // The group may still hold grandchildren (a wrapper such as `poetry run`): they go with it.
      if (posix && started.pid !== undefined) { try { process.kill(-started.pid, 'SIGKILL'); } catch { /* none left */ } }
      if (released) finish(code, signal);
      else ended = { code, signal };
    });
  };
  if (early) {
    start();
    // Ended before the go line: the child only imported; nothing to wind down gracefully.
    const refused = (): void => { if (!released) { signalChild('SIGKILL'); process.exit(143); } };
    process.stdin.on('end', refused);
    process.stdin.on('error', refused);
  }
  // The go signal: the first newline on stdin (nothing else is ever written there).
  process.stdin.on('data', (chunk: Buffer) => {
    if (released || !chunk.includes(10)) return;
    released = true;
    if (!child) start();
    else if (ended) finish(ended.code, ended.signal);
    else child.stdin?.end('\n');
  });
  process.stdin.resume();
}

/** `node -e` source that runs `supervise` with `node -e SOURCE -- GRACE_MS EARLY EXE ARGS...` (EARLY: 1 or 0). */
export const SUPERVISOR_SOURCE = `(${supervise.toString()})(Number(process.argv[1]), process.argv[2] === '1', process.argv.slice(3));`;
