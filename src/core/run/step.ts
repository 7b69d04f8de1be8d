// Runs one migration in one direction on the session's client. By default: BEGIN; move the version
// rows; the section's statements; write the audit row; COMMIT — so a migration is either fully
// applied and recorded, or not at all (step-transaction.ts packs that into few round trips). A
// non-transactional migration runs its statements one by one in autocommit, then moves the version
// in a short transaction of its own.
import * as path from 'node:path';
import { formatSpec, hasSqlText } from '../chain/formats';
import type { Direction, Migration, SqlSection } from '../chain/model';
import { logDirection, type StoredDowngrade } from '../db/audit-log';
import { cancelBackend, isConnectionLoss, isQueryCanceled, lostConnectionError } from '../db/client';
import { versionTransition } from '../db/version-table';
import { CancelledError, MigrationChainError } from '../errors';
import { splitSqlStatements } from '../sql/split';
import { loadScriptMigration, scriptContext } from './js-module';
import type { Session } from './session';
import { StepTransaction } from './step-transaction';
import { isServerError, locateInScript, locateInSection, toSqlError } from './sql-error';

export interface StepOptions {
  /** Extra advice for a failure, e.g. why a table may already exist. */
  adviceFor?: (err: unknown) => string | undefined;
}

/** What the audit log keeps to undo `migration` without its file (phantoms.ts). */
function storedDowngrade(migration: Migration): StoredDowngrade {
  if (migration.downgrade) return { parents: migration.downRevisions, sql: migration.downgrade.text };
  return { parents: migration.downRevisions, sql: null, note: `${path.basename(migration.file)} had no downgrade SQL to keep (no downgrade section, or a downgrade written as code)` };
}

/** Applies (or undoes) `migration`, moving the version from `before` to `after` heads in the same transaction. */
export async function runStep(
  s: Session, migration: Migration, direction: Direction, before: readonly string[], after: readonly string[], options: StepOptions = {},
): Promise<void> {
  if (s.signal?.aborted) throw new CancelledError();
  const started = performance.now();
  const guard = new CancelGuard(s);
  const tx = new StepTransaction(s, migration.transactional, versionTransition(before, after), after);
  try {
    try {
      await guard.run(() => runBody(s, migration, direction, options, tx));
      await tx.commit({
        revision: migration.revision, direction: logDirection(direction), checksum: migration.checksum,
        durationMs: performance.now() - started, client: s.applicationName,
        ...(direction === 'up' && s.storesDowngrades ? { downgrade: storedDowngrade(migration) } : {}),
      }, mayTouchVersionTable(s, migration, direction));
    } catch (err) {
      await tx.rollback();
      throw err;
    }
  } catch (err) {
    if (s.signal?.aborted && !(err instanceof MigrationChainError && err.code !== 'cancelled' && err.code !== 'sql')) {
      throw cancelled(migration);
    }
    if (isConnectionLoss(err)) throw lostConnectionError(s.target, migration);
    throw err;
  } finally {
    guard.dispose();
  }
}

/** A script can do anything; SQL only when its text names the version table. */
function mayTouchVersionTable(s: Session, m: Migration, direction: Direction): boolean {
  if (!hasSqlText(m)) return true;
  const section = direction === 'up' ? m.upgrade : m.downgrade;
  return !!section && section.text.toLowerCase().includes(s.bk.table.toLowerCase());
}

function cancelled(migration: Migration): CancelledError {
  const error = new CancelledError(migration.revision);
  if (!migration.transactional) {
    error.message = `Cancelled while running ${migration.revision}, a non-transactional migration: statements that finished before the cancel stay applied; the version was not moved.`;
  }
  return error;
}

