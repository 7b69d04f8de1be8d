// Is this connection going through a connection pooler? A session advisory lock is only safe on a
// real session: behind a transaction pooler (PgBouncer `pool_mode = transaction`, Supavisor on 6543,
// Neon's `-pooler` hosts) each transaction may run on a different server connection, and a session
// lock stays behind on whichever one took it.
//
// The proof we rely on is the driver's BackendKeyData: a direct connection reports the server
// process's own pid there, while a pooler answers the startup itself and makes up its own cancel key.
// So `pg_backend_pid()` equal to the driver's `processID` means no pooler sits in between; the run's
// first query compares them and takes the session lock only in that case (lock.ts), at no extra round
// trip. Known pooler ports and host names are a second, independent hint. When a pooler is present we
// cannot prove it keeps sessions, so runs treat it as a transaction pooler (run/session.ts); a second
// transaction whose pid differs is reported as proof of transaction mode.
import type { ClientBase } from 'pg';
import type { DatabaseTarget } from './client';

/** Ports the common poolers listen on: PgBouncer's default, and Supabase's transaction pooler. */
export const POOLER_PORTS: readonly number[] = [6432, 6543];
/** Host names of hosted poolers: Neon `…-pooler.…`, Supabase `….pooler.supabase.com`, and any `pgbouncer` host. */
const POOLER_HOSTS = /(^|[.-])pooler([.-]|$)|pooler\.supabase\.com$|pgbouncer/i;

export interface PoolerFinding {
  /** A pooler sits between us and the server (or the URL says so): runs use the lease, not a session lock. */
  pooled: boolean;
  /** Proven transaction (or statement) pooling: the server pid changed between two transactions. */
  transactionMode: boolean;
  /** Human-readable reasons, for the one line the run prints. */
  evidence: string[];
}

export const NO_POOLER: PoolerFinding = { pooled: false, transactionMode: false, evidence: [] };

/** What the URL alone says: a known pooler port or host name. */
export function poolerHints(target: Pick<DatabaseTarget, 'host' | 'port'>): string[] {
  const hints: string[] = [];
  if (POOLER_PORTS.includes(target.port)) hints.push(`port ${target.port} is a connection pooler's port`);
  if (POOLER_HOSTS.test(target.host)) hints.push(`host ${target.host} names a pooler`);
  return hints;
}

/** The cancel key pid the driver received at connect (pg keeps it as `processID`). */
export function driverProcessId(client: ClientBase): number | undefined {
  const id = (client as unknown as { processID?: unknown }).processID;
  return typeof id === 'number' ? id : undefined;
}

/**
 * Called with the server pid read by the run's first query. A mismatch with the driver's key, or a
 * URL hint, means pooled; then one more short query tells whether the pid moves between transactions.
 */
export async function classifyConnection(client: ClientBase, target: Pick<DatabaseTarget, 'host' | 'port'>, serverPid: number): Promise<PoolerFinding> {
  const evidence = poolerHints(target);
  const driverPid = driverProcessId(client);
  if (driverPid !== undefined && driverPid !== serverPid) evidence.unshift('the server process differs from the one the connection was opened with');
  if (!evidence.length) return NO_POOLER;
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const transactionMode = rows[0].pid !== serverPid;
  if (transactionMode) evidence.unshift(`server pid changed between two transactions (${serverPid} -> ${rows[0].pid})`);
  return { pooled: true, transactionMode, evidence };
}

/** The one line a run prints when it goes through a pooler. */
export function describePooler(finding: PoolerFinding, where: string): string {
  const kind = finding.transactionMode ? 'a transaction-mode connection pooler' : 'a connection pooler (its mode could not be proven; treated as transaction pooling)';
  return `${where} is reached through ${kind}: ${finding.evidence.join('; ')}. `
    + 'The run uses a lease row and transaction-level locks instead of a session lock.';
}
