// A schema read from the PostgreSQL catalogs as plain, sorted, OID-free data, so that two databases
// (the user's and a scratch build of the chain) can be compared object by object. Definitions come
// from the server's own deparsers (format_type, pg_get_expr, pg_get_constraintdef, pg_get_indexdef,
// pg_get_viewdef, pg_get_functiondef), so both sides are rendered by the same code and compare as text.
import type { ClientBase } from 'pg';
import { DEFAULT_VERSION_TABLE, LOG_TABLE } from '../db/bookkeeping';
import { LOCK_TABLE } from '../db/lease';
import { MigrationChainError } from '../errors';
import { compareCodePoints } from '../text';

/** The part of a connected `pg` client this module uses (pass a `Client`). */
export type CatalogClient = Pick<ClientBase, 'query'>;

export interface ColumnSnapshot {
  name: string;
  /** format_type(), e.g. `character varying(255)`. */
  type: string;
  nullable: boolean;
  /** pg_get_expr() of the default, or null. Generation expressions go to `generated`. */
  default: string | null;
  identity: 'always' | 'by default' | null;
  /** The clause of a generated column, e.g. `GENERATED ALWAYS AS (price * qty) STORED`. */
  generated: string | null;
  /** Set only when the column's collation differs from its type's default. */
  collation: string | null;
  comment?: string | null;
}

export interface TableSnapshot {
  name: string;
  partitioned: boolean;
  columns: ColumnSnapshot[];
  comment?: string | null;
}

export interface ConstraintSnapshot {
  table: string;
  name: string;
  /** pg_get_constraintdef(), e.g. `FOREIGN KEY (job_id) REFERENCES jobs(id)`. */
  definition: string;
}

export interface IndexSnapshot {
  table: string;
  name: string;
  /** pg_get_indexdef(); indexes that only back a primary key / unique / exclusion constraint are left out (the constraint covers them). */
  definition: string;
}

export interface TriggerSnapshot {
  table: string;
  name: string;
  definition: string;
}

export interface SequenceSnapshot {
  name: string;
  type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  /** `table.column` for a serial-style sequence, else null. Identity sequences are part of their column. */
  ownedBy: string | null;
}

export interface ViewSnapshot {
  name: string;
  materialized: boolean;
  definition: string;
}

export interface EnumSnapshot {
  name: string;
  labels: string[];
}

export interface FunctionSnapshot {
  /** `name(identity arguments)`, e.g. `touch_updated_at()`. */
  signature: string;
  definition: string;
}

export interface SchemaSnapshot {
  schema: string;
  tables: TableSnapshot[];
  constraints: ConstraintSnapshot[];
  indexes: IndexSnapshot[];
  triggers: TriggerSnapshot[];
  sequences: SequenceSnapshot[];
  views: ViewSnapshot[];
  enums: EnumSnapshot[];
  functions: FunctionSnapshot[];
}

/** The tool's own tables under their default names: bookkeeping, never part of a schema comparison. */
export const BOOKKEEPING_TABLES: readonly string[] = [DEFAULT_VERSION_TABLE, LOG_TABLE, LOCK_TABLE];

export interface ReadSchemaOptions {
  /** Tables left out with everything attached to them (their sequences too): the version table and the audit log. */
  exclude?: string[];
  /** Include table and column comments (off by default: comments are rarely what drift is about). */
  comments?: boolean;
}

/**
 * Reads `schema` from the catalogs. Names are sorted by code point, so equal schemas give equal
 * JSON. search_path is pinned to the schema while reading (and restored) so that the deparsers
 * qualify names the same way on every connection.
 */
