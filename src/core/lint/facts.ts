// What the linter knows about the target database: its PostgreSQL major version and, per table,
// its size, columns and constraints. Read from the catalog when a database is connected
// (./catalog.ts), then updated statement by statement as the pending run would change it, so a
// table created earlier in the same run is known to be new (and empty).

export interface TableFacts {
  /** pg_class.reltuples (an estimate; -1 when never analysed). */
  rows: number;
  /** pg_relation_size of the main fork, bytes. */
  bytes: number;
  /** Created earlier in the pending run: empty, and nobody else can be using it yet. */
  isNew: boolean;
  /** A partitioned table: it has no storage of its own, so its `bytes` (0) say nothing about its partitions' rows. */
  partitioned?: boolean;
  /** Column name → format_type() text, e.g. `character varying(20)`. */
  columns: Map<string, string>;
  /** Valid `CHECK (col IS NOT NULL)` constraints, by column (SET NOT NULL skips its scan since PostgreSQL 12). */
  notNullChecks: Set<string>;
  /** Constraint name → kind ('f' foreign key, 'c' check, …), a foreign key's referenced table, a `CHECK (col IS NOT NULL)`'s column. */
  constraints: Map<string, ConstraintFacts>;
}

export interface ConstraintFacts {
  type: string;
  references?: string;
  notNullColumn?: string;
}

export interface DatabaseFacts {
  /** Major version of the target server; undefined = unknown (the rules assume the oldest they know). */
  serverMajor?: number;
  /** Where the major came from, for messages. */
  versionSource: 'database' | 'setting' | 'unknown';
  /** Qualified `schema.table` → facts. Tables absent here are of unknown size. */
  tables: Map<string, TableFacts>;
  /** Qualified index name → qualified table. */
  indexes: Map<string, string>;
  /** The first schema of the search_path, for unqualified names. */
  defaultSchema: string;
  /** The session lock_timeout the runner sets for every migration (ms, 0 = none). */
  runtimeLockTimeoutMs: number;
}

/** Oldest major whose behaviour the rules describe; an unknown version gets its (conservative) answers. */
export const OLDEST_KNOWN_MAJOR = 11;

export function emptyFacts(o: Partial<Pick<DatabaseFacts, 'serverMajor' | 'defaultSchema' | 'runtimeLockTimeoutMs'>> = {}): DatabaseFacts {
  return {
    ...(o.serverMajor !== undefined ? { serverMajor: o.serverMajor } : {}),
    versionSource: o.serverMajor !== undefined ? 'setting' : 'unknown',
    tables: new Map(),
    indexes: new Map(),
    defaultSchema: o.defaultSchema ?? 'public',
    runtimeLockTimeoutMs: o.runtimeLockTimeoutMs ?? 0,
  };
}

/** A copy that statement-by-statement updates do not leak into (the catalog read is cached per run). */
export function cloneFacts(f: DatabaseFacts): DatabaseFacts {
  const tables = new Map<string, TableFacts>();
  for (const [k, t] of f.tables) {
    tables.set(k, { ...t, columns: new Map(t.columns), notNullChecks: new Set(t.notNullChecks), constraints: new Map(t.constraints) });
  }
  return { ...f, tables, indexes: new Map(f.indexes) };
}

export function newTableFacts(): TableFacts {
  return { rows: 0, bytes: 0, isNew: true, columns: new Map(), notNullChecks: new Set(), constraints: new Map() };
}

/**
 * Known to hold no row: the catalog gives its main fork no page at all (pg_relation_size 0 means no
 * row was stored since it was created, truncated or rewritten, or VACUUM cut it back to nothing), or
 * the pending run created it. A partitioned parent has no pages of its own and is never known empty;
 * a table missing from the facts (no database) is of unknown size.
 */
export function isKnownEmpty(t: TableFacts | undefined): boolean {
  if (!t) return false;
  return t.isNew || (!t.partitioned && t.bytes === 0 && t.rows <= 0);
}

/** The major the rules reason with, and whether it was assumed. */
export function effectiveMajor(f: DatabaseFacts): { major: number; assumed: boolean } {
  return f.serverMajor === undefined ? { major: OLDEST_KNOWN_MAJOR, assumed: true } : { major: f.serverMajor, assumed: false };
}
