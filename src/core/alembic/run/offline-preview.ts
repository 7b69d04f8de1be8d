// What the offline SQL of an Alembic project feeds: the script "Show SQL" and `upgrade --sql` print,
// the risky statements a run's confirmation lists (an upgrade's destructive statements, what a
// downgrade drops), and the scratch build of the drift check, made by the project's own Alembic.
import { readFile } from 'node:fs/promises';
import type { Chain } from '../../chain/chain';
import type { Direction } from '../../chain/model';
import { findRiskyInPrintedSql, type RiskyStatement } from '../../sql/risky';
import type { Logger } from '../../log';
import { offlineRevisionSql, offlineScript, pyFunction, type OfflineAlembic } from './offline-sql';
import { alembic, DEFAULT_ENV_VARIABLE, type AlembicProcessOptions } from './locked-run';
import { withConnection } from '../../db/client';
import { bookkeeping } from '../../db/bookkeeping';
import { readHeads } from '../../db/version-table';
import { AlembicOfflineError, MigrationChainError, type OfflineFailure } from '../../errors';
import { wrongDatabaseHint } from './connect-guard';
import { envPyText } from './url-channels';

const readText = (file: string) => readFile(file, 'utf8');

export interface AlembicSqlOptions {
  chain: Chain;
  direction: Direction;
  target: string;
  /** The recorded heads to start from ([] = base). */
  from: readonly string[];
}

export interface AlembicSql {
  sql: string;
  /** Revisions Alembic could not print offline; `error` names the first with its file and reason. */
  failures: OfflineFailure[];
  error?: AlembicOfflineError;
}

/** The offline script of an upgrade or downgrade, as the project's Alembic prints it. */
export async function alembicSql(o: OfflineAlembic, options: AlembicSqlOptions): Promise<AlembicSql> {
  const { chain, direction, target } = options;
  const from = [...options.from].sort();
  const resolved = chain.graph.resolve(target, from).revisions;
  const revisions = direction === 'up' ? chain.graph.upgradePlan(from, resolved) : chain.graph.downgradePlan(from, resolved);
  // A relative target (-1, +2) is named by the revision it resolves to, in the header and for Alembic.
  const named = /^[+-]\d+$/.test(target.trim()) && resolved.length <= 1 ? (resolved[0] ?? 'base') : target;
  const header = `-- Alembic offline SQL (${o.command.source}): ${direction === 'up' ? 'upgrade' : 'downgrade'} ${from.join(', ') || '<base>'} -> ${named === 'base' ? '<base>' : named}\n`;
  if (revisions.length === 0) return { sql: `${header}-- Nothing to do.\n`, failures: [] };
  const script = await offlineScript(o, chain, direction, from, named, revisions, readText);
  return { sql: `${header}\n${script.sql}`, failures: script.failures, ...(script.failures.length ? { error: new AlembicOfflineError(script.failures) } : {}) };
}

export interface AlembicRisks {
  /** Per revision of the run: its destructive and non-transactional statements. */
  riskyOf: (step: { revision: string }) => RiskyStatement[];
  /** Revisions whose SQL could not be previewed, with Alembic's reason. */
  failures: OfflineFailure[];
}

/** The risky statements of the revisions a run will apply (up) or undo (down), from Alembic's offline SQL. */
export async function alembicRisks(o: OfflineAlembic, chain: Chain, direction: Direction, revisions: readonly string[], target: string): Promise<AlembicRisks> {
  const sql = await offlineRevisionSql(o, chain, direction, revisions, direction === 'up' ? target : downTarget(chain, revisions, target), readText);
  const byRevision = new Map<string, RiskyStatement[]>();
  for (const [revision, text] of sql.sections) {
    const m = chain.graph.get(revision);
    if (!m) continue;
    const line = pyFunction(await readText(m.file).catch(() => ''), direction === 'up' ? 'upgrade' : 'downgrade').line;
    byRevision.set(revision, findRiskyInPrintedSql(m, direction === 'up' ? 'upgrade' : 'downgrade', text, line));
  }
  return { riskyOf: (step) => byRevision.get(step.revision) ?? [], failures: sql.failures };
}

/** A downgrade's stopping point: the target, or for a relative target the parents of the last revision undone. */
function downTarget(chain: Chain, revisions: readonly string[], target: string): string {
  if (target === 'base' || chain.graph.has(target)) return target;
  const last = chain.graph.get(revisions[revisions.length - 1] ?? '');
  return last?.downRevisions[0] ?? 'base';
}

/**
 * Builds the drift check's scratch database with the project's Alembic: `alembic upgrade HEAD` per
 * recorded head. Each run is guarded (connect-guard.ts); when the command could not load the guard,
 * the scratch database's version table must show the heads afterwards, or env.py worked elsewhere.
 */
export function alembicScratchBuilder(o: Omit<AlembicProcessOptions, 'url' | 'logger'>): (scratchUrl: string, heads: readonly string[], logger: Logger) => Promise<void> {
  return async (scratchUrl, heads, logger) => {
    let unchecked = false;
    for (const head of heads) unchecked = !(await alembic({ ...o, url: scratchUrl, logger }, ['upgrade', head])).guard.armed || unchecked;
    if (!unchecked || heads.length === 0) return;
    const recorded = await withConnection(scratchUrl, { applicationName: 'migration-chain (drift)' }, (c) => readHeads(c, bookkeeping({})));
    if (recorded.length === 0) {
      throw new MigrationChainError('connection',
        `alembic upgrade ${heads.join(', ')} finished, but the scratch database's version table is empty: env.py worked on another database (the connection could not be checked beforehand).`,
        wrongDatabaseHint(envPyText(o.project), o.envVariable ?? DEFAULT_ENV_VARIABLE));
    }
  };
}
