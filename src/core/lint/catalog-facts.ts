// Reads the linter's facts from the target database: server version, first schema of the
// search_path, and for every user table its estimated rows (reltuples), size (pg_relation_size),
// column types and constraints, plus which table each index belongs to. Three catalog queries,
// whatever the number of tables.
import type { ClientBase } from 'pg';
import type { DatabaseFacts, TableFacts } from './facts';

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

interface TableRow { schema: string; name: string; kind: string; rows: string | number; bytes: string; columns: { n: string; t: string }[] | null }
interface ConstraintRow { schema: string; name: string; conname: string; contype: string; ref: string | null; valid: boolean; expr: string | null }
interface IndexRow { schema: string; name: string; tbl: string }

export async function readDatabaseFacts(client: ClientBase, runtimeLockTimeoutMs = 0): Promise<DatabaseFacts> {
  const head = await client.query<{ v: string; s: string | null }>(`SELECT current_setting('server_version_num') AS v, current_schema() AS s`);
  const tables = await client.query<TableRow>(
    `SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind, c.reltuples AS rows, pg_relation_size(c.oid)::text AS bytes,
            (SELECT json_agg(json_build_object('n', a.attname, 't', format_type(a.atttypid, a.atttypmod)))
               FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'm') AND ${USER_SCHEMAS}`);
  const constraints = await client.query<ConstraintRow>(
    `SELECT n.nspname AS schema, c.relname AS name, k.conname, k.contype::text AS contype, k.convalidated AS valid,
            CASE WHEN k.contype = 'f' THEN rn.nspname || '.' || r.relname END AS ref,
            CASE WHEN k.contype = 'c' THEN pg_get_expr(k.conbin, k.conrelid) END AS expr
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_class r ON r.oid = k.confrelid LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
      WHERE ${USER_SCHEMAS}`);
  const indexes = await client.query<IndexRow>(
    `SELECT n.nspname AS schema, i.relname AS name, tn.nspname || '.' || t.relname AS tbl
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
       JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
      WHERE ${USER_SCHEMAS}`);

  const byName = new Map<string, TableFacts>();
  for (const t of tables.rows) {
    byName.set(`${t.schema}.${t.name}`, {
      rows: Number(t.rows),
      bytes: Number(t.bytes),
      isNew: false,
      ...(t.kind === 'p' ? { partitioned: true } : {}),
      columns: new Map((t.columns ?? []).map((c) => [c.n, c.t])),
      notNullChecks: new Set(),
      constraints: new Map(),
    });
  }
  for (const c of constraints.rows) {
    const table = byName.get(`${c.schema}.${c.name}`);
    if (!table) continue;
    const notNullColumn = c.expr ? notNullColumnOf(c.expr) : undefined;
    table.constraints.set(c.conname, { type: c.contype, ...(c.ref ? { references: c.ref } : {}), ...(notNullColumn ? { notNullColumn } : {}) });
    if (notNullColumn && c.valid) table.notNullChecks.add(notNullColumn);
  }
  return {
    serverMajor: Math.floor(Number(head.rows[0].v) / 10000),
    versionSource: 'database',
    tables: byName,
    indexes: new Map(indexes.rows.map((i) => [`${i.schema}.${i.name}`, i.tbl])),
    defaultSchema: head.rows[0].s ?? 'public',
    runtimeLockTimeoutMs,
  };
}

/** pg_get_expr of `CHECK (col IS NOT NULL)` is `(col IS NOT NULL)`; quoted names keep their quotes. */
function notNullColumnOf(expr: string): string | undefined {
  const m = /^\(*("(?:[^"]|"")+"|[a-z_][a-z0-9_$]*) IS NOT NULL\)*$/.exec(expr.trim());
  if (!m) return undefined;
  return m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1];
}
