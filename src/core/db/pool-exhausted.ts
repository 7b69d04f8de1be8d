// A pooler that gave a run no server connection. In session pooling (PgBouncer `pool_mode =
// session`, Supabase's session pooler on 5432) every connected client holds one server connection
// for as long as it stays connected — a run waiting for the migration lock polls on its own session,
// so it holds one too — and the run holding the lock needs two more: its lease's heartbeat (a pooler
// is never proven to keep a session, so the lease is used) and, for an Alembic project, Alembic's own
// connection. N instances started at once therefore need a pool of N + 2 server connections. A smaller
// pool makes the last clients queue in the pooler until it drops them (PgBouncer's
// query_wait_timeout), which the driver reports as a bare "query_wait_timeout". This module turns
// that into a message with the numbers: the pool's size and client counts, read from PgBouncer's
// admin console when the user may read it (stats_users), and what the start needs.
import type { ClientConfig } from 'pg';
import { PoolExhaustedError } from '../errors';

/** The connection and lock-holder overhead of one start-up beyond one connection per instance. */
export const SESSION_POOL_OVERHEAD = 2;

/** The driver's error for a pooler that had no server connection to give (PgBouncer, Supavisor). */
export function isPoolExhausted(err: unknown): boolean {
  const message = err instanceof Error ? err.message : '';
  return /\bquery_wait_timeout\b|no more connections allowed|Max client connections reached|\bEMAXCONN\b|max_client_conn|max_db_connections|max_user_connections/i.test(message);
}

export interface PoolFacts {
  poolSize: number;
  mode?: string;
  /** Clients holding a server connection of this database/user pool, and clients queued for one. */
  active: number;
  waiting: number;
}

interface Coordinates { host: string; port: number; database: string; user: string }

/**
 * The pool of `database`/`user` as PgBouncer's admin console (database `pgbouncer`, same user and
 * password) reports it; undefined when that console is not reachable with these credentials.
 */
export async function readPgBouncerPool(url: string, target: Coordinates, timeoutMs = 3000): Promise<PoolFacts | undefined> {
  let admin: URL;
  try {
    admin = new URL(url.replace(/^postgres(?:ql)?\+[\w-]+:/i, 'postgresql:'));
  } catch {
    return undefined;
  }
  admin.pathname = '/pgbouncer';
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- pg is required on first use, never at module load (layering test)
  const pg = require('pg') as typeof import('pg');
  const config: ClientConfig = { connectionString: admin.toString(), connectionTimeoutMillis: timeoutMs, application_name: 'migration-chain (pool check)' };
  const client = new pg.Client(config);
  client.on('error', () => {});
  try {
    await client.connect();
    // The admin console speaks the simple query protocol only: no parameters.
    const databases = (await client.query<{ name: string; pool_size: number | string; pool_mode: string | null }>('SHOW DATABASES')).rows;
    const pools = (await client.query<{ database: string; user: string; cl_active: number | string; cl_waiting: number | string; pool_mode: string | null }>('SHOW POOLS')).rows;
    const db = databases.find((d) => d.name === target.database) ?? databases.find((d) => d.name === '*');
    const pool = pools.find((p) => p.database === target.database && p.user === target.user);
    if (!db) return undefined;
    return {
      poolSize: Number(db.pool_size), mode: pool?.pool_mode ?? db.pool_mode ?? undefined,
      active: Number(pool?.cl_active ?? 0), waiting: Number(pool?.cl_waiting ?? 0),
    };
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The error for a run the pooler at `where` gave no server connection, with the pool's numbers when they can be read. */
export async function poolExhaustedError(err: unknown, url: string, target: Coordinates, where: string): Promise<PoolExhaustedError> {
  const said = err instanceof Error ? err.message : String(err);
  const facts = await readPgBouncerPool(url, target);
  const rule = 'In session pooling every connected run holds one server connection for as long as it is connected, a run waiting for the migration lock included, '
    + `and the run holding the lock needs ${SESSION_POOL_OVERHEAD} more (its lease's heartbeat; Alembic's own connection for an Alembic project): `
    + `N instances started at once need a pool of at least N + ${SESSION_POOL_OVERHEAD} server connections.`;
  let numbers = 'The pool\'s size could not be read (PgBouncer tells it on its admin console to stats_users; a hosted pooler shows it in its dashboard).';
  let needed: number | undefined;
  if (facts) {
    // This run was dropped from the queue, so it is counted on top of the clients still there.
    const clients = facts.active + facts.waiting + 1;
    needed = clients + SESSION_POOL_OVERHEAD;
    numbers = `The pool of ${target.database} for ${target.user} has ${facts.poolSize} server connection${facts.poolSize === 1 ? '' : 's'}`
      + `${facts.mode ? ` (${facts.mode} pooling)` : ''}; ${facts.active} client${facts.active === 1 ? '' : 's'} hold${facts.active === 1 ? 's' : ''} one and ${facts.waiting} wait${facts.waiting === 1 ? 's' : ''}, `
      + `so with this run ${clients} client${clients === 1 ? '' : 's'} need a pool of at least ${needed}.`;
  }
  return new PoolExhaustedError(
    `No server connection for this run: the connection pooler at ${where} had none free (${said}). ${numbers} ${rule}`,
    target,
    `Raise the pool size to at least ${needed !== undefined ? needed : `the number of instances + ${SESSION_POOL_OVERHEAD}`} (PgBouncer: default_pool_size or the database's pool_size; Supabase, Neon: the pool size setting), `
      + 'start fewer instances at once, use transaction pooling (a waiting run then holds no server connection between its polls), '
      + 'or give runs a direct URL (--direct-url, MIGRATION_CHAIN_DIRECT_URL, migrationChain.directUrl).',
    facts?.poolSize,
    needed,
  );
}
