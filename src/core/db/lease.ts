// The migration lease: the lock of runs that go through a connection pooler, where no session lives
// long enough to hold a session advisory lock. A row in `migration_chain_lock` (beside the version
// table) names its owner and expires; it is taken, renewed and released by single statements, each
// its own transaction, so it never depends on which server connection a statement lands on:
//
// - take: one INSERT … ON CONFLICT DO UPDATE … WHERE the old lease has expired. PostgreSQL's
//   unique index makes concurrent takers queue on the row, and each sees the committed winner, so at
//   most one live lease exists. The same statement tries the transaction-level advisory lock of the
//   key, so a run holding the session lock (a direct run of this version or an older one) keeps
//   pooled runs out too.
// - renew: a heartbeat on a connection of its own every third of the lease; a run that stops
//   (kill -9, a lost container) stops renewing and its lease expires: the bound on how long a dead
//   run blocks others.
// - every step of a leased run re-checks, inside its own transaction, that the lease is still its
//   own and takes the transaction-level advisory lock (step-transaction.ts), so even a run whose
//   lease expired under it cannot move the version row while another run's step is open.
// All times are the server's clock (clock_timestamp()), never the clients'.
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import type { ClientBase } from 'pg';
import type { LockHolder } from '../errors';
import type { Bookkeeping } from './bookkeeping';
import { qualifiedName } from './identifiers';

export const LOCK_TABLE = 'migration_chain_lock';
// What a CREATE TABLE IF NOT EXISTS that lost a race with another run's reports, depending on where in
// the catalog the two collided: the row type (42710 "type … already exists"), pg_type's or pg_class's
// unique index (23505), or the relation itself (42P07).
const CONCURRENT_CREATE_CODES = new Set(['23505', '42P07', '42710']);
// The two-key advisory lock space (objsubid 2) never meets the bigint lock keys of runs (objsubid 1).
const CREATE_LOCK_CLASS = 0x4d43_4c4b; // 'MCLK'
/** How long a lease lives without renewal, and how long an abandoned session lock blocks others. */
export const DEFAULT_LEASE_MS = 30_000;

export function leaseTableName(bk: Bookkeeping): string {
  return qualifiedName(LOCK_TABLE, bk.schema);
}

