// Every failure the engine and its front ends report is one of these (test/unit/layering.test.ts
// fails on an error class anywhere else). Each carries what a person needs to act on it
// (file and line, revision, host) and a `hint`; the CLI prints `message` + `hint`, the extension
// shows them in a notification and the output channel. None of them may contain a password:
// build messages from `DatabaseTarget` (see db/client.ts), never from a raw URL.

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
  | 'data-loss'            // a `-- data-loss:` mark a generated revision put above a statement (authoring/data-loss.ts)
  | 'unreadable-file'
  | 'alembic-disagreement' // Alembic itself reads the file differently (core/alembic/read/graph-compare.ts)
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
  /** pg_stat_activity.state of the holding backend ('idle', 'active', 'idle in transaction', …). */
  state?: string | null;
  /** When that state began: an idle holder idle for long is a run that is gone. */
  stateSince?: Date | null;
  /** The lock is held by the very server connection the asking query ran on (stranded there through a pooler). */
  onThisConnection?: boolean;
  /** A lease (transaction-pooler runs): the client's host and process, and the lease's times. */
  lease?: { host: string | null; clientPid: number | null; heartbeatAt: Date; expiresAt: Date; now: Date };
}

/** "pid 123 (migration-chain cli) on host web-1 since …, idle for 42 s" — what a waiting run prints. */
export function describeLockHolder(h: LockHolder): string {
  const parts = [`pid ${h.pid} (${h.applicationName || 'no application name'})`];
  const host = h.lease?.host ?? h.clientAddr;
  if (host) parts.push(`on ${host}`);
  if (h.user) parts.push(`as ${h.user}`);
  parts.push(`since ${h.since?.toISOString() ?? 'unknown'}`);
  if (h.lease) {
    const ago = Math.max(0, h.lease.now.getTime() - h.lease.heartbeatAt.getTime());
    const left = h.lease.expiresAt.getTime() - h.lease.now.getTime();
    parts.push(`lease renewed ${(ago / 1000).toFixed(1)} s ago, ${left > 0 ? `expires in ${(left / 1000).toFixed(1)} s` : 'expired'}`);
  } else if (h.state) {
    const idleFor = h.stateSince ? ` for ${(Math.max(0, Date.now() - h.stateSince.getTime()) / 1000).toFixed(1)} s` : '';
    parts.push(`${h.state}${idleFor}`);
  }
  return parts.join(' ');
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
        ? `Another migration run holds the lock: ${describeLockHolder(holder)}; waited ${waitedMs} ms.`
        : `Another migration run holds the lock; waited ${waitedMs} ms.`,
      'Wait for it to finish, or raise the wait (--wait / --lock-timeout / migrationChain.lockTimeoutSeconds). '
        + 'A lock whose run is gone is released after the lock lease (--lock-lease, default 30 s); `migration-chain unlock` clears one that is provably abandoned.');
  }
}

/**
 * A step that needs one database session, asked to run through a transaction pooler that does not
 * keep one: refused before anything changed, naming the pooler and the fix (a direct URL for runs).
 */
