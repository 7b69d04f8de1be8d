// upgrade, downgrade and stamp of an Alembic project, run by the project's own Alembic while this
// process holds the migration lock our native runs take (Alembic itself takes none), so two runs
// through Migration Chain never overlap. The recorded heads are read before and after, so callers
// get the same RunResult as from a native run; upgrades end with verify, as resets do.
import type { Chain } from '../../chain/chain';
import { readHeads } from '../../db/version-table';
import { readDatabaseState, type DatabaseState } from '../../status/status';
import { silentLogger, type Logger } from '../../log';
import type { RunResult } from '../../run/runner';
import { withSession, type Session, type SessionOptions } from '../../run/session';
import { secretFormsOf } from '../../secrets';
import type { Client, ClientBase } from 'pg';
import { connect, describeTarget, parseDatabaseUrl } from '../../db/client';
import { CancelledError, MigrationChainError, WrongDatabaseError } from '../../errors';
import { logChecks, verifyOnClient, type VerifyReport } from '../../verify/verify';
import type { ResolvedAlembicCommand } from '../python-policy';
import type { AlembicProject } from '../read/project';
import { displayCommand, runAlembicProcess, type AlembicProcessResult } from './process';
import { earlyPythonLaunch } from './python-launch';
import { guardEnv, holdSentinel, newSentinelKey, releaseSentinel, wrongDatabaseHint, type SentinelKey } from './connect-guard';
import { alembicArguments, envPyText, urlChannels } from './url-channels';

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
export type AlembicProcessOptions = Pick<AlembicOptions, 'project' | 'command' | 'envVariable' | 'graceMs' | 'url' | 'logger' | 'signal'> & Partial<Pick<AlembicOptions, 'applicationName'>>;

/**
 * Runs `alembic -c INI [-x dbname=URL] ARGS…` in the project folder with the URL in the environment
 * (url-channels.ts); no migration lock. With a URL, the run is guarded (connect-guard.ts): a session
 * of ours on that database holds the run's sentinel before Alembic may start, and env.py's first
 * connection anywhere else stops it (WrongDatabaseError). `held`: the caller holds the sentinel on a
 * session of its own (alembicLocked, the stairway), so no second connection is opened. With `gate`,
 * the process is started now and Alembic itself when the gate resolves (process.ts).
 */
export function alembic(options: AlembicProcessOptions, args: readonly string[], gate?: Promise<unknown>, held?: SentinelKey): Promise<AlembicProcessResult> {
  const log = options.logger ?? silentLogger;
  const url = options.url || undefined;
  const envVariable = options.envVariable ?? DEFAULT_ENV_VARIABLE;
  const alembicArgs = alembicArguments(options.project, url, args);
  const argv = [...options.command.argv, ...alembicArgs];
  const shown = displayCommand(argv);
  const key = held ?? newSentinelKey();
  let own: Client | undefined;
  // Our own sentinel session connects while Python imports Alembic (the early launcher).
  const armed = url && !held
    ? (gate ?? Promise.resolve()).then(async () => {
      own = await connect(url, { applicationName: options.applicationName ? `${options.applicationName} (connection check)` : 'migration-chain (connection check)' });
      await holdSentinel(own, key);
    })
    : gate;
  const announce = () => log.info(`▶ ${shown}  (in ${options.project.dir}; Alembic from ${options.command.source})`);
  if (armed) armed.then(announce, () => undefined);
  else announce();
  return runAlembicProcess({
    gate: armed,
    argv,
    early: earlyPythonLaunch(options.command.argv, alembicArgs),
    cwd: options.project.dir,
    env: url ? { ...urlChannels(url, envVariable), ...guardEnv(key) } : {},
    secrets: secretFormsOf(url, process.env),
    onLine: (line) => log.info(`  ${line}`),
    signal: options.signal,
    graceMs: options.graceMs,
    onWrongDatabase: url ? (reached) => new WrongDatabaseError(describeTarget(parseDatabaseUrl(url)), reached, `alembic ${args.join(' ')}`, wrongDatabaseHint(envPyText(options.project), envVariable)) : undefined,
  }).then((r) => {
    log.info(`✔ alembic ${args.join(' ')} (${(r.durationMs / 1000).toFixed(2)} s)`);
    if (url && !r.guard.armed) log.warn(`The connection of env.py could not be checked: ${displayCommand(options.command.argv)} did not load Migration Chain's connection check (not Python, or a Python that ignores PYTHONPATH).`);
    return r;
  }).finally(() => {
    if (own) { const c = own; void releaseSentinel(c, key).finally(() => c.end().catch(() => {})); }
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
  // The sentinel is held on the session itself (connect-guard.ts): env.py must reach this database.
  const key = newSentinelKey();
  const running = alembic(options, args, gate, key);
  running.catch(() => undefined); // awaited below once the gate opened; otherwise its error is the session's
  try {
    return await withSession(options, async (s) => {
      await holdSentinel(s.client, key);
      await hooks.before?.(s);
      const from = await readHeads(s.client, s.bk);
      open();
      const done = await running;
      await releaseSentinel(s.client, key);
      // The heads after, with the checksums verify needs: one read serves both.
      const after = await readDatabaseState(s.client, s.bk);
      const to = after.heads;
      if (!done.guard.armed) assertMoved(options, args, from, to);
      const result: LockedRun = { from, to, applied: changedRevisions(options.chain, from, to), durationMs: performance.now() - started };
      // On the session's own client: no second connection, and still under the lock.
      if (hooks.verifyWhen?.(to)) result.verify = await verifyAndLog(options, s.client, after);
      return result;
    });
  } finally {
    refuse(new CancelledError('The run stopped before Alembic started.'));
  }
}

/**
 * The second line of defence, for a command that did not load the connection check: a run that had
 * something to do must have moved this database's version table; if it did not, Alembic worked on
 * some other database.
 */
function assertMoved(options: AlembicOptions, args: readonly string[], from: readonly string[], to: readonly string[]): void {
  const [verb, target] = args;
  if ((verb !== 'upgrade' && verb !== 'downgrade' && verb !== 'stamp') || target === undefined) return;
  if ([...from].sort().join(' ') !== [...to].sort().join(' ')) return;
  let planned: string[];
  try {
    const resolved = options.chain.graph.resolve(target.replace(/^.*@/, ''), from).revisions;
    planned = verb === 'downgrade' ? options.chain.graph.downgradePlan(from, resolved) : options.chain.graph.upgradePlan(from, resolved);
    if (verb === 'stamp') planned = [...from].sort().join(' ') === [...resolved].sort().join(' ') ? [] : resolved;
  } catch {
    return;
  }
  if (planned.length === 0) return;
  const target0 = parseDatabaseUrl(options.url);
  throw new MigrationChainError('connection',
    `alembic ${args.join(' ')} finished, but the version table of ${target0.user}@${target0.host}:${target0.port}/${target0.database} did not move (still at ${from.join(', ') || 'base'}): env.py worked on another database, and the connection could not be checked beforehand (the Alembic command does not load Migration Chain's check).`,
    wrongDatabaseHint(envPyText(options.project), options.envVariable ?? DEFAULT_ENV_VARIABLE));
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
