// `migration_chain_log`: one row per applied/undone migration, written in the migration's own
// transaction, with the checksum of the upgrade text. It is what lets status and verify say that a
// file was edited after it was applied. Revisions applied by Alembic (or before the log existed)
// have no row: "applied, checksum unknown", never an error.
import type { ClientBase } from 'pg';
import type { Direction } from '../chain/model';
import type { Bookkeeping } from './bookkeeping';
import { createHash } from 'node:crypto';
import { quoteLiteral } from './identifiers';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export type LogDirection = 'upgrade' | 'downgrade' | 'repair';

/** How a run's direction is spelled in the log's `direction` column. */
export function logDirection(direction: Direction): LogDirection {
  return direction === 'up' ? 'upgrade' : 'downgrade';
}

export interface LogEntry {
  revision: string;
  direction: LogDirection;
  checksum: string | null;
  /** Absent in offline scripts: nobody timed them. */
  durationMs?: number;
  client: string;
  /** Upgrades into a log with the downgrade columns: what undoes the revision without its file. */
  downgrade?: StoredDowngrade;
}

export interface StoredDowngrade {
  parents: readonly string[];
  /** null when the revision's downgrade has no SQL text (a `.js` module, no downgrade section, Alembic could not print it). */
  sql: string | null;
  /** Why `sql` is null, for the person who finds the revision without its file. */
  note?: string;
}

export interface AppliedChecksum {
  checksum: string;
  appliedAt: Date;
}

/**
 * The INSERT with its values inlined: for offline scripts (no duration: nobody timed it, so NULL) and
 * for a step's closing round trip, which sends it with other statements in one simple query.
 */
export function renderLogInsert(b: Bookkeeping, e: LogEntry): string {
  const lit = (v: string | null) => (v === null ? 'NULL' : quoteLiteral(v));
  const duration = e.durationMs === undefined ? 'NULL' : String(Math.round(e.durationMs));
  const d = e.downgrade;
  const extra = d ? ', parents, downgrade_sql, downgrade_checksum, downgrade_note' : '';
  const extraValues = d ? `, ${lit(d.parents.join(','))}, ${lit(d.sql)}, ${lit(d.sql === null ? null : sha256(d.sql))}, ${lit(d.note ?? null)}` : '';
  return `INSERT INTO ${b.logTable} (revision, direction, checksum, duration_ms, client${extra}) `
    + `VALUES (${lit(e.revision)}, ${lit(e.direction)}, ${lit(e.checksum)}, ${duration}, ${lit(e.client)}${extraValues})`;
}

/** The SELECT returning, per revision, the checksum and time of its latest upgrade (or repair). */
export function latestChecksumsSql(b: Bookkeeping): string {
  return `SELECT DISTINCT ON (revision) revision, checksum, applied_at FROM ${b.logTable}`
    + ` WHERE direction IN ('upgrade', 'repair') AND checksum IS NOT NULL ORDER BY revision, id DESC`;
}

/** Records the file's current checksum as accepted after a person has looked at an edited migration. */
export async function acceptChecksum(client: ClientBase, b: Bookkeeping, revision: string, checksum: string, clientName: string): Promise<void> {
  await client.query(renderLogInsert(b, { revision, direction: 'repair', checksum, durationMs: 0, client: clientName }));
}
