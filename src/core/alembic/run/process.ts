// Runs one Alembic command line as a child process: argv (never a shell), in the project folder,
// with the database URL in the environment variable env.py reads. Every output line is redacted
// and handed to the caller as it arrives; a cancel sends SIGINT, then SIGTERM after a grace period.
// The child runs under the supervisor (supervisor.ts), so it cannot outlive this process.
import { spawn } from 'node:child_process';
import { AlembicFailedError, CancelledError, MigrationChainError } from '../../errors';
import { parseGuardLine } from './connect-guard';
import type { ReachedDatabase } from '../../errors';
import { SUPERVISOR_SOURCE, type SupervisorReport } from './supervisor';
import { PERL_SUPERVISOR_SOURCE, perlForSupervisor } from './supervisor-perl';

export interface AlembicProcessOptions {
  /** The command (e.g. ['/p/.venv/bin/alembic'] or ['python3', '-m', 'alembic']) followed by Alembic's arguments. */
  argv: readonly string[];
  cwd: string;
  /** Added to the inherited environment (the database URL under its variable name). */
  env: Record<string, string>;
  /** Replaced by **** in every line before it is passed on. */
  secrets: readonly string[];
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  signal?: AbortSignal;
  /** Between SIGINT and SIGTERM, and between SIGTERM and SIGKILL (default 5 s). */
  graceMs?: number;
  /** Called with the supervisor's pid once it started (tests look for orphans with it). */
  onStart?: (pid: number) => void;
  /**
   * Alembic starts when this settles (the supervisor is started at once, so its start-up overlaps the
   * caller's connect and lock); when it rejects, Alembic never starts and the run rejects with its error.
   */
  gate?: Promise<unknown>;
  /**
   * With a gate: a command started at once (instead of argv, which messages still show) that prepares
   * and then waits for one line on its stdin, passed on when the gate opens (python-launch.ts).
   */
  early?: readonly string[];
  /** Which supervisor (default: Perl where there is one, it starts in ~2 ms; else Node). Tests run both. */
  supervisor?: 'perl' | 'node';
  /**
   * The connection guard stopped the child at a connection to another database (connect-guard.ts):
   * the run rejects with this error instead of Alembic's exit.
   */
  onWrongDatabase?: (reached: ReachedDatabase) => Error;
}

/** What the child's connection guard reported (connect-guard.ts); its lines never reach the output. */
export interface GuardOutcome {
  /** The listener was in place: every connection env.py opened was checked. */
  armed: boolean;
  /** A connection reached the intended database (the first such, as the server named it). */
  proven?: ReachedDatabase;
}

export interface AlembicProcessResult {
  stdout: string;
  stderr: string;
  durationMs: number;
  guard: GuardOutcome;
}

export const DEFAULT_GRACE_MS = 5000;

