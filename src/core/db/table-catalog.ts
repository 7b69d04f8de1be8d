// Small catalog reads shared by reset, verify and status: the tables of a schema, exact row counts,
// foreign keys, columns, and the ownership/grants/comment of a schema. The full object-by-object
// snapshot for drift lives in src/core/schema/snapshot.ts.
import type { ClientBase } from 'pg';
import { quoteIdent } from './identifiers';

export const DEFAULT_SCHEMA = 'public';

export interface TableRowCount {
  name: string;
  rows: number;
}

export interface ForeignKeyInfo {
  table: string;
  column: string;
  foreignTable: string;
  foreignColumn: string;
  constraint: string;
}

export interface ColumnInfo {
  table: string;
  column: string;
  /** information_schema.columns.data_type, e.g. `integer`, `character varying`. */
  dataType: string;
  nullable: boolean;
}

// listTables and listColumns answer what information_schema.tables / .columns answer (base tables
// only, the same visibility rules, data_type spelled the same way), read from pg_catalog directly:
// planning those views costs a fresh backend ~15-20 ms, which verify paid after every delegated
// Alembic run (bench group 12); test/db/catalog.test.ts compares both on the real server.

/** Rows information_schema shows: not another session's temp schema, and some privilege on the table. */
const VISIBLE_TABLE = `NOT pg_is_other_temp_schema(n.oid) AND n.oid <> pg_my_temp_schema() AND c.relkind IN ('r', 'p')
        AND (pg_has_role(c.relowner, 'USAGE') OR has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
             OR has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE, REFERENCES'))`;

/** Base tables of `schema`, sorted by name (the seed's "check tables exist" query). */
export async function listTables(client: ClientBase, schema = DEFAULT_SCHEMA): Promise<string[]> {
  const { rows } = await client.query<{ table_name: string }>(
    `SELECT c.relname AS table_name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND ${VISIBLE_TABLE} ORDER BY c.relname`, [schema]);
  return rows.map((r) => r.table_name);
}

/** Every base table of `schema` with its exact row count (one statement, whatever the table count). */
export async function countRows(client: ClientBase, schema = DEFAULT_SCHEMA): Promise<TableRowCount[]> {
  const tables = await listTables(client, schema);
  if (tables.length === 0) return [];
  const parts = tables.map((t, i) => `SELECT $${i + 1}::text AS name, count(*)::bigint AS rows FROM ${quoteIdent(schema)}.${quoteIdent(t)}`);
  const { rows } = await client.query<{ name: string; rows: string }>(`${parts.join('\nUNION ALL\n')}\nORDER BY name`, tables);
  return rows.map((r) => ({ name: r.name, rows: Number(r.rows) }));
}

/** Foreign keys of `schema`, one row per column pair (the seed's "check foreign keys" query, made exact for composite keys). */
export async function listForeignKeys(client: ClientBase, schema = DEFAULT_SCHEMA): Promise<ForeignKeyInfo[]> {
  const { rows } = await client.query<ForeignKeyInfo>(
    `SELECT c.conrelid::regclass::text AS "table", a.attname AS "column",
            c.confrelid::regclass::text AS "foreignTable", fa.attname AS "foreignColumn", c.conname AS "constraint"
       FROM pg_constraint c
       JOIN pg_namespace n ON n.oid = c.connamespace
       CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, fattnum, ord)
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
       JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = k.fattnum
      WHERE c.contype = 'f' AND n.nspname = $1
      ORDER BY 1, c.conname, k.ord`, [schema]);
  return rows;
}

/** Columns of the base tables of `schema` (answers the seed's "check discovery_query_id column" query). */
export async function listColumns(client: ClientBase, schema = DEFAULT_SCHEMA): Promise<ColumnInfo[]> {
  // data_type and is_nullable as information_schema.columns computes them (domains show their base type).
  const { rows } = await client.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
    `SELECT c.relname AS table_name, a.attname AS column_name,
            CASE WHEN t.typtype = 'd' THEN
                   CASE WHEN bt.typelem <> 0 AND bt.typlen = -1 THEN 'ARRAY'
                        WHEN nbt.nspname = 'pg_catalog' THEN format_type(t.typbasetype, NULL) ELSE 'USER-DEFINED' END
                 ELSE
                   CASE WHEN t.typelem <> 0 AND t.typlen = -1 THEN 'ARRAY'
                        WHEN nt.nspname = 'pg_catalog' THEN format_type(a.atttypid, NULL) ELSE 'USER-DEFINED' END
            END AS data_type,
            CASE WHEN a.attnotnull OR (t.typtype = 'd' AND t.typnotnull) THEN 'NO' ELSE 'YES' END AS is_nullable
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_namespace nt ON nt.oid = t.typnamespace
       LEFT JOIN (pg_type bt JOIN pg_namespace nbt ON nbt.oid = bt.typnamespace) ON t.typtype = 'd' AND t.typbasetype = bt.oid
      WHERE n.nspname = $1 AND ${VISIBLE_TABLE} AND a.attnum > 0 AND NOT a.attisdropped
        AND (pg_has_role(c.relowner, 'USAGE') OR has_column_privilege(c.oid, a.attnum, 'SELECT, INSERT, UPDATE, REFERENCES'))
      ORDER BY c.relname, a.attnum`, [schema]);
  return rows.map((r) => ({ table: r.table_name, column: r.column_name, dataType: r.data_type, nullable: r.is_nullable === 'YES' }));
}

export interface SchemaPrivileges {
  owner: string;
  /** aclexplode() rows in ACL order; grantee '' means PUBLIC. */
  grants: { grantee: string; privilege: string; grantable: boolean }[];
  /** The raw ACL text, for comparison in tests and logs. */
  acl: string | null;
  comment: string | null;
}

/** Owner, grants and comment of a schema, or undefined when it does not exist. */
export async function readSchemaPrivileges(client: ClientBase, schema = DEFAULT_SCHEMA): Promise<SchemaPrivileges | undefined> {
  const { rows } = await client.query<{ owner: string; acl: string | null; comment: string | null; oid: number }>(
    `SELECT n.oid, pg_get_userbyid(n.nspowner) AS owner, n.nspacl::text AS acl, obj_description(n.oid, 'pg_namespace') AS comment
       FROM pg_namespace n WHERE n.nspname = $1`, [schema]);
  const row = rows[0];
  if (!row) return undefined;
  const grants = await client.query<{ grantee: string; privilege: string; grantable: boolean }>(
    `SELECT CASE WHEN e.grantee = 0 THEN '' ELSE pg_get_userbyid(e.grantee) END AS grantee,
            e.privilege_type AS privilege, e.is_grantable AS grantable
       FROM pg_namespace n, aclexplode(n.nspacl) WITH ORDINALITY AS e(grantor, grantee, privilege_type, is_grantable, ord)
      WHERE n.nspname = $1 ORDER BY e.ord`, [schema]);
  return { owner: row.owner, acl: row.acl, comment: row.comment, grants: grants.rows };
}

/** The server's major version, e.g. 18. */
export async function serverMajorVersion(client: ClientBase): Promise<number> {
  const { rows } = await client.query<{ v: string }>('SELECT current_setting(\'server_version_num\') AS v');
  return Math.floor(Number(rows[0].v) / 10000);
}
