// upgrade / downgrade: plan from the recorded heads, then umzug runs the plan on the session's one
// client. umzug's storage is a view over alembic_version: `executed()` derives from the recorded
// heads and the graph, and logMigration/unlogMigration do nothing because each migration moves its
// version row inside its own transaction (see step.ts) — a crash between "ran" and "recorded" cannot
// happen.
import type { ClientBase } from 'pg';
import type { Chain } from '../chain/chain';
import type { Direction, Migration } from '../chain/model';
import { describeTarget, parseDatabaseUrl } from '../db/client';
import { poolerGuard } from './pooler-safety';
import { readHeads } from '../db/version-table';
import { addDowngradeColumnsSql, bookkeeping, bookkeepingTables, ensureBookkeepingTables, type BookkeepingTables } from '../db/bookkeeping';
import { CancelledError, MigrationChainError, SqlError, StatementLockTimeoutError } from '../errors';
import { formatMs } from '../log';
import { splitSqlStatements } from '../sql/split';
import { assertRunnable, assertRunnableFormats, planDowngrade, planUpgrade, type PlannedRun } from './plan';
import { withSession, type Session, type SessionOptions } from './session';
import { runStep, type StepOptions } from './step';

/**
 * Names the sessions holding the locks a statement waited for, one line each, when it gave up on
 * lock_timeout. The lock model that knows which locks a statement takes lives above this layer
 * (lint/blockers.ts); the engine (engine/native.ts) passes it in. Without one the error says the
 * blockers were not looked up.
 */
export type BlockerFinder = (client: ClientBase, statement: string) => Promise<string[]>;

export interface RunHooks {
  findBlockers?: BlockerFinder;
}

export interface RunOptions extends SessionOptions, RunHooks {
  chain: Chain;
  /** Alembic-style target; default `head` for upgrade. */
  target?: string;
}

export interface RunResult {
  /** Revisions run, in order. */
  applied: string[];
  from: string[];
  to: string[];
  durationMs: number;
}

export async function upgrade(options: RunOptions): Promise<RunResult> {
  assertRunnable(options.chain);
  return withSession(withPoolerGuard(options, 'up', options.target ?? 'head'), (s) => upgradeInSession(s, options.chain, options.target ?? 'head', options));
}

export async function downgrade(options: RunOptions): Promise<RunResult> {
  assertRunnable(options.chain);
  if (!options.target) {
    throw new MigrationChainError('usage', 'downgrade needs a target (a revision, -1, or base).');
  }
  const target = options.target;
  return withSession(withPoolerGuard(options, 'down', target), async (s) => {
    const started = performance.now();
    const heads = await readHeads(s.client, s.bk);
    const plan = planDowngrade(options.chain, heads, target);
    const applied = await executePlan(s, options.chain, plan, {}, options);
    return { applied, from: plan.from, to: plan.to, durationMs: performance.now() - started };
  });
}

/** Through a pooler, a plan with a migration that needs one session is refused before the lease (pooler-safety.ts). */
function withPoolerGuard(options: RunOptions, direction: Direction, target: string): RunOptions {
  return options.assertPoolerSafe ? options
    : { ...options, assertPoolerSafe: poolerGuard(options.chain, direction, target, bookkeeping(options), parseDatabaseUrl(options.url)) };
}

/** The upgrade itself, on an open session (reset reuses it under the same lock). */
export async function upgradeInSession(s: Session, chain: Chain, target: string, hooks: RunHooks = {}): Promise<RunResult> {
  const started = performance.now();
  const tables = await bookkeepingTables(s.client, s.bk);
  const heads = await readHeads(s.client, s.bk, tables);
  const plan = planUpgrade(chain, heads, target);
  if (plan.revisions.length > 0) {
    await ensureBookkeepingTables(s.client, s.bk, tables);
    s.storesDowngrades = await storesDowngrades(s, tables);
  }
  const applied = await executePlan(s, chain, plan, {
    adviceFor: (err) => (!tables.version && (err as { code?: string }).code === '42P07'
      ? `${describeTarget(s.target)} already has tables but had no ${s.bk.table} table (made by create_all?). `
        + 'If its schema matches the chain, adopt it with `stamp head` (verify blocks are checked first); otherwise reset it.'
      : undefined),
  }, hooks);
  return { applied, from: plan.from, to: plan.to, durationMs: performance.now() - started };
}

/**
 * Whether upgrade rows can keep their downgrade: a new log has the columns; an older one gets them
 * (outside an enclosing transaction only, and a role that may not alter the log just goes without).
 */
async function storesDowngrades(s: Session, tables: BookkeepingTables): Promise<boolean> {
  if (!tables.log || tables.logDowngrade) return true;
  if (s.outerTransaction) return false;
  try {
    await s.client.query(addDowngradeColumnsSql(s.bk));
    return true;
  } catch (err) {
    s.logger.warn(`The audit log ${s.bk.logTable} could not get its downgrade columns (${(err as Error).message}); revisions applied now cannot be undone once their files are gone.`);
    return false;
  }
}

