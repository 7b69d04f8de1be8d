// verify (the seed's sections 6 and 10): a structured report of the database against the chain —
// the recorded version equals the chain's head(s), nothing pending, nothing unknown, the tables
// (bookkeeping listed apart), the foreign keys, the columns, every applied migration's own verify
// block, and files edited after they were applied.
import type { ClientBase } from 'pg';
import type { Chain } from '../chain/chain';
import {
  DEFAULT_SCHEMA, listColumns, listForeignKeys, listTables, type ColumnInfo, type ForeignKeyInfo,
} from '../db/table-catalog';
import { parseDatabaseUrl, withConnection, type DatabaseTarget } from '../db/client';
import { bookkeeping, LOG_TABLE, type VersionTableOptions } from '../db/bookkeeping';
import { LOCK_TABLE } from '../db/lease';
import { formatDiagnostic } from '../errors';
import { silentLogger, type Logger } from '../log';
import { computeStatus, readDatabaseState, type DatabaseState } from '../status/status';
import { runVerifyBlock, type VerifyBlockResult } from './blocks';

export interface VerifyCheck {
  name: string;
  ok: boolean;
  detail: string;
  revision?: string;
  file?: string;
  line?: number;
}

export interface EditedRevision {
  revision: string;
  file: string;
  appliedAt?: Date;
  appliedChecksum: string;
  fileChecksum: string;
}

export interface VerifyReport {
  ok: boolean;
  target: DatabaseTarget;
  checks: VerifyCheck[];
  /** The recorded heads and the chain's heads. */
  versions: { recorded: string[]; expected: string[] };
  pending: string[];
  unknown: { revision: string; nearest: string[] }[];
  /** Application tables of the schema, sorted; the version table and the audit log are in `bookkeepingTables`. */
  tables: string[];
  bookkeepingTables: string[];
  foreignKeys: ForeignKeyInfo[];
  columns: ColumnInfo[];
  verifyBlocks: VerifyBlockResult[];
  edited: EditedRevision[];
}

export interface VerifyOptions extends VersionTableOptions {
  chain: Chain;
  url: string;
  logger?: Logger;
  signal?: AbortSignal;
  applicationName?: string;
}

export async function verify(options: VerifyOptions): Promise<VerifyReport> {
  return withConnection(options.url, { applicationName: options.applicationName }, (client) => verifyOnClient(client, options));
}

/**
 * verify on a connected client. `inTransaction`: the client is inside a transaction that is not
 * committed yet (the all-or-nothing reset checks its work before COMMIT), so the verify blocks run
 * in savepoints instead of transactions of their own. `state`: the version rows and checksums when
 * the caller has just read them on this client, under the lock (a delegated run reads them to
 * decide whether to verify): not read a second time.
 */