export async function readSchema(
  client: CatalogClient,
  schema = 'public',
  opts: ReadSchemaOptions = {},
): Promise<SchemaSnapshot> {
  const excluded = new Set(opts.exclude ?? []);
  const previous = await client.query<{ search_path: string }>(`SELECT current_setting('search_path') AS search_path`);
  await client.query(`SELECT set_config('search_path', quote_ident($1), false)`, [schema]);
  try {
    const [tables, columns, constraints, indexes, triggers, sequences, views, enums, functions] = [
      await client.query<Row>(TABLES_SQL, [schema]),
      await client.query<Row>(COLUMNS_SQL, [schema]),
      await client.query<Row>(CONSTRAINTS_SQL, [schema]),
      await client.query<Row>(INDEXES_SQL, [schema]),
      await client.query<Row>(TRIGGERS_SQL, [schema]),
      await client.query<Row>(SEQUENCES_SQL, [schema]),
      await client.query<Row>(VIEWS_SQL, [schema]),
      await client.query<Row>(ENUMS_SQL, [schema]),
      await client.query<Row>(FUNCTIONS_SQL, [schema]),
    ];
    const keep = (row: Row) => !excluded.has(text(row, 'table'));

    const columnsByTable = new Map<string, ColumnSnapshot[]>();
    for (const row of columns.rows.filter(keep)) {
      const table = text(row, 'table');
      const list = columnsByTable.get(table) ?? [];
      list.push(toColumn(row, opts.comments === true));
      columnsByTable.set(table, list);
    }

    return {
      schema,
      tables: sortBy(
        tables.rows.filter((r: Row) => !excluded.has(text(r, 'name'))).map((r: Row): TableSnapshot => ({
          name: text(r, 'name'),
          partitioned: bool(r, 'partitioned'),
          columns: sortBy(columnsByTable.get(text(r, 'name')) ?? [], (c) => c.name),
          ...(opts.comments ? { comment: nullableText(r, 'comment') } : {}),
        })),
        (t) => t.name,
      ),
      constraints: sortBy(
        constraints.rows.filter(keep).map((r: Row) => ({ table: text(r, 'table'), name: text(r, 'name'), definition: text(r, 'definition') })),
        (c) => `${c.table}\u0000${c.name}`,
      ),
      indexes: sortBy(
        indexes.rows.filter(keep).map((r: Row) => ({ table: text(r, 'table'), name: text(r, 'name'), definition: text(r, 'definition') })),
        (i) => `${i.table}\u0000${i.name}`,
      ),
      triggers: sortBy(
        triggers.rows.filter(keep).map((r: Row) => ({ table: text(r, 'table'), name: text(r, 'name'), definition: text(r, 'definition') })),
        (t) => `${t.table}\u0000${t.name}`,
      ),
      sequences: sortBy(
        sequences.rows
          .map((r: Row): SequenceSnapshot => ({
            name: text(r, 'name'),
            type: text(r, 'type'),
            start: text(r, 'start'),
            increment: text(r, 'increment'),
            min: text(r, 'min'),
            max: text(r, 'max'),
            cache: text(r, 'cache'),
            cycle: bool(r, 'cycle'),
            ownedBy: nullableText(r, 'owned_by'),
          }))
          .filter((s) => s.ownedBy === null || !excluded.has(s.ownedBy.split('.')[0])),
        (s) => s.name,
      ),
      views: sortBy(
        views.rows.filter((r: Row) => !excluded.has(text(r, 'name'))).map((r: Row) => ({
          name: text(r, 'name'),
          materialized: bool(r, 'materialized'),
          definition: text(r, 'definition'),
        })),
        (v) => v.name,
      ),
      enums: sortBy(enums.rows.map((r: Row) => ({ name: text(r, 'name'), labels: textArray(r, 'labels') })), (e) => e.name),
      functions: sortBy(
        functions.rows.map((r: Row) => ({ signature: text(r, 'signature'), definition: text(r, 'definition') })),
        (f) => f.signature,
      ),
    };
  } finally {
    await client.query(`SELECT set_config('search_path', $1, false)`, [previous.rows[0]?.search_path ?? '"$user", public']);
  }
}

// --- catalog queries ------------------------------------------------------------------------------
// Objects that belong to an extension (pg_depend deptype 'e') are the extension's business, not the
// migrations', and are left out everywhere.

const NOT_FROM_EXTENSION = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;

const TABLES_SQL = `
SELECT c.relname AS name, c.relkind = 'p' AS partitioned, obj_description(c.oid, 'pg_class') AS comment
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND ${NOT_FROM_EXTENSION('pg_class', 'c.oid')}`;

const COLUMNS_SQL = `
SELECT c.relname AS table, a.attname AS name,
       format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS default,
       CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS generated_expr,
       a.attgenerated::text AS generated_kind,
       a.attidentity::text AS identity,
       CASE WHEN a.attcollation <> t.typcollation THEN coll.collname::text END AS collation,
       col_description(c.oid, a.attnum) AS comment
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_collation coll ON coll.oid = a.attcollation
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  AND ${NOT_FROM_EXTENSION('pg_class', 'c.oid')}`;

