// Alembic projects run their own migrations: `migrationChain.alembic.command` (argv, no shell) in
// the folder holding alembic.ini, with the resolved URL in the configured environment variable,
// every output line streamed (redacted) to the channel. Abort kills the process.
import { spawn } from 'child_process';
import { CancelledError, MigrationChainError } from './core';
import type { Log } from './log';

export interface AlembicRun {
  command: string[];
  args: string[];
  cwd: string;
  /** Extra environment (the database URL under the configured variable name). */
  env: Record<string, string>;
  log: Log;
  signal?: AbortSignal;
}

export function runAlembic(run: AlembicRun): Promise<void> {
  const [exe, ...prefix] = run.command;
  const argv = [...prefix, ...run.args];
  const shown = [exe, ...argv].join(' ');
  run.log.info(`▶ ${shown}  (in ${run.cwd})`);
  const started = Date.now();
  return new Promise<void>((resolve, reject) => {
    if (run.signal?.aborted) { reject(new CancelledError()); return; }
    const child = spawn(exe, argv, { cwd: run.cwd, env: { ...process.env, ...run.env }, shell: false, windowsHide: true });
    const onAbort = () => child.kill('SIGINT');
    run.signal?.addEventListener('abort', onAbort, { once: true });
    const stream = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) if (line.trim()) run.log.append(line);
    };
    child.stdout.on('data', stream);
    child.stderr.on('data', stream);
    child.on('error', (err: NodeJS.ErrnoException) => {
      run.signal?.removeEventListener('abort', onAbort);
      reject(err.code === 'ENOENT'
        ? new MigrationChainError('usage', `"${exe}" was not found.`, 'Install Alembic in this environment or set migrationChain.alembic.command (e.g. "poetry run alembic").')
        : new MigrationChainError('io', `${shown} could not start: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      run.signal?.removeEventListener('abort', onAbort);
      const seconds = ((Date.now() - started) / 1000).toFixed(2);
      if (run.signal?.aborted) { reject(new CancelledError()); return; }
      if (code === 0) { run.log.info(`✔ ${shown} (${seconds} s)`); resolve(); return; }
      reject(new MigrationChainError('sql', `${shown} failed (${signal ?? `exit code ${code}`}) after ${seconds} s.`, 'The Alembic output is in the Migration Chain channel.'));
    });
  });
}
