// Upgrades every target of an environment: a canary first (the rest start only if it succeeds),
// then the others with bounded concurrency (overall and per server), each in its own session under
// its own advisory lock (run/session.ts). Failure policy `stop` starts nothing new after the first
// failure; `continue` runs everything and reports. A cancel starts nothing new and cancels the
// running statements (each target rolls back its running migration, so it stays at a consistent
// revision). Progress goes to the run record on disk, so `resume` finishes what was left.
// An Alembic project's targets each run through the project's own Alembic (alembic/run/locked-run.ts: one
// child process per target, our advisory lock held around it), with the same pool and policies.
import { alembicUpgrade, type AlembicOptions } from '../alembic/run/locked-run';
import type { Chain } from '../chain/chain';
import { cacheScramKeys } from '../db/scram-cache';
import { CancelledError, MigrationChainError } from '../errors';
import { silentLogger, type Logger } from '../log';
import { assertRunnable } from '../run/plan';
import { upgrade, type RunResult } from '../run/runner';
import { DEFAULT_FLEET_CONCURRENCY, type Environment } from './config';
import { describeFailure } from './fleet-status';
import { runPool } from './pool';
import { newRunId, writeRunRecord, writeRunRecordAsync, type FailurePolicy, type RunRecord, type TargetRecord } from './run-record';
import type { FleetTarget } from './targets';

export interface FleetRunOptions {
  /** Project root: the run record goes to `.migration-chain/runs/` under it. */
  root: string;
  environment: Environment;
  chain: Chain;
  targets: readonly FleetTarget[];
  /** Default `head`. */
  target?: string;
  concurrency?: number;
  perServerConcurrency?: number;
  /** A member id; default the environment's canary, else the first member of a fleet. `false`: none. */
  canary?: string | false;
  onFailure?: FailurePolicy;
  signal?: AbortSignal;
  logger?: Logger;
  lockTimeoutMs?: number;
  applicationName?: string;
  /** Continue this record: only its members not `done` run. */
  resume?: RunRecord;
  /** Called whenever a member starts or ends (the editor's progress notification). */
  onProgress?: (record: RunRecord) => void;
  /** An Alembic project: each target runs `alembic upgrade` of this project (its env.py, its Alembic). */
  alembic?: FleetAlembic;
}

/** The per-project part of an Alembic run; the URL, logger, signal and lock settings come per target. */
export type FleetAlembic = Pick<AlembicOptions, 'project' | 'command' | 'envVariable' | 'graceMs'>;

export interface FleetRunResult {
  record: RunRecord;
  failed: TargetRecord[];
  cancelled: boolean;
}

export async function upgradeFleet(options: FleetRunOptions): Promise<FleetRunResult> {
  assertRunnable(options.chain);
  cacheScramKeys();
  const schemaTenant = options.alembic && options.targets.find((t) => t.schema !== undefined);
  if (schemaTenant) {
    // Which schema holds alembic_version is decided by the project's env.py, not by us.
    throw new MigrationChainError('usage', `Environment "${options.environment.name}" is a schema-per-tenant set; an Alembic project's env.py decides its version table schema, so its tenants cannot run through Alembic one schema at a time.`,
      'Use a set of tenant databases for an Alembic project, or a native (.sql) chain for schema-per-tenant.');
  }
  const log = options.logger ?? silentLogger;
  const record = options.resume ? resumedRecord(options) : freshRecord(options);
  const writer = recordWriter(options.root, record);
  const save = () => {
    writer.save();
    options.onProgress?.(record);
  };
  const byId = new Map(options.targets.map((t) => [t.id, t]));
  for (const t of record.targets) {
    if (t.state !== 'done' && !byId.has(t.id)) markFailed(t, new MigrationChainError('usage', `${t.id} is no longer a member of environment "${record.environment}".`));
  }
  await writer.flush();
  options.onProgress?.(record);

  const todo = record.targets.filter((t) => t.state === 'pending');
  const canaryId = record.options.canary;
  const canary = canaryId !== undefined ? todo.find((t) => t.id === canaryId) : undefined;
  const rest = todo.filter((t) => t !== canary);
  let failures = 0;
  const policy = record.options.onFailure;

  const runOne = async (entry: TargetRecord): Promise<void> => {
    const target = byId.get(entry.id)!;
    entry.state = 'running';
    entry.startedAt = new Date().toISOString();
    delete entry.error;
    delete entry.errorCode;
    save();
    log.info(`[${entry.id}] upgrading ${entry.display}${entry.canary ? ' (canary)' : ''}`);
    try {
      const result = await upgradeTarget(options, target, record.target, prefixed(log, entry.id));
      entry.state = 'done';
      entry.from = result.from;
      entry.to = result.to;
      entry.applied = result.applied;
      log.info(`[${entry.id}] ${result.applied.length ? `done: ${result.from.join(', ') || 'base'} -> ${result.to.join(', ')}` : `already at ${result.to.join(', ') || 'base'}`}`);
    } catch (err) {
      if (options.signal?.aborted && (err instanceof CancelledError || !(err instanceof MigrationChainError))) {
        entry.state = 'cancelled';
        entry.error = describeFailure(err instanceof MigrationChainError ? err : new CancelledError());
        entry.errorCode = 'cancelled';
      } else {
        failures++;
        markFailed(entry, err);
        log.error(`[${entry.id}] failed: ${entry.error}`);
      }
    } finally {
      entry.finishedAt = new Date().toISOString();
      save();
    }
  };

  if (canary) {
    canary.canary = true;
    await runOne(canary);
    if (canary.state !== 'done') {
      for (const t of rest) skip(t, canary.state === 'cancelled' ? undefined : `not started: the canary ${canary.id} failed`);
    }
  }
  if (!canary || canary.state === 'done') {
    const { notStarted } = await runPool(rest, {
      concurrency: record.options.concurrency,
      perKey: record.options.perServerConcurrency,
      key: (t) => byId.get(t.id)!.server,
      shouldStart: () => !options.signal?.aborted && (policy === 'continue' || failures === 0),
    }, runOne);
    for (const t of notStarted) skip(t, options.signal?.aborted ? undefined : 'not started: an earlier target failed (failure policy stop)');
  }

  const failed = record.targets.filter((t) => t.state === 'failed');
  const cancelled = !!options.signal?.aborted;
  record.state = cancelled ? 'cancelled' : record.targets.every((t) => t.state === 'done') ? 'completed' : 'failed';
  record.finishedAt = new Date().toISOString();
  await writer.flush();
  options.onProgress?.(record);
  return { record, failed, cancelled };
}

