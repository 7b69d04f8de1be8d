// "Phantom" revisions: applied to the database by files the working tree no longer has (another git
// branch was checked out). The audit log kept, with each upgrade, the revision's parents and its
// downgrade SQL with its sha256 (db/audit-log.ts); with those the phantoms can be undone, tip first,
// without their files. Only on a local database that no protected pattern names: anywhere else they
// are reported, never touched.
import type { ClientBase } from 'pg';
import { createHash } from 'node:crypto';
import type { Chain } from '../chain/chain';
import { bookkeeping, bookkeepingTables, type Bookkeeping, type VersionTableOptions } from '../db/bookkeeping';
import { parseDatabaseUrl, withConnection, type DatabaseTarget } from '../db/client';
import { confirmationLevel } from '../db/protected';
import { renderLogInsert } from '../db/audit-log';
import { readHeads, versionTransition, writeVersionTransition } from '../db/version-table';
import { CancelledError, ConfirmationError, MigrationChainError } from '../errors';
import { silentLogger, type Logger } from '../log';
import { withSession } from '../run/session';

export interface PhantomRevision {
  revision: string;
  parents: string[];
  /** The stored downgrade; null when none was kept or it no longer matches its sha256 (`unavailable` says why). */
  downgradeSql: string | null;
  /** Why it cannot be undone without its file, when `downgradeSql` is null. */
  unavailable?: string;
  appliedAt: Date | null;
}

export interface PhantomReport {
  target: DatabaseTarget;
  /** The recorded heads. */
  heads: string[];
  /** In undo order: every revision before its parents. */
  phantoms: PhantomRevision[];
  /** Why they may not be undone here (protected pattern, remote host), when that is so. */
  refusal?: string;
}

export interface PhantomOptions extends VersionTableOptions {
  chain: Chain;
  url: string;
  /** Database name / host globs that may never be changed this way (MIGRATION_CHAIN_PROTECTED, migrationChain.protectedDatabases). */
  protectedPatterns?: readonly string[];
  logger?: Logger;
  signal?: AbortSignal;
  applicationName?: string;
}

interface LogRow { revision: string; parents: string | null; downgrade_sql: string | null; downgrade_checksum: string | null; downgrade_note: string | null; applied_at: Date | null }

/** The recorded revisions the chain's files do not define, with what the log kept to undo them. */
export async function findPhantoms(opts: PhantomOptions): Promise<PhantomReport> {
  const bk = bookkeeping(opts);
  const target = parseDatabaseUrl(opts.url);
  return withConnection(opts.url, { applicationName: opts.applicationName ?? 'migration-chain (phantoms)' }, async (client) => {
    const heads = await readHeads(client, bk);
    const phantoms = await walkPhantoms(client, bk, opts.chain, heads);
    const refusal = phantomRefusal(target, opts.protectedPatterns ?? []);
    return { target, heads, phantoms, ...(refusal ? { refusal } : {}) };
  });
}

/** Why phantoms may not be undone on `target` (protected pattern, remote host); undefined when they may. */
export function phantomRefusal(target: DatabaseTarget, patterns: readonly string[]): string | undefined {
  const level = confirmationLevel(target, patterns);
  if (level.protectedBy) return `${target.database} matches the protected pattern "${level.protectedBy}"`;
  if (level.remote) return `${target.host} is not a local database`;
  return undefined;
}

async function walkPhantoms(client: ClientBase, bk: Bookkeeping, chain: Chain, heads: readonly string[]): Promise<PhantomRevision[]> {
  const unknown = heads.filter((h) => !chain.graph.has(h));
  if (!unknown.length) return [];
  const rows = (await bookkeepingTables(client, bk)).logDowngrade ? await latestUpgrades(client, bk) : new Map<string, LogRow>();
  const found = new Map<string, PhantomRevision>();
  const visit = (revision: string) => {
    if (found.has(revision) || chain.graph.has(revision)) return;
    const row = rows.get(revision);
    const parents = row?.parents ? row.parents.split(',').filter(Boolean) : [];
    const downgradeSql = verified(row);
    found.set(revision, { revision, parents, downgradeSql, ...(downgradeSql === null ? { unavailable: whyNoDowngrade(row) } : {}), appliedAt: row?.applied_at ?? null });
    for (const p of parents) visit(p);
  };
  for (const h of unknown) visit(h);
  // Undo order: a revision only after every phantom that has it as a parent.
  const order: PhantomRevision[] = [];
  const done = new Set<string>();
  const pending = [...found.values()];
  while (pending.length) {
    const i = pending.findIndex((p) => !pending.some((q) => q !== p && q.parents.includes(p.revision)));
    const [next] = pending.splice(i === -1 ? 0 : i, 1);
    if (!done.has(next.revision)) { order.push(next); done.add(next.revision); }
  }
  return order;
}

