// The `alembic_version` rows: read as the database's head(s) and rewritten the way Alembic rewrites
// them, so a database migrated by either tool reads correctly in the other. Which heads a step
// leads to is the graph's business (RevisionGraph.headsAfter); this module only writes the rows.
import type { ClientBase } from 'pg';
import { MigrationChainError } from '../errors';
import { bookkeepingTables, type Bookkeeping, type BookkeepingTables } from './bookkeeping';
import { quoteLiteral } from './identifiers';

/**
 * The recorded heads, sorted; [] when the table is missing or empty (the database is at base).
 * `tables`: what the caller already read with bookkeepingTables(), saving a round trip.
 */
export async function readHeads(client: ClientBase, b: Bookkeeping, tables?: BookkeepingTables): Promise<string[]> {
  if (!(tables ?? await bookkeepingTables(client, b)).version) return [];
  const { rows } = await client.query<{ version_num: unknown }>(`SELECT version_num FROM ${b.versionTable}`);
  return rows.map((r) => {
    if (typeof r.version_num !== 'string') {
      throw new MigrationChainError('unknown-revision', `The version table ${b.versionTable} holds a non-text value.`);
    }
    return r.version_num;
  }).sort();
}

export type VersionStatement =
  | { kind: 'update'; from: string; to: string }
  | { kind: 'delete'; revision: string }
  | { kind: 'insert'; revision: string };

/**
 * The minimal row changes from `before` to `after` heads, as Alembic writes them: UPDATE along a line,
 * UPDATE one parent and DELETE the others at a merge, INSERT at a branch, DELETE when a branch goes.
 */
export function versionTransition(before: readonly string[], after: readonly string[]): VersionStatement[] {
  const removed = [...before].filter((r) => !after.includes(r)).sort();
  const added = [...after].filter((r) => !before.includes(r)).sort();
  const statements: VersionStatement[] = [];
  const pairs = Math.min(removed.length, added.length);
  for (let i = 0; i < pairs; i++) statements.push({ kind: 'update', from: removed[i], to: added[i] });
  for (const r of removed.slice(pairs)) statements.push({ kind: 'delete', revision: r });
  for (const r of added.slice(pairs)) statements.push({ kind: 'insert', revision: r });
  return statements;
}

/** The statement with its values inlined, as Alembic prints it in `--sql` mode. */
export function renderVersionStatement(b: Bookkeeping, s: VersionStatement): string {
  const t = b.versionTable;
  switch (s.kind) {
    case 'update':
      return `UPDATE ${t} SET version_num=${quoteLiteral(s.to)} WHERE ${t}.version_num = ${quoteLiteral(s.from)}`;
    case 'delete':
      return `DELETE FROM ${t} WHERE ${t}.version_num = ${quoteLiteral(s.revision)}`;
    case 'insert':
      return `INSERT INTO ${t} (version_num) VALUES (${quoteLiteral(s.revision)})`;
  }
}

/** Each UPDATE/DELETE/INSERT of a transition must touch exactly one row; anything else means another tool moved the table. */
export function assertOneVersionRow(b: Bookkeeping, s: VersionStatement, rowCount: number | null): void {
  if (rowCount === 1) return;
  throw versionTableChanged(b, `one row for ${s.kind === 'update' ? s.from : s.revision}`, String(rowCount ?? 0));
}

export function versionTableChanged(b: Bookkeeping, expected: string, found: string): MigrationChainError {
  return new MigrationChainError('unknown-revision',
    `The version table ${b.versionTable} changed under this run: expected ${expected}, found ${found}.`,
    'Another tool (or the migration itself) changed the version table during the run; run `current` and try again.');
}

/** Applies the transition on `client` (inside the caller's transaction); each UPDATE/DELETE must hit exactly one row. */
export async function writeVersionTransition(client: ClientBase, b: Bookkeeping, statements: readonly VersionStatement[]): Promise<void> {
  for (const s of statements) {
    const result = await client.query(renderVersionStatement(b, s));
    assertOneVersionRow(b, s, result.rowCount);
  }
}