export async function verifyOnClient(client: ClientBase, options: VerifyOptions, inTransaction = false, state?: DatabaseState): Promise<VerifyReport> {
  const { chain } = options;
  const logger = options.logger ?? silentLogger;
  const target = parseDatabaseUrl(options.url);
  const bk = bookkeeping(options);
  // A header, so that in a shared output channel this report is not read as the tail of the run before.
  logger.info(`Verify target: ${target.display}`);
  state ??= await readDatabaseState(client, bk);
  const status = computeStatus(chain, target, state);
  const allTables = await listTables(client, DEFAULT_SCHEMA);
  const inPublic = !bk.schema || bk.schema === DEFAULT_SCHEMA;
  const bookkeepingNames = new Set(inPublic ? [bk.table, LOG_TABLE, LOCK_TABLE] : []);
  const tables = allTables.filter((t) => !bookkeepingNames.has(t));
  const bookkeepingTables = allTables.filter((t) => bookkeepingNames.has(t));
  const foreignKeys = await listForeignKeys(client, DEFAULT_SCHEMA);
  const columns = (await listColumns(client, DEFAULT_SCHEMA)).filter((c) => !bookkeepingNames.has(c.table));

  const checks: VerifyCheck[] = [];
  const chainErrors = chain.diagnostics.filter((d) => d.severity === 'error');
  checks.push({
    name: 'chain', ok: chainErrors.length === 0,
    detail: chainErrors.length === 0 ? `${chain.migrations.length} migration file(s), no errors` : chainErrors.map(formatDiagnostic).join('\n'),
  });
  const expected = [...chain.graph.heads].sort();
  const versionOk = status.unknown.length === 0 && sameSet(state.heads, expected);
  checks.push({
    name: 'version', ok: versionOk,
    detail: `${bk.table} = ${state.heads.join(', ') || (state.tables.version ? '(empty)' : '(no version table)')}; chain head(s) = ${expected.join(', ') || '(none)'}`,
  });
  checks.push({
    name: 'pending', ok: status.pending.length === 0,
    detail: status.pending.length === 0 ? 'no pending revisions' : `${status.pending.length} pending: ${status.pending.join(', ')}`,
  });
  checks.push({
    name: 'unknown', ok: status.unknown.length === 0,
    detail: status.unknown.length === 0
      ? 'every recorded revision has a file'
      : status.unknown.map((u) => `${u.revision} has no file${u.nearest.length ? ` (nearest: ${u.nearest.join(', ')})` : ''}`).join('; '),
  });
  checks.push({ name: 'tables', ok: true, detail: `${tables.length} table(s): ${tables.join(', ') || '(none)'}` });
  checks.push({
    name: 'foreign keys', ok: true,
    detail: foreignKeys.length === 0 ? 'none' : foreignKeys.map((f) => `${f.table}.${f.column} -> ${f.foreignTable}.${f.foreignColumn}`).join(', '),
  });

  const verifyBlocks: VerifyBlockResult[] = [];
  for (const revision of chain.graph.topologicalOrder()) {
    const state = status.revisions.get(revision)?.state;
    if (state === 'pending' || state === undefined) continue;
    if (options.signal?.aborted) break;
    const result = await runVerifyBlock(client, chain.graph.get(revision)!, inTransaction);
    if (!result) continue;
    verifyBlocks.push(result);
    checks.push({ name: `verify ${revision}`, ok: result.ok, detail: result.detail, revision, file: result.file, line: result.line });
    if (!result.ok) logger.warn(`verify block of ${revision} failed at ${result.file}:${result.line}: ${result.detail}`);
  }

  const edited: EditedRevision[] = [];
  for (const [revision, s] of status.revisions) {
    if (s.state !== 'edited') continue;
    const m = chain.graph.get(revision)!;
    edited.push({ revision, file: m.file, appliedAt: s.appliedAt, appliedChecksum: s.appliedChecksum!, fileChecksum: m.checksum });
    checks.push({
      name: `checksum ${revision}`, ok: false, revision, file: m.file, line: m.revisionLine,
      detail: `edited after apply: applied ${s.appliedAt?.toISOString() ?? '(unknown date)'} with checksum ${s.appliedChecksum!.slice(0, 12)}, file now ${m.checksum.slice(0, 12)}`,
    });
  }

  return {
    ok: checks.every((c) => c.ok),
    target, checks,
    versions: { recorded: state.heads, expected },
    pending: status.pending, unknown: status.unknown,
    tables, bookkeepingTables, foreignKeys, columns, verifyBlocks, edited,
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sortedB = [...b].sort();
  return a.length === b.length && [...a].sort().every((v, i) => v === sortedB[i]);
}

/** One line per check: ✔ as info, ✘ as a warning. */
export function logChecks(log: Logger, report: VerifyReport): void {
  if (log.rendersVerifyReport) return;
  for (const c of report.checks) {
    const line = `${c.ok ? '✔' : '✘'} ${c.name}: ${c.detail}`;
    if (c.ok) log.info(line);
    else log.warn(line);
  }
}