/** Why a phantom has no usable stored downgrade: what its row says, or that there is no row. */
function whyNoDowngrade(row: LogRow | undefined): string {
  if (!row) return 'the audit log has no row for it (applied by another tool, or before Migration Chain kept downgrades)';
  if (row.downgrade_sql !== null) return 'its stored downgrade no longer matches its sha256 (the row was edited)';
  return row.downgrade_note ?? 'applied before the audit log kept downgrades';
}

/** The stored SQL when its checksum still matches (a row edited by hand is not trusted). */
function verified(row: LogRow | undefined): string | null {
  if (!row || row.downgrade_sql === null || row.downgrade_checksum === null) return null;
  return createHash('sha256').update(row.downgrade_sql, 'utf8').digest('hex') === row.downgrade_checksum ? row.downgrade_sql : null;
}

async function latestUpgrades(client: ClientBase, bk: Bookkeeping): Promise<Map<string, LogRow>> {
  const { rows } = await client.query<LogRow>(
    `SELECT DISTINCT ON (revision) revision, parents, downgrade_sql, downgrade_checksum, downgrade_note, applied_at FROM ${bk.logTable}`
    + " WHERE direction = 'upgrade' ORDER BY revision, id DESC");
  return new Map(rows.map((r) => [r.revision, r]));
}

export interface PhantomUndoResult {
  undone: string[];
  from: string[];
  to: string[];
}

/**
 * Undoes every phantom with its stored downgrade, tip first, each in its own transaction with its
 * version-row move and a 'downgrade' audit row, under the migration lock. Refuses, changing nothing,
 * on a protected or remote database, or when a phantom has no stored downgrade.
 */
export async function downgradePhantoms(opts: PhantomOptions): Promise<PhantomUndoResult> {
  const log = opts.logger ?? silentLogger;
  const report = await findPhantoms(opts);
  if (report.refusal) {
    throw new ConfirmationError(`Not undoing ${report.phantoms.length} revision(s) from another branch: ${report.refusal}. They are only reported here.`,
      'Check out the branch that has them and downgrade from there, or stamp the database deliberately.');
  }
  if (!report.phantoms.length) return { undone: [], from: report.heads, to: report.heads };
  const missing = report.phantoms.filter((p) => p.downgradeSql === null);
  if (missing.length) {
    throw new MigrationChainError('irreversible', `No stored downgrade for ${missing.map((p) => `${p.revision} (${p.unavailable})`).join('; ')}. Nothing was changed.`,
      'Check out the branch that has their files and downgrade from there.');
  }
  return withSession({ url: opts.url, logger: log, signal: opts.signal, versionTable: opts.versionTable, versionTableSchema: opts.versionTableSchema, applicationName: opts.applicationName ?? 'migration-chain (phantoms)' }, async (s) => {
    let heads = await readHeads(s.client, s.bk);
    const from = [...heads];
    const undone: string[] = [];
    for (const p of report.phantoms) {
      if (s.signal?.aborted) throw new CancelledError();
      if (!heads.includes(p.revision)) continue;
      const after = [...heads.filter((h) => h !== p.revision), ...p.parents.filter((q) => !heads.includes(q) && !isAncestorOfAny(opts.chain, q, heads))].sort();
      const started = performance.now();
      await s.client.query('BEGIN');
      try {
        await s.client.query(p.downgradeSql!);
        await writeVersionTransition(s.client, s.bk, versionTransition(heads, after));
        await s.client.query(renderLogInsert(s.bk, { revision: p.revision, direction: 'downgrade', checksum: null, durationMs: performance.now() - started, client: s.applicationName }));
        await s.client.query('COMMIT');
      } catch (err) {
        await s.client.query('ROLLBACK').catch(() => {});
        throw new MigrationChainError('sql', `Undoing ${p.revision} with its stored downgrade failed: ${(err as Error).message}`,
          'The database stays at the revision before it; check out the branch that has its file to look at it.');
      }
      log.info(`Undid ${p.revision} (from another branch) with its stored downgrade`);
      undone.push(p.revision);
      heads = after;
    }
    return { undone, from, to: heads };
  });
}

/** A parent that is already below another recorded head does not become a head of its own. */
function isAncestorOfAny(chain: Chain, revision: string, heads: readonly string[]): boolean {
  if (!chain.graph.has(revision)) return false;
  const known = heads.filter((h) => chain.graph.has(h));
  return known.length > 0 && chain.graph.appliedSet(known).has(revision);
}