async function executePlan(s: Session, chain: Chain, plan: PlannedRun, stepOptions: StepOptions, hooks: RunHooks): Promise<string[]> {
  assertRunnableFormats(plan.migrations);
  const where = describeTarget(s.target);
  if (plan.revisions.length === 0) {
    s.logger.info(`${where} is already at ${plan.from.join(', ') || 'base'}: nothing to ${plan.direction === 'up' ? 'upgrade' : 'downgrade'}.`);
    return [];
  }
  s.logger.info(`${plan.direction === 'up' ? 'Upgrading' : 'Downgrading'} ${where} from ${plan.from.join(', ') || 'base'} to ${plan.to.join(', ') || 'base'}: ${plan.revisions.length} migration(s).`);

  // eslint-disable-next-line @typescript-eslint/no-require-imports -- umzug is required when a run starts, never at module load (layering test)
  const { Umzug } = require('umzug') as typeof import('umzug');
  let heads = [...plan.from];
  const done: string[] = [];
  const step = async (revision: string, direction: Direction) => {
    if (s.signal?.aborted) throw new CancelledError();
    const m = chain.graph.get(revision)!;
    const after = chain.graph.headsAfter(direction, heads, revision);
    const t0 = performance.now();
    s.logger.info(`${direction === 'up' ? '▲' : '▼'} ${heads.join(', ') || '<base>'} -> ${after.join(', ') || '<base>'}  ${m.revision}${m.message ? ` (${m.message})` : ''}`);
    await runStepRetryingLockTimeouts(s, m, direction, heads, after, stepOptions, hooks);
    heads = after;
    done.push(revision);
    // One info line per migration, written before it runs (a cancel or a crash must be attributable
    // to the migration that was running); its duration only at debug level (and in the audit log):
    // a second stderr write per migration is measurable on long chains (bench figure 1).
    s.logger.debug(`  ${m.revision} done in ${formatMs(performance.now() - t0)}`);
  };
  // Listed parents first; umzug runs pending ones in list order (up) and executed ones in reverse (down).
  const ordered = plan.direction === 'up' ? plan.revisions : [...plan.revisions].reverse();
  const umzug = new Umzug({
    migrations: ordered.map((revision) => ({
      name: revision,
      path: chain.graph.get(revision)?.file,
      up: () => step(revision, 'up'),
      down: () => step(revision, 'down'),
    })),
    storage: {
      // The plan was made from the heads read under this session's lock, a moment ago.
      executed: () => {
        const applied = chain.graph.appliedSet(plan.from);
        return Promise.resolve(ordered.filter((r) => applied.has(r)));
      },
      logMigration: async () => {},
      unlogMigration: async () => {},
    },
    logger: undefined,
  });
  try {
    if (plan.direction === 'up') await umzug.up();
    else await umzug.down({ to: 0 });
  } catch (err) {
    throw unwrapUmzugError(err);
  }
  return done;
}

/** Attempts per migration when its statement hits lock_timeout (a transactional migration rolls back whole, so retrying is safe). */
export const LOCK_TIMEOUT_ATTEMPTS = 3;
const LOCK_RETRY_PAUSE_MS = 1000;

async function runStepRetryingLockTimeouts(
  s: Session, m: Migration, direction: Direction, before: string[], after: string[], options: StepOptions, hooks: RunHooks,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await runStep(s, m, direction, before, after, options);
      return;
    } catch (err) {
      const limitMs = s.statementLockTimeoutMs ?? 0;
      if (!(err instanceof SqlError) || err.pg.code !== '55P03' || limitMs === 0) throw err;
      const statement = failingStatement(m, direction, err);
      const blockers = statement && hooks.findBlockers ? await hooks.findBlockers(s.client, statement).catch(() => []) : [];
      const who = blockers.length ? blockers.join('; ')
        : hooks.findBlockers ? 'a session that has since let go' : 'another session (not looked up)';
      if (!m.transactional || attempt >= LOCK_TIMEOUT_ATTEMPTS) {
        const tries = `${attempt} attempt${attempt === 1 ? '' : 's'}`;
        throw new StatementLockTimeoutError(
          `${m.revision} gave up after ${tries}: lock_timeout (${formatMs(limitMs)}) expired waiting for a table lock`
            + `${statement ? ` for \`${oneLine(statement)}\`` : ''}, blocked by ${who}. `
            + (m.transactional ? `The migration was rolled back; the database stays at ${before.join(', ') || '<base>'}.`
              : 'It is non-transactional: statements before this one stay applied; the version was not moved.'),
          m.revision, blockers, { cause: err });
      }
      s.logger.warn(`${m.revision}: lock_timeout (${formatMs(limitMs)}) expired, blocked by ${who}; rolled back, retrying (${attempt + 1}/${LOCK_TIMEOUT_ATTEMPTS}) in ${formatMs(LOCK_RETRY_PAUSE_MS * attempt)}.`);
      await pause(LOCK_RETRY_PAUSE_MS * attempt, s.signal);
    }
  }
}

/** The text of the statement an SqlError points at (by its file line), for .sql migrations. */
function failingStatement(m: Migration, direction: Direction, err: SqlError): string | undefined {
  const section = direction === 'up' ? m.upgrade : m.downgrade;
  const line = err.location?.line;
  if (!section || line === undefined) return undefined;
  let found: string | undefined;
  for (const st of splitSqlStatements(section.text)) if (section.line + st.line - 1 <= line) found = st.text;
  return found;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 100 ? `${flat.slice(0, 97)}...` : flat;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(new CancelledError()); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** umzug wraps a migration's error in its own MigrationError; ours carry the details. */
function unwrapUmzugError(err: unknown): unknown {
  let current = err;
  while (current instanceof Error && current.name === 'MigrationError' && (current as { cause?: unknown }).cause) {
    current = (current as { cause?: unknown }).cause;
  }
  return current;
}
