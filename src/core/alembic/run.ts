// upgrade, downgrade and stamp of an Alembic project, run by the project's own Alembic while this
// process holds the migration lock our native runs take (Alembic itself takes none), so two runs
// through Migration Chain never overlap. The recorded heads are read before and after, so callers
// get the same RunResult as from a native run; upgrades end with verify, as resets do.
import type { Chain } from '../chain/chain';
import { readHeads } from '../db/version-table';
import { readDatabaseState, type DatabaseState } from '../status/status';
import { silentLogger, type Logger } from '../log';
import type { RunResult } from '../run/runner';
import { withSession, type Session, type SessionOptions } from '../run/session';
import { secretFormsOf } from '../secrets';
import type { ClientBase } from 'pg';
import { CancelledError } from '../errors';
import { logChecks, verifyOnClient, type VerifyReport } from '../verify/verify';
import type { ResolvedAlembicCommand } from './command';
import type { AlembicProject } from './project';
import { displayCommand, runAlembicProcess, type AlembicProcessResult } from './process';
import { earlyPythonLaunch } from './python-launch';

export interface AlembicOptions extends SessionOptions {
  chain: Chain;
  project: AlembicProject;
  command: ResolvedAlembicCommand;
  /** The environment variable env.py reads the URL from (default DATABASE_URL). */
  envVariable?: string;
  /** SIGINT -> SIGTERM -> SIGKILL spacing on cancel. */
  graceMs?: number;
}

export const DEFAULT_ENV_VARIABLE = 'DATABASE_URL';

/** What one Alembic process needs (no chain, no lock settings). */
export type AlembicProcessOptions = Pick<AlembicOptions, 'project' | 'command' | 'envVariable' | 'graceMs' | 'url' | 'logger' | 'signal'>;

/**
 * Runs `alembic -c INI ARGS…` in the project folder with the URL in the environment; no lock.
 * With `gate`, the process is started now and Alembic itself when the gate resolves (process.ts).
 */
export function alembic(options: AlembicProcessOptions, args: readonly string[], gate?: Promise<unknown>): Promise<AlembicProcessResult> {
  const log = options.logger ?? silentLogger;
  const argv = [...options.command.argv, '-c', options.project.iniFile, ...args];
  const announce = () => log.info(`▶ ${displayCommand(argv)}  (in ${options.project.dir}; Alembic from ${options.command.source})`);
  if (gate) gate.then(announce, () => undefined);
  else announce();
  return runAlembicProcess({
    gate,
    argv,
    early: earlyPythonLaunch(options.command.argv, ['-c', options.project.iniFile, ...args]),
    cwd: options.project.dir,
    env: { [options.envVariable ?? DEFAULT_ENV_VARIABLE]: options.url },
    secrets: secretFormsOf(options.url, process.env),
    onLine: (line) => log.info(`  ${line}`),
    signal: options.signal,
    graceMs: options.graceMs,
  }).then((r) => {
    log.info(`✔ alembic ${args.join(' ')} (${(r.durationMs / 1000).toFixed(2)} s)`);
    return r;
  });
}

export interface LockedRun extends RunResult {
  /** When asked for: verify, run before the lock is released so no other run can interleave. */
  verify?: VerifyReport;
}

/**
 * Runs Alembic inside a migration session (our lock held), reading the recorded heads around it.
 * `before` runs first under the same lock (reset's drop); with `verifyWhen`, verify runs last, still
 * under the lock, when the predicate accepts the heads reached.
 */
export async function alembicLocked(
  options: AlembicOptions,
  args: readonly string[],
  hooks: { before?: (s: Session) => Promise<void>; verifyWhen?: (to: readonly string[]) => boolean } = {},
): Promise<LockedRun> {
  const started = performance.now();
  // The process starts now, Alembic once the lock is held: the supervisor's start-up overlaps the
  // connect and the lock instead of adding to them (bench group 12).
  let open!: () => void;
  let refuse!: (err: unknown) => void;
  const gate = new Promise<void>((resolve, reject) => { open = resolve; refuse = reject; });
  const running = alembic(options, args, gate);
  running.catch(() => undefined); // awaited below once the gate opened; otherwise its error is the session's
  try {
    return await withSession(options, async (s) => {
      await hooks.before?.(s);
      const from = await readHeads(s.client, s.bk);
      open();
      await running;
      // The heads after, with the checksums verify needs: one read serves both.
      const after = await readDatabaseState(s.client, s.bk);
      const to = after.heads;
      const result: LockedRun = { from, to, applied: changedRevisions(options.chain, from, to), durationMs: performance.now() - started };
      // On the session's own client: no second connection, and still under the lock.
      if (hooks.verifyWhen?.(to)) result.verify = await verifyAndLog(options, s.client, after);
      return result;
    });
  } finally {
    refuse(new CancelledError('The run stopped before Alembic started.'));
  }
}

/** What moved between two recorded states: applied (up) or undone (down), in run order. */
export function changedRevisions(chain: Chain, from: readonly string[], to: readonly string[]): string[] {
  const before = chain.graph.appliedSet(from);
  const after = chain.graph.appliedSet(to);
  const order = chain.graph.topologicalOrder();
  const up = order.filter((r) => after.has(r) && !before.has(r));
  if (up.length) return up;
  return order.filter((r) => before.has(r) && !after.has(r)).reverse();
}

/** Upgrades and, when every head of the chain is reached (a partial upgrade is pending by design), verifies. */
export function alembicUpgrade(options: AlembicOptions & { target: string }): Promise<LockedRun> {
  const heads = [...options.chain.graph.heads].sort().join(' ');
  return alembicLocked(options, ['upgrade', options.target], { verifyWhen: (to) => [...to].sort().join(' ') === heads });
}

export function alembicDowngrade(options: AlembicOptions & { target: string }): Promise<LockedRun> {
  return alembicLocked(options, ['downgrade', options.target]);
}

export function alembicStamp(options: AlembicOptions & { target: string }): Promise<LockedRun> {
  return alembicLocked(options, ['stamp', options.target]);
}

async function verifyAndLog(options: AlembicOptions, client: ClientBase, state: DatabaseState): Promise<VerifyReport> {
  const log: Logger = options.logger ?? silentLogger;
  const report = await verifyOnClient(client, { chain: options.chain, url: options.url, logger: log, signal: options.signal, applicationName: options.applicationName,
    versionTable: options.versionTable, versionTableSchema: options.versionTableSchema }, false, state);
  logChecks(log, report);
  return report;
}
