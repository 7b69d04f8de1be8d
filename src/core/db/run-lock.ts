// The lock a run holds, chosen by what the connection is (pooler.ts):
//
// - a real session (direct, or anything that proves it is one): today's session-level advisory lock
//   on the run's own client (lock.ts), taken by the run's first query, which also compares the
//   server pid with the driver's so that it never takes a session lock through a pooler;
// - through a pooler: the lease row (lease.ts), renewed by a heartbeat, with every step's
//   transaction taking the transaction-level advisory lock and re-checking the lease (step-transaction.ts).
//
// Both kinds exclude each other: a session-lock run that finds a live lease lets go and waits, and
// taking the lease needs the transaction-level advisory lock of the same key, which a session lock blocks.
// A holder that is provably gone (lease expired; an idle session of ours not touched for longer than
// the lease) never blocks longer than the lease: an expired lease is simply taken over, and an
// abandoned session is ended with pg_terminate_backend.
import type { Client } from 'pg';
import { CancelledError, LockTimeoutError, type LockHolder } from '../errors';
import type { Bookkeeping } from './bookkeeping';
import { connect, type DatabaseTarget } from './client';
import { DEFAULT_LEASE_MS, leaseHolder, leaseTableName, newLeaseIdentity, releaseLease, renewLease, tryTakeLease, type LeaseIdentity } from './lease';
import { DEFAULT_LOCK_TIMEOUT_MS, isAbandonedSessionHolder, lockHolder, normalizeLockKey, releaseStrandedHere, terminateHolder } from './lock';
import { classifyConnection, driverProcessId, NO_POOLER, poolerHints, type PoolerFinding } from './pooler';

export interface RunLockOptions {
  key?: bigint | number | string;
  timeoutMs?: number;
  /** How long a lease lives unrenewed, and how long an idle abandoned session lock blocks (default 30 s). */
  leaseMs?: number;
  signal?: AbortSignal;
  /** The URL the run connected with: the lease's heartbeat opens its own connection with it. */
  url: string;
  applicationName: string;
  /** Called once when the lock is busy, before waiting. */
  onWait?: (holder: LockHolder | undefined) => void;
  /** Called once when the connection goes through a pooler, before any lock or lease is taken. */
  onPooler?: (finding: PoolerFinding) => void | Promise<void>;
  /** Called when a holder was found abandoned and ended, or its lease taken over. */
  onTakeover?: (holder: LockHolder) => void;
}

export interface RunLock {
  mode: 'session' | 'lease';
  /** The backend pid of the query that took the lock. */
  pid: number;
  key: bigint;
  pooler: PoolerFinding;
  lease?: LeaseIdentity;
}

const SESSION_POLL_MS = 100;
const LEASE_POLL_MS = 250;

export async function withRunLock<T>(client: Client, target: DatabaseTarget, bk: Bookkeeping, options: RunLockOptions, fn: (lock: RunLock) => Promise<T>): Promise<T> {
  const key = normalizeLockKey(options.key);
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const table = leaseTableName(bk);
  const waiter = new Waiter(options);
  // The first query: the server pid, and the session lock only when that pid is the one the driver
  // was given at connect (no pooler) and the URL names no pooler.
  const driverPid = driverProcessId(client) ?? -1;
  const hinted = poolerHints(target).length > 0;
  const first = await client.query<{ pid: number; ok: boolean | null; leases: boolean }>(
    `SELECT pg_backend_pid() AS pid, CASE WHEN pg_backend_pid() = $2 AND NOT $3 THEN pg_try_advisory_lock($1::bigint) END AS ok,
            to_regclass($4) IS NOT NULL AS leases`,
    [key.toString(), driverPid, hinted, table]);
  const { pid, ok, leases } = first.rows[0];
  if (ok === null) {
    const pooler = await classifyConnection(client, target, pid);
    await options.onPooler?.(pooler);
    return withLease(client, table, key, leaseMs, options, waiter, (lease) => fn({ mode: 'lease', pid, key, pooler, lease }));
  }
  await sessionLock(client, table, key, leaseMs, ok, leases, options, waiter);
  const keepalive = new Keepalive(client, leaseMs);
  try {
    return await fn({ mode: 'session', pid, key, pooler: NO_POOLER });
  } finally {
    await keepalive.stop();
    // If the connection died the server already released the lock with the session.
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [key.toString()]).catch(() => {});
  }
}

/** Waits for the session lock; `ok`/`leases` are the first query's answers. */
async function sessionLock(
  client: Client, table: string, key: bigint, leaseMs: number, ok: boolean, leases: boolean, options: RunLockOptions, waiter: Waiter,
): Promise<void> {
  for (;;) {
    let holder: LockHolder | undefined;
    if (ok) {
      // A pooled run may hold the lease (it holds the advisory lock only inside its steps).
      holder = leases ? await leaseHolder(client, table, key) : undefined;
      if (!holder) return;
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [key.toString()]);
    } else {
      holder = await lockHolder(client, key).catch(() => undefined);
      if (holder && isAbandonedSessionHolder(holder, leaseMs) && await terminateHolder(client, holder.pid).catch(() => false)) {
        options.onTakeover?.(holder);
        await waitUntilGone(client, holder.pid);
        holder = undefined;
      }
    }
    if (holder || !ok) await waiter.wait(holder);
    const { rows } = await client.query<{ ok: boolean; leases: boolean }>(
      'SELECT pg_try_advisory_lock($1::bigint) AS ok, to_regclass($2) IS NOT NULL AS leases', [key.toString(), table]);
    ({ ok, leases } = rows[0]);
  }
}

