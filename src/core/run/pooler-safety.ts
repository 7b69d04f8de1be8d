// What a run may do through a connection pooler that does not keep a session between transactions.
// A transactional migration is one transaction, which every pooler keeps on one server connection,
// and its step takes the transaction-level lock and re-checks the lease (step-transaction.ts): safe.
// A non-transactional .sql migration runs each statement as its own transaction (CREATE INDEX
// CONCURRENTLY included, which needs exactly that), safe too — unless a statement leaves state in
// the session for a later one (SET, a temporary table, PREPARE, a cursor, LISTEN, a session advisory
// lock): through a transaction pooler that state lands on some server connection and the next
// statement may run elsewhere. A non-transactional .js migration holds the client and may do
// anything across transactions, which nothing here can check. Those are refused before the lease is
// taken, so nothing in the database changes.
import type { Chain } from '../chain/chain';
import type { Direction, Migration } from '../chain/model';
import { hasSqlText } from '../chain/formats';
import type { ClientBase } from 'pg';
import { bookkeepingTables, type Bookkeeping } from '../db/bookkeeping';
import { describeTarget, type DatabaseTarget } from '../db/client';
import type { PoolerFinding } from '../db/pooler';
import { readHeads } from '../db/version-table';
import { PoolerRefusedError } from '../errors';
import { splitSqlStatements } from '../sql/split';
import { planDowngrade, planUpgrade } from './plan';

const SESSION_STATE = /^\s*(?:SET\s+(?!LOCAL\b)(?:SESSION\s+)?\w|RESET\b|CREATE\s+(?:GLOBAL\s+|LOCAL\s+)?TEMP(?:ORARY)?\b|PREPARE\b|DECLARE\b|LISTEN\b|LOAD\b)/i;
const SESSION_LOCK = /\bpg_(?:try_)?advisory_(?:un)?lock(?:_shared)?\s*\(/i;

/** Why `m` needs one session for `direction` (with the line), or undefined when a pooler cannot break it. */
export function sessionNeed(m: Migration, direction: Direction): string | undefined {
  if (m.transactional) return undefined;
  if (!hasSqlText(m)) return `${m.revision} (${m.file}) is a non-transactional script migration: it may span several transactions on one connection, which a transaction pooler does not keep`;
  const section = direction === 'up' ? m.upgrade : m.downgrade;
  if (!section) return undefined;
  for (const st of splitSqlStatements(section.text)) {
    if (SESSION_STATE.test(st.text) || SESSION_LOCK.test(st.text)) {
      const line = section.line + section.text.slice(0, st.offset).split('\n').length - 1;
      const first = st.text.replace(/\s+/g, ' ').slice(0, 60);
      return `${m.revision} (${m.file}:${line}) is non-transactional and its \`${first}\` leaves state in the session for the statements after it, `
        + 'which a transaction pooler may run on another server connection';
    }
  }
  return undefined;
}

/** The refusal for `needs`, naming the pooler and the fix. */
export function poolerRefusal(target: DatabaseTarget, pooler: PoolerFinding, what: string): PoolerRefusedError {
  return new PoolerRefusedError(`Refusing to ${what} through the connection pooler at ${describeTarget(target)} `
    + `(${pooler.evidence.join('; ')}). Nothing was changed.`);
}

/**
 * The pre-lease check of an upgrade or downgrade: plans from the heads as they are now (read only)
 * and refuses when a migration of the plan needs one session. The run plans again under the lease.
 */
export function poolerGuard(chain: Chain, direction: Direction, target: string, bk: Bookkeeping, where: DatabaseTarget) {
  return async (client: ClientBase, pooler: PoolerFinding): Promise<void> => {
    const tables = await bookkeepingTables(client, bk);
    const heads = tables.version ? await readHeads(client, bk, tables) : [];
    const plan = direction === 'up' ? planUpgrade(chain, heads, target) : planDowngrade(chain, heads, target);
    const needs = plan.migrations.map((m) => sessionNeed(m, direction)).filter((n): n is string => n !== undefined);
    if (needs.length) throw poolerRefusal(where, pooler, `run ${needs.join('; ')}`);
  };
}

/**
 * For runs that need one session from start to end (a reset: its drop, rebuild and verify, the
 * rehearsal's scratch database, or Alembic's drop-then-upgrade): refuse through any pooler.
 */
export function refuseThroughPooler(what: string, where: DatabaseTarget) {
  return (_client: ClientBase, pooler: PoolerFinding): Promise<void> =>
    Promise.reject(poolerRefusal(where, pooler, `${what}: it needs one database session from start to end`));
}
