// The `alembic_version` table: created with exactly Alembic's DDL, read as the database's head(s),
// and rewritten the way Alembic rewrites it, so a database migrated by either tool reads correctly
// in the other.
import type { ClientBase } from 'pg';
import type { RevisionGraph } from '../chain/graph';
import { MigrationChainError } from '../errors';
import { createLogTableSql } from './audit-log';
import { qualifiedName, quoteIdent, quoteLiteral, validateIdentifier } from './identifiers';

export interface VersionTableOptions {
  /** Default `alembic_version` (Alembic's `version_table`). */
  versionTable?: string;
  /** Default: none, i.e. the search_path (Alembic's `version_table_schema`). */
  versionTableSchema?: string;
}

/** Validated names of the bookkeeping tables. */
export interface Bookkeeping {
  table: string;
  schema?: string;
  /** The quoted, schema-qualified version table. */
  versionTable: string;
  /** The quoted, schema-qualified audit log (same schema as the version table). */
  logTable: string;
}

export const DEFAULT_VERSION_TABLE = 'alembic_version';
export const LOG_TABLE = 'migration_chain_log';

export function bookkeeping(options: VersionTableOptions = {}): Bookkeeping {
  const table = validateIdentifier(options.versionTable ?? DEFAULT_VERSION_TABLE, 'version table name');
  const schema = options.versionTableSchema === undefined || options.versionTableSchema === ''
    ? undefined
    : validateIdentifier(options.versionTableSchema, 'version table schema');
  return {
    table,
    schema,
    versionTable: qualifiedName(table, schema),
    logTable: qualifiedName(LOG_TABLE, schema),
  };
}

/** Alembic's DDL, including the constraint name `<table>_pkc`. */
export function createVersionTableSql(b: Bookkeeping, ifNotExists = false): string {
  return `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${b.versionTable} (\n`
    + '    version_num VARCHAR(32) NOT NULL, \n'
    + `    CONSTRAINT ${quoteIdent(`${b.table}_pkc`)} PRIMARY KEY (version_num)\n`
    + ')';
}

/** Which bookkeeping tables exist. */
export interface BookkeepingTables {
  version: boolean;
  log: boolean;
}

/** Whether the version table and the audit log exist, in one round trip. */
export async function bookkeepingTables(client: ClientBase, b: Bookkeeping): Promise<BookkeepingTables> {
  const { rows } = await client.query<{ v: boolean; l: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS v, to_regclass($2) IS NOT NULL AS l', [b.versionTable, b.logTable])
    .catch((err: unknown) => { throw missingSchema(err, b); });
  return { version: rows[0].v, log: rows[0].l };
}

/** Creates whichever of the version table and the audit log `tables` says is missing. */
export async function ensureBookkeepingTables(client: ClientBase, b: Bookkeeping, tables: BookkeepingTables): Promise<void> {
  if (!tables.version) await client.query(createVersionTableSql(b, true)).catch((err: unknown) => { throw missingSchema(err, b); });
  if (!tables.log) await client.query(createLogTableSql(b));
}

/** A configured version-table schema that does not exist is a settings mistake, not a driver failure. */
function missingSchema(err: unknown, b: Bookkeeping): unknown {
  if ((err as { code?: unknown })?.code !== '3F000' || b.schema === undefined) return err;
  return new MigrationChainError('usage', `The version table schema ${quoteIdent(b.schema)} does not exist in this database.`,
    'Create the schema first, or fix the version table schema setting (Alembic\'s version_table_schema).');
}

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

// ---------------------------------------------------------------------------------------------
// Head transitions.

/**
 * Heads after applying `revision`: its parents and its depends_on targets stop being heads. Alembic
 * does the same (its upgrade step merges every "normalized down revision", dependencies included),
 * so a database we upgraded can be continued by Alembic and the reverse.
 */
export function headsAfterUpgrade(graph: RevisionGraph, heads: readonly string[], revision: string): string[] {
  const parents = new Set(graph.prerequisites(revision));
  return sortedUnique([...heads.filter((h) => !parents.has(h)), revision]);
}

/**
 * Heads after undoing `revision`: its parents and depends_on targets become heads unless another
 * remaining head still needs them (Alembic's unmerge: they stay applied, so they must stay recorded).
 */
export function headsAfterDowngrade(graph: RevisionGraph, heads: readonly string[], revision: string): string[] {
  const remaining = heads.filter((h) => h !== revision);
  const stillNeeded = new Set<string>();
  for (const h of remaining) {
    if (!graph.has(h)) continue;
    stillNeeded.add(h);
    for (const a of graph.ancestors(h)) stillNeeded.add(a);
  }
  const uncovered = graph.prerequisites(revision).filter((p) => !stillNeeded.has(p));
  return sortedUnique([...remaining, ...uncovered]);
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

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort();
}