async function runBody(s: Session, m: Migration, direction: Direction, options: StepOptions, tx: StepTransaction): Promise<void> {
  const execution = formatSpec(m).execution;
  if (execution.kind === 'elsewhere') {
    throw new MigrationChainError('usage', `Cannot run ${m.revision} (${m.file}) here: it is one of the ${execution.why}.`, execution.hint);
  }
  if (execution.kind === 'module') {
    if (m.transactional) await tx.open();
    return runScript(s, m, direction, options);
  }
  const section = direction === 'up' ? m.upgrade : m.downgrade;
  if (!section) {
    if (direction === 'up') return; // a migration with nothing to do still moves the version
    throw irreversible([m]);
  }
  await runSection(s, m, section, direction, options, tx);
}

async function runSection(s: Session, m: Migration, section: SqlSection, direction: Direction, options: StepOptions, tx: StepTransaction): Promise<void> {
  for (const statement of splitSqlStatements(section.text)) {
    if (s.signal?.aborted) throw new CancelledError(m.revision);
    const opening = tx.takeOpening();
    let result;
    try {
      result = await s.client.query(opening + statement.text);
    } catch (err) {
      if (s.signal?.aborted || isQueryCanceled(err) || isConnectionLoss(err)) throw err;
      if (opening && isVersionTableError(s, err)) throw err;
      const lost = opening ? tx.leaseLost(err) : undefined;
      if (lost) throw lost;
      // The server counts the position in characters of the whole query string, opening included.
      const position = (Number((err as { position?: string }).position) || 0) - [...opening].length;
      const at = locateInSection(section, statement.offset, statement.text, isServerError(err) && position > 0 ? position : undefined);
      throw toSqlError(err, m, direction, { file: m.file, line: at.line, column: at.column },
        { advice: options.adviceFor?.(err), partiallyApplied: !m.transactional, outerTransaction: s.outerTransaction });
    }
    if (opening) tx.checkOpening(result);
  }
}

/** An error of the opening's version statements (e.g. a duplicate version row), not of the migration's SQL. */
function isVersionTableError(s: Session, err: unknown): boolean {
  const table = (err as { table?: unknown }).table;
  return isServerError(err) && table === s.bk.table;
}

async function runScript(s: Session, m: Migration, direction: Direction, options: StepOptions): Promise<void> {
  const mod = await loadScriptMigration(m);
  const fn = direction === 'up' ? mod.upgrade : mod.downgrade;
  if (!fn) {
    if (direction === 'up') return;
    throw irreversible([m]);
  }
  try {
    await fn(scriptContext(s.client, m.revision));
  } catch (err) {
    if (s.signal?.aborted || isQueryCanceled(err) || isConnectionLoss(err)) throw err;
    if (err instanceof MigrationChainError) throw err;
    throw toSqlError(err, m, direction, locateInScript(err, m), { advice: options.adviceFor?.(err), partiallyApplied: !m.transactional, outerTransaction: s.outerTransaction });
  }
}

export function irreversible(migrations: readonly Migration[]): MigrationChainError {
  const list = migrations.map((m) => `${m.revision} (${m.file})`).join(', ');
  return new MigrationChainError('irreversible',
    `Cannot downgrade: ${migrations.length === 1 ? 'this revision has' : 'these revisions have'} no downgrade: ${list}. Nothing was changed.`,
    'Add a `-- migrate:downgrade` section (or a downgrade() function), or downgrade to a target above it.');
}

/**
 * While a migration body runs, an abort cancels the running statement from a second connection, and
 * keeps cancelling until the body returns (a cancel that lands between two statements is lost). The
 * version write and COMMIT are never cancelled: once the body is done the migration completes.
 */
export class CancelGuard {
  private busy = false;
  private cancelling: Promise<void> | undefined;
  private readonly onAbort = () => {
    this.cancelling ??= this.cancelLoop();
  };

  constructor(private readonly s: Session) {
    s.signal?.addEventListener('abort', this.onAbort);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
    }
  }

  private async cancelLoop(): Promise<void> {
    while (this.busy) {
      await cancelBackend(this.s.url, this.s.pid);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  dispose(): void {
    this.s.signal?.removeEventListener('abort', this.onAbort);
  }
}
