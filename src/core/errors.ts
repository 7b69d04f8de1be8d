// Every failure the engine reports is one of these. Each carries what a person needs to act on it
// (file and line, revision, host) and a `hint`; the CLI prints `message` + `hint`, the extension
// shows them in a notification and the output channel. None of them may contain a password:
// build messages from `DatabaseTarget` (see db/connection.ts), never from a raw URL.

export type ErrorCode =
  | 'chain'              // the migration files do not form a usable chain (see `diagnostics`)
  | 'target'             // a target like `head`, `-2`, `ab12` could not be resolved
  | 'unknown-revision'   // the database records a revision that no file defines
  | 'connection'         // cannot reach / authenticate to the server
  | 'sql'                // a migration's SQL failed
  | 'lock-timeout'       // another run holds the migration lock
  | 'cancelled'          // the caller aborted the run
  | 'confirmation'       // a dangerous operation was not confirmed
  | 'irreversible'       // a downgrade would pass through a revision without a downgrade
  | 'verify'             // a verify block or a stamp precondition failed
  | 'usage'              // bad arguments / settings
  | 'io';                // a file could not be read or written

export class MigrationChainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A place in a migration file. Lines are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
}

export type ChainProblemCode =
  | 'duplicate-revision'
  | 'missing-parent'
  | 'cycle'
  | 'multiple-heads'
  | 'unparseable-header'
  | 'no-revision'
  | 'non-transactional-statement'
  | 'unreadable-file'
  | 'alembic-disagreement' // Alembic itself reads the file differently (core/alembic/graph-compare.ts)
  | 'alembic-error';       // Alembic itself cannot load the file or the project

export interface ChainDiagnostic {
  code: ChainProblemCode;
  severity: 'error' | 'warning';
  message: string;
  file?: string;
  line?: number;
  revision?: string;
}

export class ChainError extends MigrationChainError {
  constructor(readonly diagnostics: ChainDiagnostic[], message?: string) {
    super(
      'chain',
      message ?? diagnostics.map(formatDiagnostic).join('\n'),
      'Fix the migration files listed above; `migration-chain check` lists every problem.',
    );
  }
}

export function formatDiagnostic(d: ChainDiagnostic): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}` : ''}: ` : '';
  return `${where}${d.severity}: ${d.message} [${d.code}]`;
}

export class TargetError extends MigrationChainError {
  constructor(readonly target: string, message: string, hint?: string) {
    super('target', message, hint);
  }
}

export class UnknownRevisionError extends MigrationChainError {
  constructor(readonly revision: string, readonly nearest: string[], message: string) {
    super('unknown-revision', message,
      'The database was migrated from files this folder does not have. Check out the branch that has them, or `stamp` the database to a known revision.');
  }
}

export class ConnectionError extends MigrationChainError {
  constructor(
    message: string,
    readonly target: { host: string; port: number; database: string; user: string },
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super('connection', message, hint, options);
  }
}

/** A PostgreSQL error raised by a migration, mapped back to the file. */
export class SqlError extends MigrationChainError {
  constructor(
    message: string,
    readonly revision: string,
    readonly location: SourceLocation | undefined,
    readonly pg: { code?: string; detail?: string; hint?: string; position?: string; where?: string; schema?: string; table?: string; column?: string; constraint?: string },
    options?: { cause?: unknown },
  ) {
    super('sql', message, pg.hint, options);
  }
}

export interface LockHolder {
  pid: number;
  applicationName: string;
  since: Date | null;
  user: string | null;
  clientAddr: string | null;
}

/** A migration's statement waited longer than lock_timeout for a table lock, on every attempt; it was rolled back. */
export class StatementLockTimeoutError extends MigrationChainError {
  constructor(message: string, readonly revision: string, readonly blockers: string[], options?: { cause?: unknown }) {
    super('lock-timeout', message,
      'End the blocking session (or wait for it), then run again. Raise the limit with --statement-lock-timeout SECONDS or the migrationChain.statementLockTimeoutSeconds setting (0 = wait indefinitely).',
      options);
  }
}

export class LockTimeoutError extends MigrationChainError {
  constructor(readonly holder: LockHolder | undefined, readonly waitedMs: number) {
    super('lock-timeout',
      holder
        ? `Another migration run holds the lock: pid ${holder.pid} (${holder.applicationName || 'no application name'}) since ${holder.since?.toISOString() ?? 'unknown'}; waited ${waitedMs} ms.`
        : `Another migration run holds the lock; waited ${waitedMs} ms.`,
      'Wait for it to finish, or raise the lock timeout (--lock-timeout / migrationChain.lockTimeoutSeconds).');
  }
}

/** A person or a signal stopped the work: a run (naming the revision rolled back), a picker closed, an input box dismissed. */
export class CancelledError extends MigrationChainError {
  constructor(readonly revision?: string, message?: string) {
    super('cancelled', message ?? (revision ? `Cancelled while running ${revision}; that migration was rolled back.` : 'Cancelled.'));
  }
}

export class ConfirmationError extends MigrationChainError {
  constructor(message: string, hint?: string) {
    super('confirmation', message, hint);
  }
}