async function withLease<T>(
  client: Client, table: string, key: bigint, leaseMs: number, options: RunLockOptions, waiter: Waiter, fn: (lease: LeaseIdentity) => Promise<T>,
): Promise<T> {
  const id = newLeaseIdentity(table, key);
  let seen: LockHolder | undefined;
  for (;;) {
    const taken = await tryTakeLease(client, id, leaseMs, options.applicationName);
    if (taken) {
      if (taken === 'taken-over' && seen?.lease) options.onTakeover?.(seen);
      break;
    }
    let holder = await leaseHolder(client, table, key);
    if (!holder) {
      // No live lease: a session lock (a direct run, or one stranded on a pooler's server connection) closes the gate.
      holder = await lockHolder(client, key, { includeSelf: true }).catch(() => undefined);
      if (holder?.onThisConnection) {
        // We never hold a session lock in lease mode: this one was left on the pooled server connection
        // we were handed. Its owner had the lease's time to come back; then only this backend can unlock it.
        if (waiter.waitedMs() >= leaseMs && await releaseStrandedHere(client, key, holder.pid)) {
          options.onTakeover?.(holder);
          continue;
        }
      } else if (holder && isAbandonedSessionHolder(holder, leaseMs) && await terminateHolder(client, holder.pid).catch(() => false)) {
        options.onTakeover?.(holder);
        continue;
      }
    }
    // The lease we wait out is what a take-over replaces: a transaction lock the dead run's backend still
    // holds while its last statement finishes must not hide it from the take-over message.
    if (holder?.lease || !seen?.lease) seen = holder ?? seen;
    await waiter.wait(holder, LEASE_POLL_MS);
  }
  const heartbeat = new Heartbeat(options.url, options.applicationName, id, leaseMs);
  try {
    return await fn(id);
  } finally {
    await heartbeat.stop();
    await releaseLease(client, id).catch(() => heartbeat.releaseOnOwnConnection());
    await heartbeat.end();
  }
}

/** Announces the holder once, enforces the overall timeout, sleeps between attempts. */
class Waiter {
  private readonly started = Date.now();
  private announced = false;

  constructor(private readonly options: RunLockOptions) {}

  waitedMs(): number {
    return Date.now() - this.started;
  }

  async wait(holder: LockHolder | undefined, pollMs = SESSION_POLL_MS): Promise<void> {
    if (this.options.signal?.aborted) throw new CancelledError();
    if (!this.announced) {
      this.announced = true;
      this.options.onWait?.(holder);
    }
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    const waited = Date.now() - this.started;
    if (waited >= timeoutMs) throw new LockTimeoutError(holder, waited);
    await sleep(Math.min(pollMs, timeoutMs - waited), this.options.signal);
    if (this.options.signal?.aborted) throw new CancelledError();
  }
}

/** Touches an idle session-lock holder's session every third of the lease, so it never looks abandoned. */
class Keepalive {
  private readonly timer: NodeJS.Timeout;
  private inFlight: Promise<unknown> | undefined;

  constructor(client: Client, leaseMs: number) {
    this.timer = setInterval(() => {
      this.inFlight ??= client.query('SELECT 1').catch(() => undefined).finally(() => { this.inFlight = undefined; });
    }, Math.max(1000, leaseMs / 3));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }
}

/** Renews the lease on a connection of its own (the run's client may be busy for minutes). */
class Heartbeat {
  private client: Promise<Client | undefined>;
  private readonly timer: NodeJS.Timeout;
  private inFlight: Promise<unknown> | undefined;

  constructor(url: string, applicationName: string, private readonly id: LeaseIdentity, private readonly leaseMs: number) {
    this.client = connect(url, { applicationName: `${applicationName} (lease)`, connectTimeoutMs: Math.max(1000, leaseMs / 3) }).catch(() => undefined);
    this.timer = setInterval(() => {
      this.inFlight ??= this.renew().finally(() => { this.inFlight = undefined; });
    }, Math.max(500, leaseMs / 3));
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    const c = await this.client;
    // A failed renewal is not fatal by itself: every step re-checks the lease in its own transaction.
    if (c) await renewLease(c, this.id, this.leaseMs).catch(() => undefined);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }

  async releaseOnOwnConnection(): Promise<void> {
    const c = await this.client;
    if (c) await releaseLease(c, this.id).catch(() => undefined);
  }

  async end(): Promise<void> {
    const c = await this.client;
    await c?.end().catch(() => undefined);
  }
}

async function waitUntilGone(client: Client, pid: number): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const { rows } = await client.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
    if (!rows.length) return;
    await sleep(20);
  }
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
