// The names and shapes of the database bookkeeping: the version table (`alembic_version`, Alembic's
// own) and the audit log (`migration_chain_log`), created together and checked for in one query.
// version-table.ts reads and moves the version rows, audit-log.ts writes the log rows; both need the
// names, which is why they live here and not in either of them.
import type { ClientBase } from 'pg';
import { MigrationChainError } from '../errors';
import { qualifiedName, quoteIdent, validateIdentifier } from './identifiers';

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

export function createLogTableSql(b: Bookkeeping): string {
  return `CREATE TABLE IF NOT EXISTS ${b.logTable} (\n`
    + '    id bigserial PRIMARY KEY,\n'
    + '    revision varchar(32) NOT NULL,\n'
    + "    direction text NOT NULL CHECK (direction IN ('upgrade', 'downgrade', 'repair')),\n"
    + '    checksum text,\n'
    + '    applied_at timestamptz NOT NULL DEFAULT now(),\n'
    + '    duration_ms integer,\n'
    + '    db_user text NOT NULL DEFAULT current_user,\n'
    + '    client text,\n'
    + `    ${DOWNGRADE_COLUMNS.join(',\n    ')}\n`
    + ')';
}

/**
 * Kept with each upgrade row since the git-branch safety (docs/authoring.md): the revision's parents
 * and its downgrade (the `.sql` section's text, or Alembic's offline SQL of a `.py` revision) with its
 * sha256, so a revision whose file is gone (another branch checked out) can still be undone; where
 * none could be kept, `downgrade_note` says why (Alembic's reason, a `.js` module). A log made before
 * has none of them; runs add them (`addDowngradeColumns`) and every reader treats them as optional.
 * The last column is the newest: its presence means a log has them all.
 */
export const DOWNGRADE_COLUMNS = ['parents text', 'downgrade_sql text', 'downgrade_checksum text', 'downgrade_note text'] as const;
const NEWEST_DOWNGRADE_COLUMN = DOWNGRADE_COLUMNS[DOWNGRADE_COLUMNS.length - 1].split(' ')[0];

/** Adds the downgrade columns to an older audit log. */
export function addDowngradeColumnsSql(b: Bookkeeping): string {
  return `ALTER TABLE ${b.logTable} ${DOWNGRADE_COLUMNS.map((c) => `ADD COLUMN IF NOT EXISTS ${c}`).join(', ')}`;
}

/** Which bookkeeping tables exist. */
export interface BookkeepingTables {
  version: boolean;
  log: boolean;
  /** The log has every downgrade column (DOWNGRADE_COLUMNS). */
  logDowngrade: boolean;
}

/** Whether the version table and the audit log exist, in one round trip. */
export async function bookkeepingTables(client: ClientBase, b: Bookkeeping): Promise<BookkeepingTables> {
  const { rows } = await client.query<{ v: boolean; l: boolean; d: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS v, to_regclass($2) IS NOT NULL AS l, '
    + 'EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($2) AND attname = $3 AND NOT attisdropped) AS d',
    [b.versionTable, b.logTable, NEWEST_DOWNGRADE_COLUMN])
    .catch((err: unknown) => { throw missingSchema(err, b); });
  return { version: rows[0].v, log: rows[0].l, logDowngrade: rows[0].d };
}

/**
 * Creates whichever of the version table and the audit log `tables` says is missing, in one round
 * trip (one simple query: both or neither, as one implicit transaction). A fleet creates both on
 * every fresh target.
 */
export async function ensureBookkeepingTables(client: ClientBase, b: Bookkeeping, tables: BookkeepingTables): Promise<void> {
  const ddl = [...(tables.version ? [] : [createVersionTableSql(b, true)]), ...(tables.log ? [] : [createLogTableSql(b)])];
  if (ddl.length) await client.query(ddl.join(';\n')).catch((err: unknown) => { throw missingSchema(err, b); });
}

/** A configured version-table schema that does not exist is a settings mistake, not a driver failure. */
function missingSchema(err: unknown, b: Bookkeeping): unknown {
  if ((err as { code?: unknown })?.code !== '3F000' || b.schema === undefined) return err;
  return new MigrationChainError('usage', `The version table schema ${quoteIdent(b.schema)} does not exist in this database.`,
    'Create the schema first, or fix the version table schema setting (Alembic\'s version_table_schema).');
}
