// "Consistent" after a crash means: the version table names one revision R of the chain (or the
// database is untouched), and the schema equals the schema of a fresh database upgraded to R.
// Reference schemas come from the engine itself, run in-process without interruption, once per R.
import { Client } from 'pg';
import { BOOKKEEPING_TABLES, readSchema, type SchemaSnapshot } from '../../../src/core/schema/snapshot';
import { diffSchemas, formatSchemaDiff } from '../../../src/core/schema/diff';
import { SIDE_EFFECT_TABLE } from './crash-chain';

export async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'reliability-check' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface DatabaseState {
  /** null: no version table at all. */
  versions: string[] | null;
  schema: SchemaSnapshot;
  /** Revisions recorded in the side-effect table, one entry per row (duplicates kept). */
  sideEffects: string[] | null;
}

export async function readState(url: string): Promise<DatabaseState> {
  return withClient(url, async (c) => {
    // One snapshot for all three reads.
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const versions = await readVersions(c);
      const schema = await readSchema(c, 'public', { exclude: [...BOOKKEEPING_TABLES] });
      const hasSide = await c.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [`public.${SIDE_EFFECT_TABLE}`]);
      const sideEffects = hasSide.rows[0].present
        ? (await c.query<{ revision: string }>(`SELECT revision FROM public.${SIDE_EFFECT_TABLE} ORDER BY id`)).rows.map((r) => r.revision)
        : null;
      return { versions, schema, sideEffects };
    } finally {
      await c.query('ROLLBACK');
    }
  });
}

async function readVersions(c: Client): Promise<string[] | null> {
  const present = await c.query(`SELECT to_regclass('public.alembic_version') IS NOT NULL AS present`);
  if (!present.rows[0].present) return null;
  const rows = await c.query<{ version_num: string }>('SELECT version_num FROM public.alembic_version ORDER BY 1');
  return rows.rows.map((r) => r.version_num);
}

/**
 * Waits until no other session is connected to the database. After a SIGKILL the server notices the
 * dead client only at its next socket read/write, so the orphaned backend may still be finishing a
 * statement; checking before it is gone would race with its rollback.
 */
export async function waitForOtherSessionsToEnd(url: string, timeoutMs = 30_000): Promise<void> {
  await withClient(url, async (c) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await c.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      if (r.rows[0].n === 0) return;
      if (Date.now() > deadline) throw new Error(`${r.rows[0].n} session(s) still connected after ${timeoutMs} ms`);
      await new Promise((res) => setTimeout(res, 20));
    }
  });
}

/** Schema of a database upgraded to each revision, computed on first use and cached. */
export class ReferenceSchemas {
  private readonly cache = new Map<string, Promise<SchemaSnapshot>>();
  built = 0;
  constructor(private readonly build: (revision: string | null) => Promise<SchemaSnapshot>) {}
  get(revision: string | null): Promise<SchemaSnapshot> {
    const key = revision ?? '<base>';
    let p = this.cache.get(key);
    if (!p) {
      this.built++;
      p = this.build(revision);
      this.cache.set(key, p);
    }
    return p;
  }
}

/** Why `state` is not consistent with `chain` (in order), or [] when it is. */
export async function inconsistencies(
  state: DatabaseState,
  chainOrder: readonly string[],
  references: ReferenceSchemas,
): Promise<string[]> {
  const problems: string[] = [];
  const versions = state.versions ?? [];
  if (versions.length > 1) problems.push(`version table holds ${versions.length} rows: ${versions.join(', ')}`);
  const revision = versions[0] ?? null;
  if (revision !== null && !chainOrder.includes(revision)) problems.push(`version table names ${revision}, which is not in the chain`);
  if (problems.length) return problems;

  const diff = diffSchemas(await references.get(revision), state.schema);
  if (diff.length) problems.push(formatSchemaDiff(diff, revision ?? 'base'));

  const expectedSide = revision === null ? [] : chainOrder.slice(0, chainOrder.indexOf(revision) + 1);
  const side = state.sideEffects ?? [];
  if (side.join(',') !== expectedSide.join(',')) {
    problems.push(`side-effect rows ${JSON.stringify(side)} do not match the applied revisions ${JSON.stringify(expectedSide)}`);
  }
  return problems;
}
