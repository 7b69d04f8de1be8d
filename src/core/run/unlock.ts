// `migration-chain unlock`: who holds the migration lock, and clearing it when its run is provably
// gone. Provably gone means what a waiting run also concludes by itself (db/run-lock.ts): a lease
// past its expiry, or a session holding the advisory lock that has been idle — connected, not in a
// transaction, running nothing — for longer than the lease, which a live run never is (it touches
// its session every third of the lease). The clear re-checks that condition in the same statement
// that acts, so a holder that woke up in between is left alone.
import { bookkeeping, type VersionTableOptions } from '../db/bookkeeping';
import { parseDatabaseUrl, withConnection, type DatabaseTarget } from '../db/client';
import { clearExpiredLease, DEFAULT_LEASE_MS, leaseHolder, leaseTableName } from '../db/lease';
import { normalizeLockKey } from '../db/lock';
import { describeLockHolder, type LockHolder } from '../errors';

export interface UnlockOptions extends VersionTableOptions {
  url: string;
  /** The direct URL, when one is configured: the lock is inspected and cleared on the server itself, past any pooler. */
  directUrl?: string;
  lockKey?: bigint | number | string;
  leaseMs?: number;
  applicationName?: string;
}

export interface HeldLock {
  kind: 'session' | 'lease';
  holder: LockHolder;
  /** Provably abandoned: `unlock` may clear it. */
  abandoned: boolean;
  /** Why it is (or is not) abandoned, for the report. */
  why: string;
}

export interface LockInspection {
  target: DatabaseTarget;
  holders: HeldLock[];
}

/** The URL `unlock` works on: the direct one when configured (pg_stat_activity and pg_terminate_backend of the server itself). */
function unlockUrl(options: UnlockOptions): string {
  return options.directUrl || options.url;
}

export async function inspectLock(options: UnlockOptions): Promise<LockInspection> {
  const target = parseDatabaseUrl(options.url);
  const key = normalizeLockKey(options.lockKey);
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const table = leaseTableName(bookkeeping(options));
  return withConnection(unlockUrl(options), { applicationName: options.applicationName ?? 'migration-chain unlock' }, async (c) => {
    const holders: HeldLock[] = [];
    const lease = await leaseHolder(c, table, key, true);
    if (lease?.lease) {
      const expired = lease.lease.expiresAt.getTime() <= lease.lease.now.getTime();
      holders.push({ kind: 'lease', holder: lease, abandoned: expired, why: expired ? 'its lease has expired' : 'its lease is still being renewed' });
    }
    for (const h of await sessionHolders(c, key)) {
      const idleMs = h.stateSince ? Date.now() - h.stateSince.getTime() : 0;
      const abandoned = h.state === 'idle' && idleMs > leaseMs;
      holders.push({
        kind: 'session', holder: h, abandoned,
        why: abandoned ? `idle for ${(idleMs / 1000).toFixed(0)} s, longer than the ${(leaseMs / 1000).toFixed(0)} s lease`
          : h.state === 'idle' ? `idle for only ${(idleMs / 1000).toFixed(0)} s (a live run may be between statements)` : `${h.state ?? 'unknown state'}: its run is working`,
      });
    }
    return { target, holders };
  });
}

/** One line per holder, as `unlock` prints it and the editor's modal lists it: kind, who, live or abandoned and why. */
export function describeHeldLock(h: HeldLock): string {
  return `${h.kind === 'lease' ? 'lease' : 'session lock'}: ${describeLockHolder(h.holder)} — ${h.abandoned ? 'abandoned' : 'live'} (${h.why})`;
}

/** The holder's facts one per line, for a modal's detail: host, pid, application, since, heartbeat (or idle since). */
export function heldLockFacts(h: HeldLock): string[] {
  const at = (d: Date | null | undefined) => d?.toISOString() ?? 'unknown';
  const lease = h.holder.lease;
  return [
    `${h.kind === 'lease' ? 'Lease' : 'Session lock'} — ${h.abandoned ? 'abandoned' : 'live'}: ${h.why}`,
    `  host: ${lease?.host ?? h.holder.clientAddr ?? 'unknown'}`,
    `  pid: ${h.holder.pid}${h.kind === 'lease' ? ' (the run\'s process)' : ' (server process)'}`,
    `  application: ${h.holder.applicationName || 'no application name'}`,
    `  since: ${at(h.holder.since)}`,
    lease
      ? `  heartbeat: ${at(lease.heartbeatAt)} (${(Math.max(0, lease.now.getTime() - lease.heartbeatAt.getTime()) / 1000).toFixed(1)} s before the check); expires ${at(lease.expiresAt)}`
      : `  heartbeat: none (a session lock); ${h.holder.state ?? 'state unknown'} since ${at(h.holder.stateSince)}`,
  ];
}

/** Clears the holders that are still provably abandoned; returns the ones cleared. */
export async function clearAbandonedLock(options: UnlockOptions, inspection: LockInspection): Promise<HeldLock[]> {
  const key = normalizeLockKey(options.lockKey);
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const table = leaseTableName(bookkeeping(options));
  return withConnection(unlockUrl(options), { applicationName: options.applicationName ?? 'migration-chain unlock' }, async (c) => {
    const cleared: HeldLock[] = [];
    for (const held of inspection.holders.filter((h) => h.abandoned)) {
      if (held.kind === 'lease') {
        if (await clearExpiredLease(c, table, key)) cleared.push(held);
        continue;
      }
      const { rows } = await c.query<{ ok: boolean }>(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
          WHERE pid = $1 AND state = 'idle' AND state_change < clock_timestamp() - $2 * interval '1 millisecond'`, [held.holder.pid, leaseMs]);
      if (rows[0]?.ok) cleared.push(held);
    }
    return cleared;
  });
}

async function sessionHolders(c: import('pg').ClientBase, key: bigint): Promise<LockHolder[]> {
  const high = (BigInt.asUintN(64, key) >> 32n).toString();
  const low = (BigInt.asUintN(64, key) & 0xffffffffn).toString();
  const { rows } = await c.query<{
    pid: number; application_name: string | null; since: Date | null; usename: string | null; client_addr: string | null; state: string | null; state_change: Date | null;
  }>(`SELECT a.pid, a.application_name, coalesce(a.xact_start, a.backend_start) AS since, a.usename,
             coalesce(a.client_hostname, a.client_addr::text) AS client_addr, a.state, a.state_change
        FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
         AND l.classid::bigint = $1::bigint AND l.objid::bigint = $2::bigint
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND a.pid <> pg_backend_pid()
       ORDER BY a.pid`, [high, low]);
  return rows.map((r) => ({
    pid: r.pid, applicationName: r.application_name ?? '', since: r.since, user: r.usename, clientAddr: r.client_addr, state: r.state, stateSince: r.state_change,
  }));
}