/** The command as shown to people: words joined, the ones with spaces quoted. */
export function displayCommand(argv: readonly string[]): string {
  return argv.map((a) => (/[\s"']/.test(a) || a === '' ? JSON.stringify(a) : a)).join(' ');
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('****');
  return out;
}

export function runAlembicProcess(options: AlembicProcessOptions): Promise<AlembicProcessResult> {
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const shown = displayCommand(options.argv);
  let started = performance.now();
  return new Promise<AlembicProcessResult>((resolve, reject) => {
    if (options.signal?.aborted) { reject(new CancelledError()); return; }
    const perl = options.supervisor === 'node' ? undefined : perlForSupervisor();
    if (options.supervisor === 'perl' && !perl) { reject(new MigrationChainError('io', 'No perl for the Alembic supervisor.')); return; }
    const [exe, source] = perl ? [perl, PERL_SUPERVISOR_SOURCE] : [process.execPath, SUPERVISOR_SOURCE];
    const early = options.gate && options.early ? options.early : undefined;
    const supervisor = spawn(exe, ['-e', source, '--', String(graceMs), early ? '1' : '0', ...(early ?? options.argv)], {
      cwd: options.cwd,
      // ELECTRON_RUN_AS_NODE: inside VS Code, process.execPath is the editor's binary.
      env: { ...process.env, ...options.env, ELECTRON_RUN_AS_NODE: '1', PYTHONUNBUFFERED: '1' },
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
    });
    if (supervisor.pid !== undefined) options.onStart?.(supervisor.pid);
    const out = { stdout: '', stderr: '' };
    const pending = { stdout: '', stderr: '' };
    const guard: GuardOutcome = { armed: false };
    let refused: ReachedDatabase | undefined;
    // The guard writes "\n" before its line: that empty line is its, not the child's.
    let skipEmpty = false;
    const emit = (stream: 'stdout' | 'stderr', chunk: string, flush: boolean) => {
      const text = pending[stream] + chunk;
      const lines = text.split(/\r?\n/);
      pending[stream] = flush ? '' : lines.pop() ?? '';
      for (const raw of lines) {
        if (raw === '' && flush) continue;
        const report = stream === 'stderr' ? parseGuardLine(raw) : undefined;
        if (report) {
          skipEmpty = false;
          if (report.kind === 'armed') guard.armed = true;
          else if (report.kind === 'proven') guard.proven ??= report.reached;
          else refused ??= report.reached;
          continue;
        }
        if (stream === 'stderr' && raw === '' && !skipEmpty) { skipEmpty = true; continue; }
        if (stream === 'stderr' && skipEmpty) { skipEmpty = false; emitLine('stderr', ''); }
        emitLine(stream, raw);
      }
    };
    const emitLine = (stream: 'stdout' | 'stderr', raw: string) => {
      const line = redact(raw, options.secrets);
      out[stream] += `${line}\n`;
      options.onLine?.(line, stream);
    };
    supervisor.stdout.setEncoding('utf8').on('data', (c: string) => emit('stdout', c, false));
    supervisor.stderr.setEncoding('utf8').on('data', (c: string) => emit('stderr', c, false));
    let reportText = '';
    const control = supervisor.stdio[3];
    control?.on('data', (c: Buffer) => { reportText += c.toString('utf8'); });
    // stdin stays open: it is the supervisor's lifeline to us; one newline on it starts Alembic.
    supervisor.stdin.on('error', () => { /* the supervisor ended first */ });
    let gateError: Error | undefined;
    const go = () => { started = performance.now(); supervisor.stdin.write('\n'); };
    if (!options.gate) go();
    else {
      options.gate.then(go, (err: unknown) => {
        gateError = err instanceof Error ? err : new MigrationChainError('io', `The run stopped before Alembic started: ${String(err)}`);
        supervisor.stdin.end();
      });
    }

    let termTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      supervisor.kill('SIGINT');
      termTimer = setTimeout(() => supervisor.kill('SIGTERM'), graceMs);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    supervisor.on('error', (err) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(new MigrationChainError('io', `Cannot start the Alembic supervisor (${exe}): ${err.message}`));
    });
    supervisor.on('close', (code) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (termTimer) clearTimeout(termTimer);
      emit('stdout', '', true);
      emit('stderr', '', true);
      if (skipEmpty) emitLine('stderr', '');
      const durationMs = performance.now() - started;
      if (gateError !== undefined) { reject(gateError); return; }
      if (refused && options.onWrongDatabase) { reject(options.onWrongDatabase(refused)); return; }
      const report = parseReport(reportText);
      if (report?.kind === 'spawn-error') {
        reject(report.code === 'ENOENT'
          ? new MigrationChainError('usage', `The Alembic command was not found: ${options.argv[0]} (${shown}).`,
            'Install Alembic in the project\'s virtual environment (.venv), or set migrationChain.alembic.command / --alembic-command (e.g. "poetry run alembic").')
          : new MigrationChainError('io', `${shown} could not start: ${redact(report.message, options.secrets)}`));
        return;
      }
      if (options.signal?.aborted) { reject(new CancelledError()); return; }
      const exitCode = report?.kind === 'exit' ? report.code : code;
      if (exitCode === 0) { resolve({ ...out, durationMs, guard }); return; }
      const how = report?.kind === 'exit' && report.signal ? `signal ${report.signal}` : `exit code ${exitCode ?? code}`;
      reject(new AlembicFailedError(shown, how, durationMs, lastLines(out.stderr || out.stdout)));
    });
  });
}


function lastLines(text: string, n = 6): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

function parseReport(text: string): SupervisorReport | undefined {
  const line = text.split('\n').find((l) => l.trim() !== '');
  if (!line) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && 'kind' in value) {
      const v = value as Record<string, unknown>;
      if (v.kind === 'spawn-error' && typeof v.code === 'string' && typeof v.message === 'string') return { kind: 'spawn-error', code: v.code, message: v.message };
      if (v.kind === 'exit') {
        return { kind: 'exit', code: typeof v.code === 'number' ? v.code : null, signal: typeof v.signal === 'string' ? v.signal : null };
      }
    }
  } catch {
    // a truncated report: fall back to the supervisor's own exit code
  }
  return undefined;
}
