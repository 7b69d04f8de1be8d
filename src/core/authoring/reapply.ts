// Re-apply on save: the revision being written (the chain's single head, applied to a local,
// unprotected database) is downgraded to its parent and upgraded again through the chain's engine,
// so the database follows the file as it is edited. The rules are reapply-rules.ts; this module reads
// what they need in one connection, runs the two engine calls with no wait for the migration lock
// (another run holding it is a refusal, not a queue), and returns a typed result a front end renders.
//
// Which downgrade runs: when the upgrade text is what was applied (only the downgrade was edited), the
// file's downgrade, which is then the thing being tried; when the upgrade was edited, the downgrade the
// audit log kept with the applied upgrade (db/audit-log.ts, the same text phantoms.ts undoes with),
// because the file's new downgrade undoes the new upgrade, not the applied one. Formats whose downgrade
// is not SQL text (a module, an Alembic `.py`) always run the file's.
//
// A failure leaves the database at a revision, never between: the downgrade's transaction rolls back
// (the revision stays applied, as it was), or the upgrade's does (the database is at the parent).
// The result says which (`at`), and a later save with `resume` runs the upgrade again from there.
import { createHash } from 'node:crypto';
import type { Client } from 'pg';
import type { Chain } from '../chain/chain';
import { hasSqlText } from '../chain/formats';
import type { Migration } from '../chain/model';
import { bookkeeping, bookkeepingTables, type VersionTableOptions } from '../db/bookkeeping';
import { parseDatabaseUrl, withConnection } from '../db/client';
import { lockHolder, normalizeLockKey } from '../db/lock';
import { readHeads } from '../db/version-table';
import { describeLockHolder, MigrationChainError, SqlError } from '../errors';
import { silentLogger, type Logger } from '../log';
import type { RunResult } from '../run/runner';
import type { SessionOptions } from '../run/session';
import { databaseRule, fileRule, stateRule, type ReapplyRefusal } from './reapply-rules';

export type { ReapplyRefusal, ReapplyRefusalCode } from './reapply-rules';

/** The settings a re-apply passes to each run; the lock is never waited for. */
export type ReapplySettings = Pick<SessionOptions, 'logger' | 'signal' | 'applicationName' | 'statementLockTimeoutMs' | 'lockKey'>;

/** The two verbs of the chain's engine a re-apply uses (a `ChainEngine` is one). */
export interface ReapplyEngine {
  upgrade(target: string, settings: Pick<SessionOptions, 'url' | 'lockTimeoutMs'> & ReapplySettings): Promise<RunResult>;
  downgrade(target: string, settings: Pick<SessionOptions, 'url' | 'lockTimeoutMs'> & ReapplySettings): Promise<RunResult>;
}

export interface ReapplyOptions extends VersionTableOptions {
  chain: Chain;
  /** The saved file (absolute path, as the chain lists it). */
  file: string;
  url: string;
  /** Database name / host globs never re-applied on (migrationChain.protectedDatabases). */
  protectedPatterns?: readonly string[];
  /** The chain's engine for a chain (the one passed, or the same chain with the applied downgrade). */
  engineFor: (chain: Chain) => ReapplyEngine;
  settings?: ReapplySettings;
  /** The revision whose previous re-apply stopped at its parent (its upgrade failed): upgrade it again. */
  resume?: string;
}

/** Which downgrade text undid the applied revision. */
export type DowngradeSource = 'file' | 'stored' | 'none';

export type ReapplyResult =
  | {
    outcome: 'applied'; revision: string; file: string; database: string;
    /** 'none': the upgrade alone ran (resumed after a failed upgrade). */
    downgradedWith: DowngradeSource;
    heads: string[]; durationMs: number;
  }
  | { outcome: 'refused'; code: ReapplyRefusal['code']; message: string; revision?: string; file: string }
  | {
    outcome: 'failed'; revision: string; file: string; database: string;
    /** 1-based line of the failing statement in `file` (the revision's header when the error names none). */
    line: number; column?: number;
    phase: 'downgrade' | 'upgrade';
    /** Where the database stands: 'unchanged' (the downgrade rolled back) or 'at-parent' (the upgrade did). */
    state: 'unchanged' | 'at-parent';
    heads: string[];
    message: string;
    error: MigrationChainError;
    downgradedWith: DowngradeSource;
  };

