// Everything a reset may not lose, as one comparable value: schema public as the catalogs describe
// it (the bookkeeping tables included), every row of every table (version rows and audit rows too),
// and the schema's owner, ACL and comment. Two equal fingerprints: the database is unchanged.
import * as path from 'node:path';
import { Client } from 'pg';
import { loadChain, upgrade } from '../../src/core';
import { readSchema, type SchemaSnapshot } from '../../src/core/schema/snapshot';
import { freshDatabaseUrl } from './db-hooks';
import { sql } from './chains';

const SEED_DIR = path.join(__dirname, '..', '..', '..', 'migrations');

/** A database worth losing nothing of: the seed chain applied, rows, a table no migration made, a comment on public. */
export async function populatedDatabase(prefix: string): Promise<string> {
  const url = await freshDatabaseUrl(prefix);
  await upgrade({ chain: await loadChain(SEED_DIR), url });
  await sql(url, `INSERT INTO jobs (type) VALUES ('scrape'), ('send'), ('precious')`);
  await sql(url, `INSERT INTO settings (key, value) VALUES ('mode', '"live"')`);
  await sql(url, 'CREATE TABLE hand_made (id int PRIMARY KEY, note text); INSERT INTO hand_made VALUES (1, \'keep me\')');
  await sql(url, `COMMENT ON SCHEMA public IS 'before the reset'`);
  return url;
}

export interface Fingerprint {
  schema: SchemaSnapshot;
  /** Table -> its rows as JSON text, sorted. */
  rows: Record<string, string[]>;
  namespace: { owner: string; acl: string | null; comment: string | null } | null;
}

export async function fingerprint(url: string): Promise<Fingerprint> {
  const client = new Client({ connectionString: url, application_name: 'fingerprint' });
  await client.connect();
  try {
    // One snapshot for every read.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const schema = await readSchema(client, 'public');
    const tables = (await client.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows.map((r) => r.name);
    const rows: Record<string, string[]> = {};
    for (const t of tables) {
      const quoted = `"${t.replace(/"/g, '""')}"`;
      const result = await client.query<{ j: string }>(`SELECT row_to_json(t)::text AS j FROM public.${quoted} t`);
      rows[t] = result.rows.map((r) => r.j).sort();
    }
    const ns = await client.query<{ owner: string; acl: string | null; comment: string | null }>(
      `SELECT pg_get_userbyid(nspowner) AS owner, nspacl::text AS acl, obj_description(oid, 'pg_namespace') AS comment
         FROM pg_namespace WHERE nspname = 'public'`);
    await client.query('ROLLBACK');
    return { schema, rows, namespace: ns.rows[0] ?? null };
  } finally {
    await client.end();
  }
}

/** Databases on the server whose names mark them as reset rehearsals of `url`'s database. */
export async function rehearsalDatabasesOf(url: string): Promise<string[]> {
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1 || '\\_mc\\_rehearsal\\_%' ORDER BY 1", [database]);
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}
