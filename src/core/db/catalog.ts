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

/** Base tables of `schema`, sorted by name (the seed's "check tables exist" query). */
export async function listTables(client: ClientBase, schema = DEFAULT_SCHEMA): Promise<string[]> {
  const { rows } = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`, [schema]);
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
  const { rows } = await client.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
    `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.ordinal_position`, [schema]);
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
