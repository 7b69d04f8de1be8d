// The bench's PostgreSQL: the test harness's embedded server, or the server of BENCH_DATABASE_URL
// (its role needs CREATEDB: every timed upgrade starts on a fresh database).
import { Client } from 'pg';
import { DEFAULT_VERSION_TABLE, LOG_TABLE } from '../../src/core/db/bookkeeping';
import { LOCK_TABLE } from '../../src/core/db/lease';
import { startPostgres, type PgServer } from '../../test/support/embedded-postgres';

export interface BenchServer {
  server: PgServer;
  /** Where the server came from, for the report header (never a password). */
  origin: string;
  /** Version and the settings that decide commit cost, e.g. `fsync=off`. */
  settings: Record<string, string>;
}

const REPORTED_SETTINGS = ['server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers'];

export async function startBenchServer(): Promise<BenchServer> {
  const external = process.env.BENCH_DATABASE_URL;
  // The harness's external-server mode reads TEST_DATABASE_URL; the bench's own variable overrides it.
  if (external) process.env.TEST_DATABASE_URL = external;
  else delete process.env.TEST_DATABASE_URL;
  const server = await startPostgres();
  const origin = external
    ? `BENCH_DATABASE_URL (${server.host}:${server.port})`
    : `embedded PostgreSQL from test/support (${server.host}:${server.port}, started by the bench)`;
  return { server, origin, settings: await readSettings(server.adminUrl) };
}

async function readSettings(url: string): Promise<Record<string, string>> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ name: string; value: string }>(
      'SELECT name, current_setting(name) AS value FROM unnest($1::text[]) AS name', [REPORTED_SETTINGS]);
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  });
}

/** Runs `fn` with a connected client and always disconnects. */
export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * The version row(s) and the number of tables the migrations made (bookkeeping tables — the version
 * table, our audit log and the lease table of pooled runs — not counted): every tool must leave the same state.
 */
export async function databaseState(url: string): Promise<{ versions: string[]; tables: number }> {
  return withClient(url, async (c) => {
    const hasVersionTable = (await c.query('SELECT to_regclass($1) IS NOT NULL AS ok', [`public.${DEFAULT_VERSION_TABLE}`])).rows[0].ok as boolean;
    const versions = hasVersionTable
      ? (await c.query<{ version_num: string }>(`SELECT version_num FROM ${DEFAULT_VERSION_TABLE} ORDER BY 1`)).rows.map((r) => r.version_num)
      : [];
    const tables = Number((await c.query(
      "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public' AND tablename <> ALL($1)", [[DEFAULT_VERSION_TABLE, LOG_TABLE, LOCK_TABLE]])).rows[0].n);
    return { versions, tables };
  });
}
