// The status of every target of an environment: recorded revisions, pending and edited counts, the
// last upgrade from the audit log (when, by whom), or why it could not be reached. Reuses the single
// database status (readDatabaseState + computeStatus); reads run with bounded concurrency.
import type { ClientBase } from 'pg';
import type { Chain } from '../chain/chain';
import { parseDatabaseUrl, withConnection } from '../db/client';
import type { AppliedChecksum } from '../db/audit-log';
import { bookkeeping, type Bookkeeping } from '../db/bookkeeping';
import { cacheScramKeys } from '../db/scram-cache';
import { MigrationChainError } from '../errors';
import { computeStatus, readDatabaseState, type DatabaseState } from '../status/status';
import { naturalCompare, type FleetTarget } from './targets';
import { runPool } from './pool';

const DEFAULT_STATUS_CONCURRENCY = 16;

export interface LastApplied {
  revision: string;
  at: Date;
  /** The database role that ran it. */
  by: string;
  /** The tool that ran it (application name recorded in the audit log). */
  client: string | null;
}

export interface TargetStatus {
  id: string;
  display: string;
  schema?: string;
  reachable: boolean;
  /** The reason it is unreachable or unreadable (never a password). */
  error?: string;
  heads: string[];
  atHead: boolean;
  pending: number;
  edited: string[];
  unknown: string[];
  lastApplied?: LastApplied;
}

export interface FleetStatus {
  environment: string;
  chainHeads: string[];
  targets: TargetStatus[];
  summary: { total: number; atHead: number; behind: string[]; unreachable: string[]; failed: string[]; edited: string[] };
  durationMs: number;
}

export interface FleetStatusOptions {
  environment: string;
  chain: Chain;
  targets: readonly FleetTarget[];
  concurrency?: number;
  perServerConcurrency?: number;
  signal?: AbortSignal;
}

const APPLICATION_NAME = 'migration-chain (status)';

export async function fleetStatus(options: FleetStatusOptions): Promise<FleetStatus> {
  const started = performance.now();
  cacheScramKeys();
  const results: TargetStatus[] = [];
  await runPool(options.targets, {
    concurrency: options.concurrency ?? DEFAULT_STATUS_CONCURRENCY,
    perKey: options.perServerConcurrency,
    key: (t) => t.server,
    shouldStart: () => !options.signal?.aborted,
  }, async (t) => { results.push(await targetStatus(options.chain, t)); });
  results.sort((a, b) => naturalCompare(a.id, b.id));
  const behind = results.filter((r) => r.reachable && !r.error && !r.atHead).map((r) => r.id);
  return {
    environment: options.environment,
    chainHeads: [...options.chain.graph.heads].sort(),
    targets: results,
    summary: {
      total: results.length,
      atHead: results.filter((r) => r.atHead).length,
      behind,
      unreachable: results.filter((r) => !r.reachable).map((r) => r.id),
      failed: results.filter((r) => r.reachable && r.error).map((r) => r.id),
      edited: results.filter((r) => r.edited.length > 0).map((r) => r.id),
    },
    durationMs: performance.now() - started,
  };
}

async function targetStatus(chain: Chain, t: FleetTarget): Promise<TargetStatus> {
  const bk = bookkeeping({ versionTableSchema: t.schema });
  const base = { id: t.id, display: t.display, schema: t.schema };
  try {
    const { state, last } = await withConnection(t.url, { applicationName: APPLICATION_NAME, connectTimeoutMs: 5000 }, (c) => readTargetState(c, bk));
    const status = computeStatus(chain, parseDatabaseUrl(t.url), state);
    const edited = [...status.revisions].filter(([, r]) => r.state === 'edited').map(([rev]) => rev);
    return {
      ...base,
      reachable: true,
      heads: status.heads,
      atHead: status.pending.length === 0 && status.unknown.length === 0,
      pending: status.pending.length,
      edited,
      unknown: status.unknown.map((u) => u.revision),
      lastApplied: last,
    };
  } catch (err) {
    const reachable = !(err instanceof MigrationChainError && err.code === 'connection');
    return { ...base, reachable, error: describeFailure(err), heads: [], atHead: false, pending: 0, edited: [], unknown: [] };
  }
}