export class PoolerRefusedError extends MigrationChainError {
  constructor(message: string) {
    super('confirmation', message,
      'Give runs a direct (session) URL while the pooled one keeps serving reads: --direct-url URL, MIGRATION_CHAIN_DIRECT_URL, or "directUrl" in migration-chain.environments.json (see docs/deploy.md).');
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

/**
 * A `${NAME}` left in a database URL: set nowhere when the `.env` line was expanded (python-dotenv
 * makes it empty, which would reach the server as a wrong password), or taken literally from a
 * source that expands nothing. Names the reference, the variable and where it was read.
 */
export class UnsetUrlReferenceError extends MigrationChainError {
  constructor(readonly references: readonly string[], readonly where: string) {
    super('usage',
      `${references.map((r) => `\`\${${r}}\``).join(', ')} in ${where} ${references.length === 1 ? 'is' : 'are'} not set.`,
      `Set ${references.join(', ')} in the environment or earlier in the .env file, or write the URL without the reference.`);
  }
}

/** Alembic ran and failed; `detail` is the tail of its (redacted) output, where Python puts the cause. */
export class AlembicFailedError extends MigrationChainError {
  constructor(readonly command: string, readonly how: string, readonly durationMs: number, readonly detail: string) {
    super('sql', `${command} failed (${how}) after ${(durationMs / 1000).toFixed(2)} s${detail ? `:\n${detail}` : '.'}`,
      'The whole Alembic output is above (CLI) or in the Migration Chain output channel (editor).');
  }
}

/** A mistake in the environments file, naming the file and the JSON path of the offending value. */
export class EnvironmentsConfigError extends MigrationChainError {
  constructor(readonly file: string, readonly jsonPath: string, problem: string, hint?: string) {
    super('usage', `${file}: ${jsonPath}: ${problem}`, hint ?? 'Fix the environments file; schemas/environments.schema.json describes it.');
  }
}

/** The diff engine's SQL does not reproduce the dev database: the revision is not written. */
export class GenerationRefusedError extends MigrationChainError {
  constructor(readonly reasons: string[], message: string) {
    super('verify', `${message}\n${reasons.map((r) => `  - ${r}`).join('\n')}`,
      'Write this revision by hand (New Revision), or split the change so that each part can be generated.');
  }
}

/** Where a connection of env.py went, as the server (and the driver's parameters) said. */
export interface ReachedDatabase {
  database?: string;
  host?: string;
  port?: number;
  user?: string;
  /** What the driver was asked for (SQLAlchemy's connect parameters, password never included). */
  asked: { host?: string; port?: string; database?: string; user?: string };
  /** The check query itself failed (not PostgreSQL, or no such catalog). */
  problem?: string;
}

/** `user@host:port/database` of the database env.py reached (the server's answer first, the driver's request else). */
export function describeReached(r: ReachedDatabase): string {
  const host = r.asked.host ?? r.host ?? 'local socket';
  const port = r.port ?? r.asked.port ?? '?';
  const database = r.database ?? r.asked.database ?? '?';
  const user = r.user ?? r.asked.user ?? '?';
  return `${user}@${host}:${port}/${database}`;
}

/** env.py connected somewhere else than the database we named; Alembic was stopped before any statement. */
export class WrongDatabaseError extends MigrationChainError {
  constructor(readonly intended: string, readonly reached: ReachedDatabase, readonly command: string, hint: string) {
    const where = describeReached(reached);
    const detail = `host ${reached.asked.host ?? reached.host ?? 'local socket'}, port ${reached.port ?? reached.asked.port ?? '?'}, database ${reached.database ?? reached.asked.database ?? '?'}, user ${reached.user ?? reached.asked.user ?? '?'}`;
    super('connection',
      `env.py connected to ${where} (${detail}), not to the database Migration Chain named, ${intended}` +
      `${reached.problem ? ` (the check failed there: ${reached.problem})` : ''}. ` +
      `${command} was stopped at that first connection, before Alembic ran any statement; nothing was changed.`,
      hint);
  }
}

/** The command form never armed the guard (not Python, or a Python that ignores PYTHONPATH). */
export class UncheckedConnectionError extends MigrationChainError {
  constructor(intended: string, command: string, what: string) {
    super('usage',
      `Migration Chain cannot prove that env.py connects to ${intended}: ${command} did not load the connection check (it is not started as Python with the environment we pass). ${what}`,
      'Let Migration Chain start Alembic itself (the project\'s .venv, or `python -m alembic`), or make the configured command run Python with the environment it inherits (`poetry run alembic` does).');
  }
}

/** A revision Alembic could not print offline, with Alembic's reason. */
export interface OfflineFailure {
  revision: string;
  file: string;
  /** Line of the function that could not run (`def upgrade` / `def downgrade`); 1 for env.py. */
  line: number;
  /** The command that failed, as shown to people. */
  command: string;
  reason: string;
  /** env.py itself stopped before any revision ran: every revision of the range fails alike. */
  inEnv: boolean;
}

/** One or more revisions have no offline SQL: names the first, its file, and Alembic's reason. */
export class AlembicOfflineError extends MigrationChainError {
  readonly revision: string;
  readonly file: string;
  readonly line: number;
  constructor(readonly failures: readonly OfflineFailure[]) {
    const f = failures[0];
    const where = f.inEnv ? `env.py (${f.file}) cannot run in Alembic's offline mode` : `Revision ${f.revision} (${f.file}:${f.line}) cannot run in Alembic's offline mode`;
    const more = failures.length > 1 ? ` (${failures.length - 1} more revision${failures.length === 2 ? '' : 's'} alike: ${failures.slice(1).map((o) => o.revision).join(', ')})` : '';
    super('sql', `${where}: ${f.command} stopped with ${f.reason}${more}.`,
      f.inEnv
        ? 'env.py must configure the context with a URL or dialect_name when context.is_offline_mode() (Alembic\'s run_migrations_offline).'
        : 'Its function needs a database connection (op.get_bind(), inspection), which offline mode does not have; its SQL is known only when it runs.');
    this.revision = f.revision;
    this.file = f.file;
    this.line = f.line;
  }
}

export class UsageError extends MigrationChainError {
  constructor(message: string, hint = 'Run `migration-chain --help` for the list of commands and options.') {
    super('usage', message, hint);
  }
}

export class UntrustedWorkspaceError extends MigrationChainError {
  constructor(action: string) {
    super('usage',
      `${action} is disabled in Restricted Mode: it connects to a database and runs code from this workspace. Trust the workspace to enable it.`);
  }
}

/** Raised when a migration ended the reset's transaction itself: what it committed stays. */
export class TransactionEndedError extends MigrationChainError {}

/** alembic.ini or pyproject.toml says something Python's configparser or tomllib would refuse. */
export class IniError extends MigrationChainError {
  constructor(message: string, readonly line?: number) {
    super('chain', line ? `line ${line}: ${message}` : message);
  }
}
