// The migration lock: a session-level advisory lock taken on the SAME client that runs the
// migrations (a lock on another pooled connection would protect nothing), held for the whole run.
// A second run waits, polling, up to a timeout, then names the holder from pg_stat_activity.
import { createHash } from 'node:crypto';
import type { ClientBase } from 'pg';
import { CancelledError, LockTimeoutError, type LockHolder } from '../errors';

/** A fixed bigint derived from 'migration-chain', so every copy of the tool agrees without settings. */
export const DEFAULT_LOCK_KEY: bigint = BigInt.asIntN(64,
  BigInt(`0x${createHash('sha256').update('migration-chain').digest('hex').slice(0, 16)}`));

export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;
const POLL_MS = 100;

export interface LockOptions {
  /** An app's start-up migration can share the lock by using the same key. */
  key?: bigint | number | string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called once when the lock is busy, before waiting. */
  onWait?: (holder: LockHolder | undefined) => void;
}

export function normalizeLockKey(key: LockOptions['key']): bigint {
  if (key === undefined) return DEFAULT_LOCK_KEY;
  const value = typeof key === 'bigint' ? key : BigInt(key);
  if (BigInt.asIntN(64, value) !== value) throw new RangeError('The lock key must fit in a signed 64-bit integer.');
  return value;
}

/**
 * Takes the lock on `client`, runs `fn`, and always releases it. `fn` gets the session's backend pid,
 * read by the query that took the lock (a run needs it to cancel its statements, and a separate
 * `SELECT pg_backend_pid()` was one more round trip per target of a fleet).
 */
export async function withAdvisoryLock<T>(client: ClientBase, options: LockOptions, fn: (pid: number) => Promise<T>): Promise<T> {
  const key = normalizeLockKey(options.key);
  const pid = await acquire(client, key, options);
  try {
    return await fn(pid);
  } finally {
    // If the connection died the server already released the lock with the session.
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [key.toString()]).catch(() => {});
  }
}

async function acquire(client: ClientBase, key: bigint, options: LockOptions): Promise<number> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const started = Date.now();
  let announced = false;
  for (;;) {
    if (options.signal?.aborted) throw new CancelledError();
    // The server's pid, not the driver's processID: behind a pooler the latter is the pooler's key.
    const { rows } = await client.query<{ ok: boolean; pid: number }>('SELECT pg_try_advisory_lock($1::bigint) AS ok, pg_backend_pid() AS pid', [key.toString()]);
    if (rows[0].ok) return rows[0].pid;
    if (!announced) {
      announced = true;
      options.onWait?.(await lockHolder(client, key).catch(() => undefined));
    }
    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw new LockTimeoutError(await lockHolder(client, key).catch(() => undefined), waited);
    await sleep(Math.min(POLL_MS, timeoutMs - waited), options.signal);
  }
}

/** The session holding the advisory lock `key` in the current database, if any. */
export async function lockHolder(client: ClientBase, key: bigint, options: { includeSelf?: boolean } = {}): Promise<LockHolder | undefined> {
  // pg_locks shows a bigint advisory key as classid (high 32 bits) + objid (low 32 bits), objsubid 1.
  const high = (BigInt.asUintN(64, key) >> 32n).toString();
  const low = (BigInt.asUintN(64, key) & 0xffffffffn).toString();
  const { rows } = await client.query<{
    pid: number; application_name: string | null; since: Date | null; usename: string | null; client_addr: string | null;
    state: string | null; state_change: Date | null; self: boolean;
  }>(
    `SELECT a.pid, a.application_name, coalesce(a.xact_start, a.backend_start) AS since, a.usename,
            coalesce(a.client_hostname, a.client_addr::text) AS client_addr, a.state, a.state_change,
            a.pid = pg_backend_pid() AS self
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.classid::bigint = $1::bigint AND l.objid::bigint = $2::bigint
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND ($3 OR a.pid <> pg_backend_pid())
      ORDER BY a.pid = pg_backend_pid() DESC
      LIMIT 1`,
    [high, low, options.includeSelf === true],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    pid: r.pid,
    applicationName: r.application_name ?? '',
    since: r.since,
    user: r.usename,
    clientAddr: r.client_addr,
    state: r.state,
    stateSince: r.state_change,
    ...(r.self ? { onThisConnection: true } : {}),
  };
}

/**
 * Releases a session lock stranded on the server connection this query runs on (a pooler handed us
 * the connection an older run took the lock on): only that backend can unlock it. True if released.
 */
export async function releaseStrandedHere(client: ClientBase, key: bigint, pid: number): Promise<boolean> {
  const { rows } = await client.query<{ released: boolean | null }>(
    `SELECT CASE WHEN pg_backend_pid() = $2
       THEN (SELECT count(*) FROM generate_series(1, 64) WHERE pg_advisory_unlock($1::bigint)) > 0 END AS released`, [key.toString(), pid]);
  return rows[0]?.released === true;
}

/**
 * Provably abandoned: the holding backend is idle (not in a transaction, not running anything) and
 * has been for longer than the lease. A live run of ours touches its session at least every third
 * of the lease (run-lock.ts keepalive), so only a run whose client is gone (a lost container, a
 * stranded pooler server connection) stays idle that long. Other applications sharing the key are
 * never judged here: `migration-chain unlock` asks a person.
 */
export function isAbandonedSessionHolder(holder: LockHolder, leaseMs: number, onlyOurs = true): boolean {
  if (holder.state !== 'idle' || !holder.stateSince) return false;
  if (onlyOurs && !holder.applicationName.startsWith('migration-chain')) return false;
  return Date.now() - holder.stateSince.getTime() > leaseMs;
}

/** Ends the backend holding an abandoned session lock (the server then releases the lock). True if it was ended. */
export async function terminateHolder(client: ClientBase, pid: number): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean | null }>('SELECT pg_terminate_backend($1) AS ok', [pid]);
  return rows[0]?.ok === true;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