interface DatabaseFacts {
  heads: string[];
  lockHeldBy?: string;
  /** The downgrade kept with the revision's latest upgrade, when its checksums hold and it is still the latest row. */
  stored?: { upgradeChecksum: string; sql: string };
}

export async function reapplyHead(o: ReapplyOptions): Promise<ReapplyResult> {
  const started = performance.now();
  const file = o.file;
  const byFile = fileRule(o.chain, file);
  if ('refusal' in byFile) return refused(byFile.refusal, file);
  const m = byFile.migration;
  const target = parseDatabaseUrl(o.url);
  const byDatabase = databaseRule(target, o.protectedPatterns ?? []);
  if (byDatabase) return refused({ ...byDatabase, revision: m.revision }, file);

  const bk = bookkeeping(o);
  const s = o.settings ?? {};
  const facts = await readFacts(o.url, bk, m.revision, s);
  const decision = stateRule(m, facts.heads, facts.lockHeldBy, o.resume);
  if (decision.kind === 'refused') return refused(decision.refusal, file);

  // The run's narration is kept too: a tool that runs the file itself (Alembic) names the failing
  // line only in the traceback it prints.
  const narration = recordingLogger(s.logger);
  const runSettings = { ...s, logger: narration.logger, url: o.url, lockTimeoutMs: 0 };
  const parent = m.downRevisions[0] ?? 'base';
  let downgradedWith: DowngradeSource = 'none';
  if (decision.kind === 'reapply') {
    const undo = downgradeChain(o.chain, m, facts.stored);
    downgradedWith = undo.source;
    try {
      await o.engineFor(undo.chain).downgrade(parent, runSettings);
    } catch (err) {
      return failed(o, m, 'downgrade', err, downgradedWith, narration.text());
    }
  }
  try {
    const result = await o.engineFor(o.chain).upgrade(m.revision, runSettings);
    return { outcome: 'applied', revision: m.revision, file, database: target.database, downgradedWith, heads: result.to, durationMs: performance.now() - started };
  } catch (err) {
    return failed(o, m, 'upgrade', err, downgradedWith, narration.text());
  }
}

/** The recorded heads, who holds the lock, and the stored downgrade, in one connection. */
async function readFacts(url: string, bk: ReturnType<typeof bookkeeping>, revision: string, s: ReapplySettings): Promise<DatabaseFacts> {
  return withConnection(url, { applicationName: s.applicationName ?? 'migration-chain (re-apply)' }, async (client) => {
    const tables = await bookkeepingTables(client, bk);
    const heads = await readHeads(client, bk, tables);
    const holder = await lockHolder(client, normalizeLockKey(s.lockKey));
    const stored = tables.logDowngrade ? await storedDowngrade(client, bk.logTable, revision) : undefined;
    return { heads, ...(holder ? { lockHeldBy: describeLockHolder(holder) } : {}), ...(stored ? { stored } : {}) };
  });
}

async function storedDowngrade(client: Client, logTable: string, revision: string): Promise<DatabaseFacts['stored']> {
  // The revision's latest row: only an upgrade row describes what is applied now.
  const { rows } = await client.query<{ direction: string; checksum: string | null; downgrade_sql: string | null; downgrade_checksum: string | null }>(
    `SELECT direction, checksum, downgrade_sql, downgrade_checksum FROM ${logTable} WHERE revision = $1 AND direction <> 'repair' ORDER BY id DESC LIMIT 1`, [revision]);
  const r = rows[0];
  if (!r || r.direction !== 'upgrade' || r.checksum === null || r.downgrade_sql === null || r.downgrade_checksum === null) return undefined;
  // A row edited by hand is not trusted.
  if (createHash('sha256').update(r.downgrade_sql, 'utf8').digest('hex') !== r.downgrade_checksum) return undefined;
  return { upgradeChecksum: r.checksum, sql: r.downgrade_sql };
}

