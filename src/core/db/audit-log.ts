// `migration_chain_log`: one row per applied/undone migration, written in the migration's own
// transaction, with the checksum of the upgrade text. It is what lets status and verify say that a
// file was edited after it was applied. Revisions applied by Alembic (or before the log existed)
// have no row: "applied, checksum unknown", never an error.
import type { ClientBase } from 'pg';
import type { Bookkeeping } from './version-table';
import { quoteLiteral } from './identifiers';

export type LogDirection = 'upgrade' | 'downgrade' | 'repair';

export interface LogEntry {
  revision: string;
  direction: LogDirection;
  checksum: string | null;
  durationMs: number;
  client: string;
}

export interface AppliedChecksum {
  checksum: string;
  appliedAt: Date;
}

export function createLogTableSql(b: Bookkeeping): string {
  return `CREATE TABLE IF NOT EXISTS ${b.logTable} (\n`
    + '    id bigserial PRIMARY KEY,\n'
    + '    revision varchar(32) NOT NULL,\n'
    + "    direction text NOT NULL CHECK (direction IN ('upgrade', 'downgrade', 'repair')),\n"
    + '    checksum text,\n'
    + '    applied_at timestamptz NOT NULL DEFAULT now(),\n'
    + '    duration_ms integer,\n'
    + '    db_user text NOT NULL DEFAULT current_user,\n'
    + '    client text\n'
    + ')';
}

export async function logTableExists(client: ClientBase, b: Bookkeeping): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [b.logRegclass]);
  return rows[0].ok;
}

export async function ensureLogTable(client: ClientBase, b: Bookkeeping): Promise<void> {
  if (await logTableExists(client, b)) return;
  await client.query(createLogTableSql(b));
}

/** The INSERT of one entry, parameterised from `$first` (so it can share a query with the version-row change). */
export function logEntryQuery(b: Bookkeeping, e: LogEntry, first = 1): { text: string; values: unknown[] } {
  const p = [0, 1, 2, 3, 4].map((i) => `$${first + i}`).join(', ');
  return {
    text: `INSERT INTO ${b.logTable} (revision, direction, checksum, duration_ms, client) VALUES (${p})`,
    values: [e.revision, e.direction, e.checksum, Math.round(e.durationMs), e.client],
  };
}

export async function insertLogEntry(client: ClientBase, b: Bookkeeping, e: LogEntry): Promise<void> {
  const q = logEntryQuery(b, e);
  await client.query(q.text, q.values);
}

/**
 * The INSERT with its values inlined: for offline scripts (no duration: nobody timed it, so NULL) and
 * for a step's closing round trip, which sends it with other statements in one simple query.
 */
export function renderLogInsert(b: Bookkeeping, e: Omit<LogEntry, 'durationMs'> & { durationMs?: number }): string {
  const lit = (v: string | null) => (v === null ? 'NULL' : quoteLiteral(v));
  const duration = e.durationMs === undefined ? 'NULL' : String(Math.round(e.durationMs));
  return `INSERT INTO ${b.logTable} (revision, direction, checksum, duration_ms, client) `
    + `VALUES (${lit(e.revision)}, ${lit(e.direction)}, ${lit(e.checksum)}, ${duration}, ${lit(e.client)})`;
}

/** The SELECT returning, per revision, the checksum and time of its latest upgrade (or repair). */
export function latestChecksumsSql(b: Bookkeeping): string {
  return `SELECT DISTINCT ON (revision) revision, checksum, applied_at FROM ${b.logTable}`
    + ` WHERE direction IN ('upgrade', 'repair') AND checksum IS NOT NULL ORDER BY revision, id DESC`;
}

export async function readAppliedChecksums(client: ClientBase, b: Bookkeeping): Promise<Map<string, AppliedChecksum>> {
  const result = new Map<string, AppliedChecksum>();
  if (!(await logTableExists(client, b))) return result;
  const { rows } = await client.query<{ revision: string; checksum: string; applied_at: Date }>(latestChecksumsSql(b));
  for (const r of rows) result.set(r.revision, { checksum: r.checksum, appliedAt: r.applied_at });
  return result;
}

/** Records the file's current checksum as accepted after a person has looked at an edited migration. */
export async function acceptChecksum(client: ClientBase, b: Bookkeeping, revision: string, checksum: string, clientName: string): Promise<void> {
  await ensureLogTable(client, b);
  await insertLogEntry(client, b, { revision, direction: 'repair', checksum, durationMs: 0, client: clientName });
}
