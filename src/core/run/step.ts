// Runs one migration in one direction on the session's client. By default: BEGIN; the section's
// statements; move the version rows; write the audit row; COMMIT — so a migration is either fully
// applied and recorded, or not at all. A non-transactional migration runs its statements one by one
// in autocommit, then moves the version in a short transaction of its own.
import type { Migration, SqlSection } from '../chain/model';
import { logEntryQuery, type LogEntry } from '../db/audit-log';
import { cancelBackend, isConnectionLoss, isQueryCanceled, lostConnectionError } from '../db/connection';
import { assertOneVersionRow, versionStatementQuery, versionTransition, type VersionStatement } from '../db/version-table';
import { CancelledError, MigrationChainError } from '../errors';
import { splitSqlStatements } from '../sql/split';
import { loadScriptMigration, scriptContext } from './js-module';
import type { Session } from './session';
import { isServerError, locateInScript, locateInSection, toSqlError, type Direction } from './sql-error';

export interface StepOptions {
  /** Extra advice for a failure, e.g. why a table may already exist. */
  adviceFor?: (err: unknown) => string | undefined;
}

/** Applies (or undoes) `migration`, moving the version from `before` to `after` heads in the same transaction. */
export async function runStep(
  s: Session, migration: Migration, direction: Direction, before: readonly string[], after: readonly string[], options: StepOptions = {},
): Promise<void> {
  if (s.signal?.aborted) throw new CancelledError();
  const started = performance.now();
  const guard = new CancelGuard(s);
  const finish = async () => {
    await recordStep(s, versionTransition(before, after), {
      revision: migration.revision, direction, checksum: migration.checksum,
      durationMs: performance.now() - started, client: s.applicationName,
    });
  };
  try {
    if (migration.transactional) {
      await s.client.query('BEGIN');
      try {
        await guard.run(() => runBody(s, migration, direction, options, false));
        await finish();
        await s.client.query('COMMIT');
      } catch (err) {
        await s.client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    } else {
      await guard.run(() => runBody(s, migration, direction, options, true));
      await s.client.query('BEGIN');
      try {
        await finish();
        await s.client.query('COMMIT');
      } catch (err) {
        await s.client.query('ROLLBACK').catch(() => {});
        throw err;
      }
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

/**
 * Moves the version rows and writes the audit row in one statement (one round trip per migration
 * instead of two): each row change is a data-modifying CTE whose RETURNING rows are counted, so a
 * version row that another tool moved is still detected (and the caller rolls the whole step back).
 */
async function recordStep(s: Session, statements: readonly VersionStatement[], entry: LogEntry): Promise<void> {
  const values: unknown[] = [];
  const ctes = statements.map((st, i) => {
    const q = versionStatementQuery(s.bk, st, values.length + 1);
    values.push(...q.values);
    return `v${i} AS (${q.text} RETURNING 1)`;
  });
  const log = logEntryQuery(s.bk, entry, values.length + 1);
  values.push(...log.values);
  ctes.push(`logged AS (${log.text})`);
  const counts = statements.map((_, i) => `(SELECT count(*) FROM v${i})::int AS n${i}`);
  const { rows } = await s.client.query<Record<string, number>>(`WITH ${ctes.join(', ')} SELECT ${counts.join(', ') || '1 AS none'}`, values);
  statements.forEach((st, i) => assertOneVersionRow(s.bk, st, rows[0][`n${i}`]));
}

function cancelled(migration: Migration): CancelledError {
  const error = new CancelledError(migration.revision);
  if (!migration.transactional) {
    error.message = `Cancelled while running ${migration.revision}, a non-transactional migration: statements that finished before the cancel stay applied; the version was not moved.`;
  }
  return error;
}

async function runBody(s: Session, m: Migration, direction: Direction, options: StepOptions, partial: boolean): Promise<void> {
  if (m.format === 'py') {
    throw new MigrationChainError('usage', `${m.revision} (${m.file}) is an Alembic Python migration; this tool does not run Python.`,
      'Run it with the project\'s own `alembic upgrade` / `alembic downgrade`.');
  }
  if (m.format === 'js') return runScript(s, m, direction, options);
  const section = direction === 'upgrade' ? m.upgrade : m.downgrade;
  if (!section) {
    if (direction === 'upgrade') return; // a migration with nothing to do still moves the version
    throw irreversible([m]);
  }
  await runSection(s, m, section, direction, options, partial);
}

async function runSection(s: Session, m: Migration, section: SqlSection, direction: Direction, options: StepOptions, partial: boolean): Promise<void> {
  for (const statement of splitSqlStatements(section.text)) {
    if (s.signal?.aborted) throw new CancelledError(m.revision);
    try {
      await s.client.query(statement.text);
    } catch (err) {
      if (s.signal?.aborted || isQueryCanceled(err) || isConnectionLoss(err)) throw err;
      const position = Number((err as { position?: string }).position) || undefined;
      const at = locateInSection(section, statement.offset, statement.text, isServerError(err) ? position : undefined);
      throw toSqlError(err, m, direction, { file: m.file, line: at.line, column: at.column },
        { advice: options.adviceFor?.(err), partiallyApplied: partial });
    }
  }
}

async function runScript(s: Session, m: Migration, direction: Direction, options: StepOptions): Promise<void> {
  const mod = await loadScriptMigration(m);
  const fn = direction === 'upgrade' ? mod.upgrade : mod.downgrade;
  if (!fn) {
    if (direction === 'upgrade') return;
    throw irreversible([m]);
  }
  try {
    await fn(scriptContext(s.client, m.revision));
  } catch (err) {
    if (s.signal?.aborted || isQueryCanceled(err) || isConnectionLoss(err)) throw err;
    if (err instanceof MigrationChainError) throw err;
    throw toSqlError(err, m, direction, locateInScript(err, m), { advice: options.adviceFor?.(err), partiallyApplied: !m.transactional });
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
class CancelGuard {
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