export function createLeaseTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (\n`
    + '    lock_key bigint PRIMARY KEY,\n'
    + '    owner text NOT NULL,\n'
    + '    application text,\n'
    + '    client_host text,\n'
    + '    client_pid integer,\n'
    + '    backend_pid integer,\n'
    + '    acquired_at timestamptz NOT NULL,\n'
    + '    heartbeat_at timestamptz NOT NULL,\n'
    + '    expires_at timestamptz NOT NULL\n'
    + ')';
}

export interface LeaseIdentity {
  key: bigint;
  owner: string;
  table: string;
}

export function newLeaseIdentity(table: string, key: bigint): LeaseIdentity {
  return { key, owner: randomUUID(), table };
}

/**
 * One attempt to take the lease: true when it is ours now. Creates the table on first use (a
 * concurrent creation by another run is harmless: CREATE … IF NOT EXISTS may still race on the
 * catalog's unique index, so that error is retried).
 */
export async function tryTakeLease(client: ClientBase, id: LeaseIdentity, leaseMs: number, applicationName: string): Promise<'taken' | 'taken-over' | false> {
  // Any granted advisory lock on the key closes the gate, even one on this very server connection: a
  // session lock stranded there by an older run would not block our own try-lock (locks are re-entrant).
  const sql = `WITH held AS (SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
        AND classid::bigint = ($1::bigint >> 32) & 4294967295 AND objid::bigint = $1::bigint & 4294967295
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())),
      gate AS (SELECT pg_try_advisory_xact_lock($1::bigint) AS free FROM held WHERE held.n = 0),
      -- The row as it was before this statement: an expired lease we replace (xmax on the new row is not a reliable sign).
      previous AS (SELECT owner FROM ${id.table} WHERE lock_key = $1::bigint)
    INSERT INTO ${id.table} AS l (lock_key, owner, application, client_host, client_pid, backend_pid, acquired_at, heartbeat_at, expires_at)
    SELECT $1::bigint, $2, $3, $4, $5, pg_backend_pid(), clock_timestamp(), clock_timestamp(), clock_timestamp() + $6 * interval '1 millisecond'
      FROM gate WHERE gate.free
    ON CONFLICT (lock_key) DO UPDATE SET owner = excluded.owner, application = excluded.application, client_host = excluded.client_host,
      client_pid = excluded.client_pid, backend_pid = excluded.backend_pid, acquired_at = excluded.acquired_at,
      heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at
      WHERE l.expires_at < clock_timestamp()
    RETURNING owner, EXISTS (SELECT 1 FROM previous) AS replaced`;
  const params = [id.key.toString(), id.owner, applicationName, safeHostname(), process.pid, Math.round(leaseMs)];
  for (let attempt = 0; ; attempt++) {
    try {
      const { rows } = await client.query<{ owner: string; replaced: boolean }>(sql, params);
      if (rows[0]?.owner !== id.owner) return false;
      return rows[0].replaced ? 'taken-over' : 'taken';
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === '42P01' && attempt < 3) {
        // Creators queue on a transaction-level lock (one simple query is one transaction, so it holds
        // through a transaction pooler too), and the later one then sees the table and does nothing.
        // Runs of an older version create it without that lock; their race is caught by its codes.
        await client.query(`SELECT pg_advisory_xact_lock(${CREATE_LOCK_CLASS}, 0); ${createLeaseTableSql(id.table)}`).catch((e: unknown) => {
          if (!CONCURRENT_CREATE_CODES.has((e as { code?: string }).code ?? '')) throw e;
        });
        continue;
      }
      if (code === '23505' && attempt < 3) continue; // two first takers inserted at once; the loser looks again
      throw err;
    }
  }
}

/** Renews the lease; false when it is no longer ours (expired and taken, or cleared by `unlock`). */
export async function renewLease(client: ClientBase, id: LeaseIdentity, leaseMs: number): Promise<boolean> {
  const r = await client.query(
    `UPDATE ${id.table} SET heartbeat_at = clock_timestamp(), expires_at = clock_timestamp() + $3 * interval '1 millisecond'
      WHERE lock_key = $1::bigint AND owner = $2`, [id.key.toString(), id.owner, Math.round(leaseMs)]);
  return r.rowCount === 1;
}

export async function releaseLease(client: ClientBase, id: LeaseIdentity): Promise<void> {
  await client.query(`DELETE FROM ${id.table} WHERE lock_key = $1::bigint AND owner = $2`, [id.key.toString(), id.owner]);
}

/**
 * The SQL a leased step sends right after BEGIN: the transaction-level advisory lock, and a check
 * that fails (aborting the transaction before anything else runs) unless the lease is still ours.
 * Returns the backend pid, so a cancel reaches the server connection the step runs on. (The failing
 * cast must not be constant, or the planner would evaluate it whatever the condition.)
 */
export function leaseCheckSql(id: LeaseIdentity, marker: string): string {
  const key = `${id.key.toString()}::bigint`;
  const owner = id.owner.replace(/'/g, "''");
  return `SELECT pg_advisory_xact_lock(${key}), pg_backend_pid() AS pid, CASE WHEN EXISTS (SELECT 1 FROM ${id.table} `
    + `WHERE lock_key = ${key} AND owner = '${owner}' AND expires_at > clock_timestamp()) THEN 0 ELSE ('${marker} ' || pg_backend_pid())::int END AS lease_ok`;
}

/** The live lease of `key` (not ours), as a lock holder; undefined when none or the table is missing. */
export async function leaseHolder(client: ClientBase, table: string, key: bigint, includeExpired = false): Promise<LockHolder | undefined> {
  const { rows } = await client.query<{
    backend_pid: number | null; application: string | null; client_host: string | null; client_pid: number | null;
    acquired_at: Date; heartbeat_at: Date; expires_at: Date; now: Date;
  }>(`SELECT backend_pid, application, client_host, client_pid, acquired_at, heartbeat_at, expires_at, clock_timestamp() AS now
        FROM ${table} WHERE lock_key = $1::bigint ${includeExpired ? '' : 'AND expires_at > clock_timestamp()'}`, [key.toString()])
    .catch((err: unknown) => {
      if ((err as { code?: string }).code === '42P01') return { rows: [] };
      throw err;
    });
  const r = rows[0];
  if (!r) return undefined;
  return {
    pid: r.client_pid ?? r.backend_pid ?? 0,
    applicationName: r.application ?? '',
    since: r.acquired_at,
    user: null,
    clientAddr: r.client_host,
    lease: { host: r.client_host, clientPid: r.client_pid, heartbeatAt: r.heartbeat_at, expiresAt: r.expires_at, now: r.now },
  };
}

/** Deletes the lease of `key` if it has expired (what `unlock` may clear without asking whether its run is alive). */
export async function clearExpiredLease(client: ClientBase, table: string, key: bigint): Promise<boolean> {
  const r = await client.query(`DELETE FROM ${table} WHERE lock_key = $1::bigint AND expires_at <= clock_timestamp()`, [key.toString()])
    .catch((err: unknown) => {
      if ((err as { code?: string }).code === '42P01') return { rowCount: 0 };
      throw err;
    });
  return (r.rowCount ?? 0) > 0;
}

function safeHostname(): string {
  try {
    return os.hostname();
  } catch {
    return 'unknown';
  }
}