/**
 * How often the run record is rewritten while members start and end. Each rewrite of the whole
 * record was a synchronous write and rename that blocked every running member's queries: on 100
 * members the largest client-side cost of a fleet. Now at most one write per interval, off the event
 * loop, chained so that they land in order. A record a little behind is safe to resume from: a member
 * it still shows unfinished is run again and finds itself at the target (the version table decides,
 * under the lock). The first and the last state are written at once, after any write in flight.
 */
const RECORD_WRITE_INTERVAL_MS = 250;

function recordWriter(root: string, record: RunRecord): { save(): void; flush(): Promise<void> } {
  let lastWrite = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let failure: Error | undefined;
  const writeLater = () => {
    timer = undefined;
    lastWrite = performance.now();
    inFlight = inFlight.then(() => writeRunRecordAsync(root, record)).catch((err: unknown) => { failure = err as Error; });
  };
  return {
    save() {
      if (timer) return;
      timer = setTimeout(writeLater, Math.max(0, RECORD_WRITE_INTERVAL_MS - (performance.now() - lastWrite)));
    },
    async flush() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
      lastWrite = performance.now();
      writeRunRecord(root, record);
      // A failed background write surfaces here (the final state was just written, or this throws too).
      if (failure) throw failure;
    },
  };
}

/** One target's upgrade: the native runner, or the project's Alembic under our lock. */
function upgradeTarget(options: FleetRunOptions, target: FleetTarget, to: string, logger: Logger): Promise<RunResult> {
  const common = {
    chain: options.chain,
    url: target.url,
    target: to,
    signal: options.signal,
    logger,
    lockTimeoutMs: options.lockTimeoutMs,
    applicationName: options.applicationName ?? 'migration-chain fleet',
  };
  if (options.alembic) return alembicUpgrade({ ...common, ...options.alembic });
  return upgrade({ ...common, versionTableSchema: target.schema, searchPath: target.schema });
}

function freshRecord(options: FleetRunOptions): RunRecord {
  const env = options.environment;
  const ids = options.targets.map((t) => t.id);
  let canary: string | undefined;
  if (options.canary !== false && ids.length > 1) {
    canary = options.canary ?? env.canary ?? ids[0];
    if (!ids.includes(canary)) {
      throw new MigrationChainError('usage', `The canary "${canary}" is not a member of environment "${env.name}".`,
        `Members include: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}.`);
    }
  }
  return {
    version: 1,
    id: newRunId(),
    environment: env.name,
    target: options.target ?? 'head',
    state: 'running',
    startedAt: new Date().toISOString(),
    options: {
      concurrency: options.concurrency ?? env.concurrency ?? DEFAULT_FLEET_CONCURRENCY,
      perServerConcurrency: options.perServerConcurrency ?? env.perServerConcurrency,
      canary,
      onFailure: options.onFailure ?? 'stop',
    },
    targets: options.targets.map((t) => ({ id: t.id, display: t.display, schema: t.schema, state: 'pending' })),
  };
}

/** The same record, its unfinished members back to pending; options given now override the recorded ones. */
function resumedRecord(options: FleetRunOptions): RunRecord {
  const record = structuredClone(options.resume!);
  record.state = 'running';
  delete record.finishedAt;
  record.resumedAt = [...(record.resumedAt ?? []), new Date().toISOString()];
  if (options.concurrency !== undefined) record.options.concurrency = options.concurrency;
  if (options.perServerConcurrency !== undefined) record.options.perServerConcurrency = options.perServerConcurrency;
  if (options.onFailure !== undefined) record.options.onFailure = options.onFailure;
  for (const t of record.targets) if (t.state !== 'done') t.state = 'pending';
  return record;
}

function markFailed(entry: TargetRecord, err: unknown): void {
  entry.state = 'failed';
  entry.error = describeFailure(err);
  entry.errorCode = err instanceof MigrationChainError ? err.code : undefined;
}

function skip(entry: TargetRecord, reason: string | undefined): void {
  if (entry.state !== 'pending') return;
  entry.state = reason ? 'skipped' : 'pending';
  if (reason) entry.error = reason;
}

function prefixed(log: Logger, id: string): Logger {
  return {
    info: (m) => log.info(`[${id}] ${m}`),
    warn: (m) => log.warn(`[${id}] ${m}`),
    error: (m) => log.error(`[${id}] ${m}`),
    debug: (m) => log.debug(`[${id}] ${m}`),
  };
}