/**
 * The version rows and the audit log's upgrade and repair rows in ONE round trip when both
 * bookkeeping tables exist (every member a fleet has upgraded); otherwise (undefined_table) the
 * status's own two-step read. A fleet's status is dominated by the server's work per connection:
 * a plain scan, reduced here to the latest checksum per revision and the last upgrade, costs the
 * server less than planning DISTINCT ON and ORDER BY … LIMIT in each new backend (measured: about a
 * third of the log read's server time on 100 databases).
 */
async function readTargetState(c: ClientBase, bk: Bookkeeping): Promise<{ state: DatabaseState; last?: LastApplied }> {
  type Row = { kind: string; revision: unknown; id: string | null; direction: string | null; checksum: string | null; applied_at: Date | null; db_user: string | null; client: string | null };
  let rows: Row[];
  try {
    ({ rows } = await c.query<Row>(
      `SELECT 'v' AS kind, version_num::text AS revision, NULL::bigint AS id, NULL::text AS direction, NULL::text AS checksum, NULL::timestamptz AS applied_at, NULL::text AS db_user, NULL::text AS client FROM ${bk.versionTable}`
      + `\nUNION ALL SELECT 'l', revision::text, id, direction, checksum, applied_at, db_user, client FROM ${bk.logTable} WHERE direction IN ('upgrade', 'repair')`));
  } catch (err) {
    if ((err as { code?: unknown })?.code !== '42P01') throw err;
    const state = await readDatabaseState(c, bk);
    return { state, last: state.tables.log ? await lastApplied(c, bk) : undefined };
  }
  const heads: string[] = [];
  // The same answers as latestChecksumsSql and lastApplied: the highest id wins.
  const latest = new Map<string, { id: bigint; checksum: AppliedChecksum }>();
  let last: { id: bigint; row: LastApplied } | undefined;
  for (const r of rows) {
    if (typeof r.revision !== 'string') {
      throw new MigrationChainError('unknown-revision', `The version table ${bk.versionTable} holds a value that is not a revision id.`);
    }
    if (r.kind === 'v') { heads.push(r.revision); continue; }
    if (r.id === null || !r.applied_at) continue;
    const id = BigInt(r.id);
    const seen = latest.get(r.revision);
    if (r.checksum !== null && (!seen || seen.id < id)) latest.set(r.revision, { id, checksum: { checksum: r.checksum, appliedAt: r.applied_at } });
    if (r.direction === 'upgrade' && (!last || last.id < id)) last = { id, row: { revision: r.revision, at: r.applied_at, by: r.db_user ?? '', client: r.client } };
  }
  const checksums = new Map([...latest].map(([rev, v]) => [rev, v.checksum]));
  // logDowngrade is not read here: the fleet status never runs anything.
  return { state: { tables: { version: true, log: true, logDowngrade: false }, heads: heads.sort(), checksums }, last: last?.row };
}

async function lastApplied(client: ClientBase, bk: Bookkeeping): Promise<LastApplied | undefined> {
  const { rows } = await client.query<{ revision: string; applied_at: Date; db_user: string; client: string | null }>(
    `SELECT revision, applied_at, db_user, client FROM ${bk.logTable} WHERE direction = 'upgrade' ORDER BY id DESC LIMIT 1`);
  const r = rows[0];
  return r ? { revision: r.revision, at: r.applied_at, by: r.db_user, client: r.client } : undefined;
}

/** Engine errors are built without passwords, and so are the server's own (they name objects); a driver error is reduced to its code. */
export function describeFailure(err: unknown): string {
  if (err instanceof MigrationChainError) return err.message;
  const e = err as { code?: unknown; severity?: unknown; message?: unknown } | null;
  if (typeof e?.severity === 'string' && typeof e.message === 'string') return `${e.message}${typeof e.code === 'string' ? ` [${e.code}]` : ''}`;
  const code = e?.code;
  return `unexpected error${typeof code === 'string' ? ` (${code})` : ''}`;
}
