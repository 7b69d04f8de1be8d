// The database's state against the chain, per revision: applied / current / pending / edited /
// unknown. Two light queries (which bookkeeping tables exist; their rows), no lock. A revision in
// alembic_version that no file defines is a state, never an error.
import type { ClientBase } from 'pg';
import type { Chain } from '../chain/chain';
import { latestChecksumsSql, type AppliedChecksum } from '../db/audit-log';
import { parseDatabaseUrl, withConnection, type DatabaseTarget } from '../db/client';
import { bookkeeping, bookkeepingTables, type Bookkeeping, type BookkeepingTables, type VersionTableOptions } from '../db/bookkeeping';
import { MigrationChainError } from '../errors';

export type RevisionState = 'applied' | 'pending' | 'current' | 'unknown' | 'edited';

export interface RevisionStatus {
  state: RevisionState;
  /** From the audit log; absent for revisions applied by Alembic or stamped. */
  appliedAt?: Date;
  appliedChecksum?: string;
}

export interface ChainStatus {
  target: DatabaseTarget;
  versionTableExists: boolean;
  /** The recorded heads (alembic_version rows), sorted. */
  heads: string[];
  unknown: { revision: string; nearest: string[] }[];
  revisions: Map<string, RevisionStatus>;
  /** Revisions not applied, parents first. */
  pending: string[];
}

export interface StatusOptions extends VersionTableOptions {
  url: string;
  applicationName?: string;
}

export interface DatabaseState {
  tables: BookkeepingTables;
  heads: string[];
  checksums: Map<string, AppliedChecksum>;
}

export async function getStatus(chain: Chain, options: StatusOptions): Promise<ChainStatus> {
  const target = parseDatabaseUrl(options.url);
  const bk = bookkeeping(options);
  const state = await withConnection(options.url, { applicationName: options.applicationName }, (c) => readDatabaseState(c, bk));
  return computeStatus(chain, target, state);
}

/** The version rows and the latest checksum per revision, in at most two round trips. */
export async function readDatabaseState(client: ClientBase, bk: Bookkeeping): Promise<DatabaseState> {
  const tables = await bookkeepingTables(client, bk);
  const parts: string[] = [];
  if (tables.version) parts.push(`SELECT 'v' AS kind, version_num::text AS revision, NULL::text AS checksum, NULL::timestamptz AS applied_at FROM ${bk.versionTable}`);
  if (tables.log) parts.push(`SELECT 'l', revision::text, checksum, applied_at FROM (${latestChecksumsSql(bk)}) latest`);
  const heads: string[] = [];
  const checksums = new Map<string, AppliedChecksum>();
  if (parts.length > 0) {
    const { rows } = await client.query<{ kind: string; revision: unknown; checksum: string | null; applied_at: Date | null }>(parts.join('\nUNION ALL\n'));
    for (const r of rows) {
      if (typeof r.revision !== 'string') {
        throw new MigrationChainError('unknown-revision', `The version table ${bk.versionTable} holds a value that is not a revision id.`);
      }
      if (r.kind === 'v') heads.push(r.revision);
      else if (r.checksum && r.applied_at) checksums.set(r.revision, { checksum: r.checksum, appliedAt: r.applied_at });
    }
  }
  return { tables, heads: heads.sort(), checksums };
}

/** Pure: the per-revision state from the recorded heads and checksums. */
export function computeStatus(chain: Chain, target: DatabaseTarget, state: DatabaseState): ChainStatus {
  const { graph } = chain;
  const known = state.heads.filter((h) => graph.has(h));
  const unknown = state.heads.filter((h) => !graph.has(h)).map((revision) => ({ revision, nearest: graph.nearest(revision, 3) }));
  const applied = graph.appliedSet(known);
  const headSet = new Set(known);
  const revisions = new Map<string, RevisionStatus>();
  const pending: string[] = [];
  for (const revision of graph.topologicalOrder()) {
    if (!applied.has(revision)) {
      revisions.set(revision, { state: 'pending' });
      pending.push(revision);
      continue;
    }
    const logged = state.checksums.get(revision);
    const m = graph.get(revision);
    const edited = !!logged && !!m && logged.checksum !== m.checksum;
    revisions.set(revision, {
      state: edited ? 'edited' : headSet.has(revision) ? 'current' : 'applied',
      appliedAt: logged?.appliedAt,
      appliedChecksum: logged?.checksum,
    });
  }
  for (const u of unknown) revisions.set(u.revision, { state: 'unknown' });
  return { target, versionTableExists: state.tables.version, heads: state.heads, unknown, revisions, pending };
}