// contype 'n' (PostgreSQL 18 records NOT NULL as constraints) is left out: nullability is part of the column.
const CONSTRAINTS_SQL = `
SELECT c.relname AS table, con.conname AS name, pg_get_constraintdef(con.oid, true) AS definition
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND con.contype <> 'n'
  AND ${NOT_FROM_EXTENSION('pg_class', 'c.oid')}`;

const INDEXES_SQL = `
SELECT t.relname AS table, i.relname AS name, pg_get_indexdef(ix.indexrelid) AS definition
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = $1 AND t.relkind IN ('r', 'p', 'm')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con
                  WHERE con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid AND con.contype IN ('p', 'u', 'x'))
  AND ${NOT_FROM_EXTENSION('pg_class', 't.oid')}`;

const TRIGGERS_SQL = `
SELECT c.relname AS table, tg.tgname AS name, pg_get_triggerdef(tg.oid, true) AS definition
FROM pg_trigger tg
JOIN pg_class c ON c.oid = tg.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND NOT tg.tgisinternal AND ${NOT_FROM_EXTENSION('pg_class', 'c.oid')}`;

// Identity sequences (deptype 'i') are an implementation detail of their column.
const SEQUENCES_SQL = `
SELECT c.relname AS name, format_type(s.seqtypid, NULL) AS type,
       s.seqstart::text AS start, s.seqincrement::text AS increment,
       s.seqmin::text AS min, s.seqmax::text AS max, s.seqcache::text AS cache, s.seqcycle AS cycle,
       (SELECT tc.relname || '.' || a.attname
          FROM pg_depend d
          JOIN pg_class tc ON tc.oid = d.refobjid
          JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
           AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
         LIMIT 1) AS owned_by
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('i', 'e'))`;

const VIEWS_SQL = `
SELECT c.relname AS name, c.relkind = 'm' AS materialized, pg_get_viewdef(c.oid, true) AS definition
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('v', 'm') AND ${NOT_FROM_EXTENSION('pg_class', 'c.oid')}`;

const ENUMS_SQL = `
SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_enum e ON e.enumtypid = t.oid
WHERE n.nspname = $1 AND t.typtype = 'e' AND ${NOT_FROM_EXTENSION('pg_type', 't.oid')}
GROUP BY t.typname`;

// Aggregates are left out: pg_get_functiondef cannot deparse them.
const FUNCTIONS_SQL = `
SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS signature,
       pg_get_functiondef(p.oid) AS definition
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = $1 AND p.prokind IN ('f', 'p', 'w') AND ${NOT_FROM_EXTENSION('pg_proc', 'p.oid')}`;

// --- row checking -----------------------------------------------------------------------------------

type Row = Record<string, unknown>;

function toColumn(row: Row, withComment: boolean): ColumnSnapshot {
  const identity = text(row, 'identity');
  const generatedKind = text(row, 'generated_kind');
  const generatedExpr = nullableText(row, 'generated_expr');
  return {
    name: text(row, 'name'),
    type: text(row, 'type'),
    nullable: !bool(row, 'not_null'),
    default: nullableText(row, 'default'),
    identity: identity === 'a' ? 'always' : identity === 'd' ? 'by default' : null,
    generated: generatedExpr === null ? null : `GENERATED ALWAYS AS (${generatedExpr}) ${generatedKind === 'v' ? 'VIRTUAL' : 'STORED'}`,
    collation: nullableText(row, 'collation'),
    ...(withComment ? { comment: nullableText(row, 'comment') } : {}),
  };
}

function catalogError(key: string, got: unknown): MigrationChainError {
  return new MigrationChainError('sql', `Unexpected catalog row: "${key}" is ${typeof got}.`,
    'The server returned a catalog shape this tool does not know; please report the PostgreSQL version.');
}

function text(row: Row, key: string): string {
  const v = row[key];
  if (typeof v !== 'string') throw catalogError(key, v);
  return v;
}

function nullableText(row: Row, key: string): string | null {
  const v = row[key];
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw catalogError(key, v);
  return v;
}

function bool(row: Row, key: string): boolean {
  const v = row[key];
  if (typeof v !== 'boolean') throw catalogError(key, v);
  return v;
}

function textArray(row: Row, key: string): string[] {
  const v = row[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw catalogError(key, v);
  return v;
}

function sortBy<T>(items: T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => compareCodePoints(key(a), key(b)));
}