/** The chain to downgrade with: the same, or with the revision's downgrade swapped for the one kept when it was applied. */
function downgradeChain(chain: Chain, m: Migration, stored: DatabaseFacts['stored']): { chain: Chain; source: DowngradeSource } {
  if (!stored || !hasSqlText(m) || stored.upgradeChecksum === m.checksum || stored.sql === m.downgrade?.text) return { chain, source: 'file' };
  const applied: Migration = { ...m, downgrade: { text: stored.sql, line: m.downgrade?.line ?? m.revisionLine } };
  const graph = chain.graph.withContentChanges(new Map([[m, applied]]));
  if (!graph) return { chain, source: 'file' };
  return { chain: { ...chain, graph, migrations: chain.migrations.map((x) => (x === m ? applied : x)) }, source: 'stored' };
}

function refused(r: ReapplyRefusal, file: string): ReapplyResult {
  return { outcome: 'refused', code: r.code, message: r.message, ...(r.revision ? { revision: r.revision } : {}), file };
}

async function failed(o: ReapplyOptions, m: Migration, phase: 'downgrade' | 'upgrade', err: unknown, downgradedWith: DowngradeSource, narration: string): Promise<ReapplyResult> {
  const error = err instanceof MigrationChainError ? err : new MigrationChainError('sql', err instanceof Error ? err.message : String(err), undefined, { cause: err });
  // Where the database stands now, read after the failure (the engine rolled the step back).
  const heads = await withConnection(o.url, { applicationName: o.settings?.applicationName ?? 'migration-chain (re-apply)' }, (c) => readHeads(c, bookkeeping(o))).catch(() => undefined);
  const state = heads ? (heads.length === 1 && heads[0] === m.revision ? 'unchanged' : 'at-parent') : (phase === 'downgrade' ? 'unchanged' : 'at-parent');
  const where = errorLine(error, m, phase, downgradedWith, narration);
  const at = heads ? (heads.join(', ') || 'base') : 'unknown (could not read it)';
  const message = `${phase === 'downgrade' ? 'Downgrading' : 'Upgrading'} ${m.revision} failed: ${error.message}`
    + (state === 'unchanged' ? ` The database is unchanged (still at ${at}).` : ` The database is at ${at}; the next save upgrades ${m.revision} again.`);
  return {
    outcome: 'failed', revision: m.revision, file: m.file, database: parseDatabaseUrl(o.url).database, line: where.line,
    ...(where.column !== undefined ? { column: where.column } : {}), phase, state, heads: heads ?? [], message, error, downgradedWith,
  };
}

/**
 * The failing statement's line in the file: the SQL error's location for SQL the file holds, a
 * Python traceback's line in the file for a module run by its own tool, else the revision's header
 * (a stored downgrade is not in the file: its error is anchored on the downgrade section).
 */
function errorLine(error: MigrationChainError, m: Migration, phase: 'downgrade' | 'upgrade', downgradedWith: DowngradeSource, narration: string): { line: number; column?: number } {
  if (phase === 'downgrade' && downgradedWith === 'stored') return { line: m.downgrade?.line ?? m.revisionLine };
  if (error instanceof SqlError && error.location && error.location.file === m.file) return { line: error.location.line, column: error.location.column };
  const traced = tracebackLine(`${narration}\n${error.message}`, m.file);
  return { line: traced ?? m.revisionLine };
}

/** The logger passed on, and the last lines it was given (a traceback's frames are near the end). */
function recordingLogger(inner: Logger = silentLogger): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const keep = (message: string) => { lines.push(message); if (lines.length > 400) lines.splice(0, lines.length - 400); };
  return {
    logger: {
      info: (message) => { keep(message); inner.info(message); },
      warn: (message) => { keep(message); inner.warn(message); },
      error: (message) => { keep(message); inner.error(message); },
      debug: (message) => inner.debug(message),
    },
    text: () => lines.join('\n'),
  };
}

/** The last `File "<file>", line N` of a Python traceback naming this file. */
export function tracebackLine(text: string, file: string): number | undefined {
  let line: number | undefined;
  for (const match of text.matchAll(/File "([^"]+)", line (\d+)/g)) if (match[1] === file) line = Number(match[2]);
  return line;
}
