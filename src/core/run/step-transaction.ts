// One step's transaction and its bookkeeping, in as few round trips and statements as the guarantees
// allow (bench figure 1). The version rows move right after BEGIN, in the same query string as the
// migration's first statement (the simple query protocol runs several statements in order and stops
// at the first error), and their row counts are checked before the next statement is sent. From that
// UPDATE on, the step holds the version row's lock: no other session can move it until COMMIT. Only
// the migration's own SQL could, so when its text names the version table the heads are checked
// again before COMMIT. The audit row travels with COMMIT.
import type { QueryResult } from 'pg';
import { renderLogInsert, type LogEntry } from '../db/audit-log';
import { quoteIdent, quoteLiteral } from '../db/identifiers';
import { leaseCheckSql } from '../db/lease';
import { MigrationChainError } from '../errors';
import { assertOneVersionRow, renderVersionStatement, versionTableChanged, type VersionStatement } from '../db/version-table';
import type { Session } from './session';

// Raised by a cast that fails on purpose: plain SQL has no RAISE, and the check must abort the
// transaction before the COMMIT that follows it in the same query string.
const HEADS_MARKER = 'migration-chain heads: ';
const LEASE_MARKER = 'migration-chain lease lost';

export class StepTransaction {
  private begun = false;

  constructor(
    private readonly s: Session,
    /** false for a non-transactional migration: its body runs in autocommit, the bookkeeping after it. */
    private readonly bodyInTransaction: boolean,
    private readonly transition: readonly VersionStatement[],
    private readonly after: readonly string[],
  ) {}

  /**
   * The SQL to send ahead of the body's first statement, in the same query: BEGIN and the version
   * move. '' once sent, or when the body runs in autocommit. Pass that query's result to `checkOpening`.
   */
  takeOpening(): string {
    if (!this.bodyInTransaction || this.begun) return '';
    this.begun = true;
    return this.openingSql();
  }

  /** Each version statement of the opening (its results follow BEGIN's) must have touched one row. */
  checkOpening(result: QueryResult | QueryResult[]): void {
    const results = Array.isArray(result) ? result : [result];
    const begin = this.s.outerTransaction ? 0 : 1;
    const guard = this.guardSql();
    // Through a pooler the step may run on another server connection than the last one: cancel that one.
    const row = guard.length ? (results[begin]?.rows?.[0] as { pid?: unknown } | undefined) : undefined;
    const pid = Number(row?.pid);
    if (Number.isInteger(pid) && pid > 0) this.s.pid = pid;
    const first = begin + guard.length;
    this.transition.forEach((st, i) => assertOneVersionRow(this.s.bk, st, results[first + i]?.rowCount ?? null));
  }

  /** The typed error for a step refused because the run's lease was no longer its own; undefined for any other error. */
  leaseLost(err: unknown): MigrationChainError | undefined {
    const message = err instanceof Error ? err.message : '';
    if (!this.s.lease || !message.includes(LEASE_MARKER)) return undefined;
    return new MigrationChainError('lock-timeout',
      'This run\'s migration lease expired or was cleared (its heartbeat could not renew it in time), so the step was rolled back before it changed anything; '
        + 'another run may hold the lock now.',
      'Run again: the next run waits for the lock and continues from the recorded version. A longer --lock-lease keeps a slow connection\'s lease alive.');
  }

  /** Sends the opening alone when no body statement carried it (empty section, a .js body, a non-transactional step). */
  async open(): Promise<void> {
    if (this.begun) return;
    this.begun = true;
    const opening = this.openingSql();
    if (opening) {
      try {
        this.checkOpening(await this.s.client.query(opening));
      } catch (err) {
        throw this.leaseLost(err) ?? err;
      }
    }
  }

  /** Writes the audit row and commits in one round trip; `recheckHeads` first re-reads the version table inside the transaction. */
  async commit(entry: LogEntry, recheckHeads: boolean): Promise<void> {
    await this.open();
    const check = recheckHeads ? `${this.headsCheckSql()};\n` : '';
    const end = this.s.outerTransaction ? '' : ';\nCOMMIT';
    try {
      await this.s.client.query(`${check}${renderLogInsert(this.s.bk, entry)}${end}`);
    } catch (err) {
      const message = err instanceof Error ? err.message : '';
      const at = message.indexOf(HEADS_MARKER);
      if (at < 0) throw err;
      const found = message.slice(at + HEADS_MARKER.length).split('"')[0];
      throw versionTableChanged(this.s.bk, `heads ${this.after.join(', ') || '<base>'}`, found || 'no rows');
    }
  }

  async rollback(): Promise<void> {
    if (this.begun && !this.s.outerTransaction) await this.s.client.query('ROLLBACK').catch(() => {});
  }

  private openingSql(): string {
    const parts = [...(this.s.outerTransaction ? [] : ['BEGIN']), ...this.guardSql(), ...this.transition.map((st) => renderVersionStatement(this.s.bk, st))];
    return parts.length ? `${parts.join(';\n')};\n` : '';
  }

  /**
   * A leased (pooled) run's statements right after BEGIN: the transaction-level advisory lock and the
   * lease check (one statement), then the session settings as SET LOCAL, which end with the transaction.
   */
  private guardSql(): string[] {
    const lease = this.s.lease;
    if (!lease) return [];
    const timeout = this.s.statementLockTimeoutMs ?? 0;
    return [
      leaseCheckSql(lease, LEASE_MARKER),
      ...(timeout > 0 ? [`SET LOCAL lock_timeout = ${Math.round(timeout)}`] : []),
      ...(this.s.searchPath !== undefined ? [`SET LOCAL search_path TO ${quoteIdent(this.s.searchPath)}`] : []),
    ];
  }

  /** Fails (and so skips the COMMIT after it) unless the version table holds exactly the expected heads. */
  private headsCheckSql(): string {
    const t = this.s.bk.versionTable;
    const expected = this.after.map(quoteLiteral).join(', ');
    const exact = this.after.length
      ? `count(*) = ${this.after.length} AND count(*) FILTER (WHERE version_num IN (${expected})) = ${this.after.length}`
      : 'count(*) = 0';
    return `SELECT CASE WHEN ${exact} THEN 0 ELSE (${quoteLiteral(HEADS_MARKER)} || coalesce(string_agg(version_num, ', '), ''))::int END FROM ${t}`;
  }
}
