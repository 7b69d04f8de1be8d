// One migration session: a single client, connected, holding the migration lock for the whole run,
// with the bookkeeping table names and the caller's logger and abort signal. Everything that changes
// the database (upgrade, downgrade, stamp, reset) runs inside one.
import type { Client } from 'pg';
import { connect, DEFAULT_APPLICATION_NAME, describeTarget, isConnectionLoss, lostConnectionError, parseDatabaseUrl, type DatabaseTarget } from '../db/client';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../db/lock';
import type { LeaseIdentity } from '../db/lease';
import { describePooler, type PoolerFinding } from '../db/pooler';
import { isPoolExhausted, poolExhaustedError } from '../db/pool-exhausted';
import { withRunLock } from '../db/run-lock';
import { describeLockHolder } from '../errors';
import { bookkeeping, type Bookkeeping, type VersionTableOptions } from '../db/bookkeeping';
import { CancelledError, PoolerRefusedError } from '../errors';
import { silentLogger, type Logger } from '../log';

/** Options every database-changing command accepts. */
export interface SessionOptions extends VersionTableOptions {
  url: string;
  logger?: Logger;
  signal?: AbortSignal;
  /** How long to wait for another run's lock (default 60 s). */
  lockTimeoutMs?: number;
  /** Share the lock with an application's own start-up migration (default: derived from 'migration-chain'). */
  lockKey?: bigint | number | string;
  /** Shown in pg_stat_activity and recorded in the audit log (e.g. 'migration-chain cli'). */
  applicationName?: string;
  /**
   * PostgreSQL lock_timeout for the migrations' statements, so a migration waiting behind a long
   * query gives up instead of stalling all traffic to the table (0 = none). Default: 5 s for a
   * database on another host, none for a local one.
   */
  statementLockTimeoutMs?: number;
  /** Schema-per-tenant: the search_path of the run (set versionTableSchema to the same schema). */
  searchPath?: string;
  /**
   * How long a lock whose run stopped answering blocks others: a pooled run's lease lives this long
   * without renewal, and an idle session lock of ours untouched this long is ended (default 30 s).
   */
  leaseMs?: number;
  /**
   * Called once, before any lock or lease is taken, when the connection goes through a pooler: a
   * run that cannot be made safe there refuses here, with nothing changed (PoolerRefusedError).
   */
  assertPoolerSafe?: (client: Client, pooler: PoolerFinding) => Promise<void>;
  /**
   * The URL that bypasses the pooler (Prisma's `directUrl`): when `url` turns out to be pooled and
   * `assertPoolerSafe` refuses (the run needs one session), the run starts again on this URL instead
   * of failing. Nothing has changed by then: the refusal comes before any lock or lease.
   */
  directUrl?: string;
}

export interface Session {
  client: Client;
  url: string;
  pid: number;
  target: DatabaseTarget;
  bk: Bookkeeping;
  logger: Logger;
  signal?: AbortSignal;
  applicationName: string;
  /**
   * Set by a caller that holds one transaction open on `client` around several steps (the
   * all-or-nothing reset): steps then move their version rows and write their audit rows inside it,
   * and neither BEGIN nor COMMIT nor ROLLBACK; the caller decides the outcome.
   */
  outerTransaction?: boolean;
  /** The audit log has the downgrade columns: upgrade rows keep the revision's downgrade (set by the runner). */
  storesDowngrades?: boolean;
  /** The lock_timeout set on this session (absent or 0 = none; a scratch database's session sets none). */
  statementLockTimeoutMs?: number;
  /**
   * Through a pooler: the run's lease. Each step's transaction then takes the transaction-level
   * advisory lock, re-checks the lease and sets lock_timeout and search_path LOCAL (a session SET
   * would land on some pooled server connection and stay there for other clients).
   */
  lease?: LeaseIdentity;
  /** The search_path of a schema-per-tenant run (set LOCAL in each step when leased). */
  searchPath?: string;
  /** What pooler.ts found about the connection (pooled: false for a direct one). */
  pooler?: PoolerFinding;
}

export const DEFAULT_STATEMENT_LOCK_TIMEOUT_MS = 5000;

export async function withSession<T>(options: SessionOptions, fn: (s: Session) => Promise<T>): Promise<T> {
  const direct = options.directUrl && options.directUrl !== options.url ? options.directUrl : undefined;
  if (!direct) return sessionOn(options, fn);
  try {
    return await sessionOn(options, fn);
  } catch (err) {
    if (!(err instanceof PoolerRefusedError)) throw err;
    const log = options.logger ?? silentLogger;
    log.info(`${describeTarget(parseDatabaseUrl(options.url))} goes through a pooler and this run needs one database session: `
      + `running on the direct URL (${describeTarget(parseDatabaseUrl(direct))}) instead.`);
    log.debug(err.message);
    return sessionOn({ ...options, url: direct, directUrl: undefined }, fn);
  }
}

async function sessionOn<T>(options: SessionOptions, fn: (s: Session) => Promise<T>): Promise<T> {
  const logger = options.logger ?? silentLogger;
  const target = parseDatabaseUrl(options.url);
  const bk = bookkeeping(options);
  const applicationName = options.applicationName ?? DEFAULT_APPLICATION_NAME;
  if (options.signal?.aborted) throw new CancelledError();
  const client = await connect(options.url, { applicationName, searchPath: options.searchPath });
  try {
    const statementLockTimeoutMs = options.statementLockTimeoutMs ?? (target.isLocal ? 0 : DEFAULT_STATEMENT_LOCK_TIMEOUT_MS);
    const where = describeTarget(target);
    return await withRunLock(client, target, bk, {
      key: options.lockKey,
      timeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
      leaseMs: options.leaseMs,
      signal: options.signal,
      url: options.url,
      applicationName,
      onWait: (holder) => logger.info(holder
        ? `Waiting for the migration lock on ${where}, held by ${describeLockHolder(holder)}…`
        : `Waiting for the migration lock on ${where}…`),
      onPooler: async (pooler) => {
        logger.warn(describePooler(pooler, where));
        await options.assertPoolerSafe?.(client, pooler);
      },
      onTakeover: (holder) => logger.warn(holder.lease
        ? `Took over the expired migration lease on ${where} of ${describeLockHolder(holder)}.`
        : holder.onThisConnection
          ? `Released the migration lock stranded on the pooled server connection pid ${holder.pid} on ${where} (${describeLockHolder(holder)}).`
          : `Ended the abandoned session holding the migration lock on ${where}: ${describeLockHolder(holder)}.`),
    }, async (lock) => {
      const session: Session = {
        client, url: options.url, pid: lock.pid, target, bk, logger, signal: options.signal, applicationName, statementLockTimeoutMs,
        pooler: lock.pooler, ...(lock.lease ? { lease: lock.lease, searchPath: options.searchPath } : {}),
      };
      // Set once for the session, after the migration lock: every migration's statements run under it.
      // Through a pooler each step sets it LOCAL instead (step-transaction.ts).
      if (statementLockTimeoutMs > 0 && !lock.lease) await client.query(`SET lock_timeout = ${Math.round(statementLockTimeoutMs)}`);
      return fn(session);
    });
  } catch (err) {
    // Between migrations (lock, version reads, the next BEGIN) a dead connection is the same event.
    // A pooler that queued this run until it dropped it (session pooling, pool too small) says so with its numbers.
    if (isPoolExhausted(err)) throw await poolExhaustedError(err, options.url, target, describeTarget(target));
    throw isConnectionLoss(err) ? lostConnectionError(target) : err;
  } finally {
    await client.end().catch(() => {});
  }
}
