// reset (the seed's reset_database.sh), made safe: read the target, its tables and which guarantee
// applies (preflight: nothing is dropped if any of it fails) -> the caller confirms -> optional
// pg_dump backup -> then one of:
//  - all-or-nothing (every migration transactional): DROP/CREATE SCHEMA public with its owner, grants
//    and comment restored, every migration and verify in ONE transaction on the locked client,
//    committed only when verify passes. A failure, cancel, lost connection or kill leaves the
//    database exactly as it was;
//  - rehearsed (a migration runs outside a transaction): the chain is built and verified on a
//    scratch database first (rehearsal.ts); only then the drop commits and the upgrade runs, then
//    verify;
//  - unrehearsed (rehearsal turned off, or no CREATEDB and the person confirmed again): as
//    rehearsed, without the rehearsal.
import { hasSqlText } from '../chain/formats';
import type { ClientBase } from 'pg';
import type { Chain } from '../chain/chain';
import type { Migration } from '../chain/model';
import { countRows, DEFAULT_SCHEMA, readSchemaPrivileges, type TableRowCount } from '../db/table-catalog';
import {
  describeTarget, isConnectionLoss, isQueryCanceled, parseDatabaseUrl, withConnection, type DatabaseTarget,
} from '../db/client';
import { quoteIdent, quoteLiteral } from '../db/identifiers';
import { canCreateDatabases } from '../db/scratch-database';
import { bookkeeping, bookkeepingTables, type Bookkeeping } from '../db/bookkeeping';
import { CancelledError, ConfirmationError, ConnectionError, MigrationChainError, TransactionEndedError } from '../errors';
import { silentLogger, timedStep, type Logger } from '../log';
import { assertRunnable, planUpgrade } from '../run/plan';
import { upgradeInSession, type RunHooks, type RunResult } from '../run/runner';
import { withSession, type Session, type SessionOptions } from '../run/session';
import { refuseThroughPooler } from '../run/pooler-safety';
import { sessionUrl } from '../db/session-url';
import { CancelGuard } from '../run/step';
import { splitSqlStatements } from '../sql/split';
import { logChecks, verify, verifyOnClient, type VerifyOptions, type VerifyReport } from '../verify/verify';
import { backupProblem, findPgDump, runPgDump, type BackupResult } from './backup';
import { rehearse, type RehearsalResult } from './rehearsal';

export interface DatabaseDescription {
  target: DatabaseTarget;
  tables: TableRowCount[];
}

export async function describeDatabase(options: { url: string; applicationName?: string }): Promise<DatabaseDescription> {
  const target = parseDatabaseUrl(options.url);
  const tables = await withConnection(options.url, { applicationName: options.applicationName }, (c) => countRows(c, DEFAULT_SCHEMA));
  return { target, tables };
}

/** What protects the data if the reset fails half way; shown before anything runs. */
export type ResetGuarantee =
  | { kind: 'all-or-nothing' }
  | { kind: 'rehearsed'; outsideTransaction: string[]; runner?: 'alembic' }
  | { kind: 'unrehearsed'; outsideTransaction: string[]; runner?: 'alembic'; why: 'turned-off' | 'no-createdb' };

export interface ResetPreview extends DatabaseDescription {
  /** The revisions the reset applies, in order. */
  revisions: string[];
  guarantee: ResetGuarantee;
}

/** One paragraph for the CLI prompt and the editor's modal. */
export function describeGuarantee(g: ResetGuarantee, target: DatabaseTarget): string {
  if (g.kind === 'all-or-nothing') {
    return 'All-or-nothing: the drop, every migration and verify run in one transaction, committed only if verify passes. '
      + 'If anything fails, is cancelled or the connection is lost, the database stays exactly as it is now.';
  }
  const outside = g.runner === 'alembic'
    ? 'the migrations run in Alembic\'s own connection, outside a transaction of ours'
    : `${g.outsideTransaction.join(', ')} ${g.outsideTransaction.length === 1 ? 'runs' : 'run'} outside a transaction`;
  if (g.kind === 'rehearsed') {
    return `Rehearsed on a scratch database: ${outside}, so the chain is first built and verified on a scratch database `
      + `on ${target.host}:${target.port}; the real reset (drop, then migration by migration) starts only if that passes.`;
  }
  const why = g.why === 'turned-off'
    ? 'the rehearsal is turned off'
    : `${target.user} may not create the scratch database to rehearse on (no CREATEDB)`;
  return `NOT rehearsed: ${outside} and ${why}. If a migration fails, the data is gone and the schema is left half-built.`;
}

/** A reset that cannot be rehearsed only because of a missing privilege is confirmed a second time. */
export function needsSecondConfirmation(g: ResetGuarantee): boolean {
  return g.kind === 'unrehearsed' && g.why === 'no-createdb';
}

export interface PreviewOptions extends Pick<SessionOptions, 'url' | 'applicationName' | 'versionTable' | 'versionTableSchema'> {
  chain: Chain;
  /** Rehearse on a scratch database when the reset cannot run in one transaction (default true). */
  rehearse?: boolean;
}

/**
 * The preflight: everything that can fail before the drop is checked here, and nothing is changed
 * (the chain has no errors and one plan from base to head, the database is reachable, the version
 * table's schema exists, CREATEDB when a rehearsal is needed).
 */
export async function previewReset(options: PreviewOptions): Promise<ResetPreview> {
  assertRunnable(options.chain);
  const plan = planUpgrade(options.chain, [], 'head');
  const target = parseDatabaseUrl(options.url);
  const bk = bookkeeping(options);
  const outsideTransaction = plan.migrations.filter((m) => !runsInsideOneTransaction(m)).map((m) => m.revision);
  const wantsRehearsal = outsideTransaction.length > 0 && options.rehearse !== false;
  return withConnection(options.url, { applicationName: options.applicationName }, async (c) => {
    await assertVersionSchemaExists(c, bk);
    const tables = await countRows(c, DEFAULT_SCHEMA);
    const guarantee: ResetGuarantee = outsideTransaction.length === 0
      ? { kind: 'all-or-nothing' }
      : !wantsRehearsal
        ? { kind: 'unrehearsed', outsideTransaction, why: 'turned-off' }
        : await canCreateDatabases(c)
          ? { kind: 'rehearsed', outsideTransaction }
          : { kind: 'unrehearsed', outsideTransaction, why: 'no-createdb' };
    return { target, tables, revisions: plan.revisions, guarantee };
  });
}

/** A configured version-table schema that does not exist would fail only after the drop. */
async function assertVersionSchemaExists(client: ClientBase, bk: Bookkeeping): Promise<void> {
  if (bk.schema === undefined) return;
  const { rows } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [bk.schema]);
  if (rows.length > 0) return;
  throw new MigrationChainError('usage', `The version table schema ${quoteIdent(bk.schema)} does not exist in this database; nothing was changed.`,
    'Create the schema first, or fix the version table schema setting (Alembic\'s version_table_schema).');
}

// A statement that ends or opens a transaction would commit the reset half way.
const TRANSACTION_CONTROL = /^(BEGIN|COMMIT|END|ROLLBACK|ABORT|START\s+TRANSACTION|PREPARE\s+TRANSACTION)\b/i;

function runsInsideOneTransaction(m: Migration): boolean {
  if (!m.transactional) return false;
  if (!hasSqlText(m) || !m.upgrade) return true;
  return !splitSqlStatements(m.upgrade.text).some((s) => TRANSACTION_CONTROL.test(s.text.trim()));
}

export interface ResetOptions extends SessionOptions, RunHooks {
  chain: Chain;
  /** Shown what will be destroyed and the guarantee; must resolve true, else ConfirmationError and nothing changes. */
  confirm: (info: ResetPreview) => Promise<boolean>;
  /** Write a pg_dump backup here first. */
  backupFile?: string;
  /** When the backup cannot be made (no pg_dump, version mismatch): continue with a warning instead of stopping. */
  continueWithoutBackup?: boolean;
  /** Rehearse on a scratch database when the reset cannot run in one transaction (default true). */
  rehearse?: boolean;
}

export interface ResetResult {
  target: DatabaseTarget;
  tablesBefore: TableRowCount[];
  guarantee: ResetGuarantee;
  backup?: BackupResult;
  /** Why no backup was made although one was asked for (only with continueWithoutBackup). */
  backupSkipped?: string;
  rehearsal?: RehearsalResult;
  applied: string[];
  to: string[];
  verify: VerifyReport;
  durationMs: number;
}

export const ROLLED_BACK = 'Rolled back: the database is unchanged.';

export async function reset(given: ResetOptions): Promise<ResetResult> {
  let options = given;
  const log = options.logger ?? silentLogger;
  const started = performance.now();
  const target = parseDatabaseUrl(options.url);
  log.info(`Reset target: ${target.display} (host ${target.host}, port ${target.port}, database ${target.database}, user ${target.user})`);

  const info = await timedStep(log, 'Read current tables', () => previewReset(options));
  // The editor's output channel keeps what the reset dropped; the CLI prints the preview itself.
  if (!log.rendersVerifyReport) logResetPreview(log, info.tables, describeGuarantee(info.guarantee, target));
  // The tables and the guarantee are the returned preview: the front end shows them (the CLI's
  // prompt, the editor's modal) once; logging them too printed them twice in a terminal.

  if (!(await options.confirm(info))) {
    throw new ConfirmationError(`Reset of ${describeTarget(target)} was not confirmed; nothing was changed.`);
  }
  // Through a pooler the backup, the rehearsal and the reset itself run on the direct URL when one is
  // configured (db/session-url.ts); the preview and the confirmation name the database as configured.
  options = { ...options, url: await sessionUrl(options, 'a reset'), directUrl: undefined };
  const { backup, backupSkipped } = await makeBackup(options, log);
  const verifyOptions: VerifyOptions = { ...options, logger: log };

  // A reset needs one session throughout: through a pooler it refuses here, before the drop (pooler-safety.ts).
  const sessionOnly = { ...options, assertPoolerSafe: refuseThroughPooler(`reset ${describeTarget(target)}`, target) };
  if (info.guarantee.kind === 'all-or-nothing') {
    const { run, report } = await withSession(sessionOnly, (s) => resetInOneTransaction(s, options.chain, verifyOptions, options));
    return {
      target, tablesBefore: info.tables, guarantee: info.guarantee, backup, backupSkipped,
      applied: run.applied, to: run.to, verify: report, durationMs: performance.now() - started,
    };
  }

  let rehearsal: RehearsalResult | undefined;
  if (info.guarantee.kind === 'rehearsed') {
    rehearsal = await timedStep(log, 'Rehearse on a scratch database', () => rehearse(options, async (scratchUrl, signal) => {
      await withSession({ ...options, url: scratchUrl, signal }, (s) => upgradeInSession(s, options.chain, 'head', options));
      const report = await verify({ ...verifyOptions, url: scratchUrl, signal });
      if (!report.ok) throw verifyFailed(report, '');
    })).catch((err: unknown) => {
      if (!(err instanceof CancelledError)) throw err;
      err.message = `Reset cancelled during the rehearsal; ${describeTarget(target)} was not touched.`;
      throw err;
    });
  }
  const run = await withSession(sessionOnly, (s) => dropThenUpgrade(s, options.chain, options));
  const report = await timedStep(log, 'Verify', () => verify(verifyOptions));
  logChecks(log, report);
  return {
    target, tablesBefore: info.tables, guarantee: info.guarantee, backup, backupSkipped, rehearsal,
    applied: run.applied, to: run.to, verify: report, durationMs: performance.now() - started,
  };
}

async function makeBackup(options: ResetOptions, log: Logger): Promise<{ backup?: BackupResult; backupSkipped?: string }> {
  if (!options.backupFile) return {};
  const file = options.backupFile;
  const pgDump = findPgDump();
  const problem = await withConnection(options.url, { applicationName: options.applicationName }, (c) => backupProblem(c, pgDump));
  if (!problem && pgDump) return { backup: await timedStep(log, `Backup with pg_dump to ${file}`, () => runPgDump(pgDump, options.url, file)) };
  const reason = problem ?? 'pg_dump was not found on PATH';
  if (!options.continueWithoutBackup) {
    throw new MigrationChainError('io', `Cannot make the backup: ${reason}. Nothing was changed.`,
      'Fix pg_dump, or reset without a backup (or explicitly allow continuing without one).');
  }
  log.warn(`No backup: ${reason}. Continuing as allowed.`);
  return { backupSkipped: reason };
}

/**
 * The all-or-nothing reset on a locked session: BEGIN; drop and recreate public; every migration
 * (each step's version rows and audit row written as in a normal upgrade, inside this transaction);
 * verify on the same client; COMMIT only when verify passes. Any error rolls everything back and
 * says so.
 */
export async function resetInOneTransaction(
  s: Session, chain: Chain, verifyOptions: VerifyOptions, hooks: RunHooks = {},
): Promise<{ run: RunResult; report: VerifyReport }> {
  const log = s.logger;
  const guard = new CancelGuard(s);
  let began = false;
  let committing = false;
  try {
    let xid = '';
    const done = await guard.run(async () => {
      const opened = await s.client.query<{ xid: string }>('BEGIN; SELECT txid_current()::text AS xid');
      began = true;
      const [, current] = opened as unknown as [unknown, { rows: { xid: string }[] }];
      xid = current.rows[0].xid;
      await timedStep(log, `Drop and recreate schema ${DEFAULT_SCHEMA}`, () => recreateSchemaStatements(s.client, s.bk, DEFAULT_SCHEMA));
      const run = await timedStep(log, 'Upgrade to head', () => upgradeInSession({ ...s, outerTransaction: true }, chain, 'head', hooks));
      if (s.signal?.aborted) throw new CancelledError();
      const report = await timedStep(log, 'Verify', () => verifyOnClient(s.client, verifyOptions, true));
      logChecks(log, report);
      return { run, report };
    });
    if (!done.report.ok) throw verifyFailed(done.report, `\n${ROLLED_BACK}`);
    if (s.signal?.aborted) throw new CancelledError();
    await assertSameTransaction(s, xid);
    committing = true;
    await s.client.query('COMMIT');
    log.info('✔ Committed: the reset is complete.');
    return done;
  } catch (err) {
    if (began) await s.client.query('ROLLBACK').catch(() => {});
    const outcome = failedReset(s, err, began, committing);
    if (outcome instanceof Error && outcome.message.includes(ROLLED_BACK)) log.error(ROLLED_BACK);
    throw outcome;
  } finally {
    guard.dispose();
  }
}


/**
 * A `.js` migration can send COMMIT through its client, which would have committed the drop half
 * way; the SQL ones that could are kept off this path by the preflight. Checked before COMMIT, so
 * that case is at least reported as it is, not as a clean rollback.
 */
async function assertSameTransaction(s: Session, xid: string): Promise<void> {
  const { rows } = await s.client.query<{ xid: string | null }>('SELECT txid_current_if_assigned()::text AS xid');
  if (rows[0].xid === xid) return;
  throw new TransactionEndedError('sql',
    `A migration ended the reset's transaction on ${describeTarget(s.target)} (a COMMIT or ROLLBACK sent by a .js migration?): `
    + 'what was committed before that stays, so the database may be half-built. The rest was rolled back.',
    'Remove the transaction control from the migration (or mark it `transactional = false` so the reset is rehearsed), then reset again.');
}

/** What the person reads when the one-transaction reset did not commit. */
function failedReset(s: Session, err: unknown, began: boolean, committing: boolean): unknown {
  if (err instanceof TransactionEndedError) return err;
  const where = describeTarget(s.target);
  const coordinates = { host: s.target.host, port: s.target.port, database: s.target.database, user: s.target.user };
  const lost = isConnectionLoss(err) || (err instanceof ConnectionError && !s.signal?.aborted);
  if (lost && committing) {
    return new ConnectionError(`Lost the connection to ${where} while committing the reset: the database is either unchanged or fully reset.`,
      coordinates, 'Run `migration-chain verify` (or Verify in the editor) to see which.');
  }
  if (!began) return err;
  if (lost) {
    return new ConnectionError(`Lost the connection to ${where} during the reset; the server rolled the reset back. ${ROLLED_BACK}`,
      coordinates, 'Run the reset again once the server is reachable.');
  }
  if (s.signal?.aborted || err instanceof CancelledError || isQueryCanceled(err)) {
    const running = err instanceof CancelledError && err.revision ? ` while running ${err.revision}` : '';
    const cancelled = new CancelledError(err instanceof CancelledError ? err.revision : undefined);
    cancelled.message = `Reset cancelled${running}. ${ROLLED_BACK}`;
    return cancelled;
  }
  if (err instanceof MigrationChainError) {
    if (!err.message.includes(ROLLED_BACK)) err.message = `${err.message}\n${ROLLED_BACK}`;
    return err;
  }
  return new MigrationChainError('sql', `The reset failed: ${err instanceof Error ? err.message : String(err)}\n${ROLLED_BACK}`, undefined, { cause: err });
}


export function verifyFailed(report: VerifyReport, suffix: string): MigrationChainError {
  const failed = report.checks.filter((c) => !c.ok).map((c) => `  ${c.name}: ${c.detail}`);
  return new MigrationChainError('verify', `Verify failed after the reset:\n${failed.join('\n')}${suffix}`,
    'Fix the migration or its verify block, then reset again.');
}

/**
 * The reset before all-or-nothing, and still the path of a chain with a non-transactional
 * migration: the drop commits in its own transaction, then the upgrade runs step by step.
 */
export async function dropThenUpgrade(s: Session, chain: Chain, hooks: RunHooks = {}): Promise<RunResult> {
  await timedStep(s.logger, `Drop and recreate schema ${DEFAULT_SCHEMA}`, () => recreateSchema(s.client, DEFAULT_SCHEMA, s.bk));
  return timedStep(s.logger, 'Upgrade to head', () => upgradeInSession(s, chain, 'head', hooks));
}

/**
 * DROP SCHEMA … CASCADE; CREATE SCHEMA … in one transaction of its own, restoring the owner, the
 * grants (in ACL order) and the comment.
 */
export async function recreateSchema(client: ClientBase, schema: string, bk?: Bookkeeping): Promise<void> {
  await client.query('BEGIN');
  try {
    await recreateSchemaStatements(client, bk, schema);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/**
 * The drop and re-create, inside the caller's transaction. On PostgreSQL 15+ `public` is owned by
 * pg_database_owner with `USAGE` for PUBLIC; a plain re-create would silently lose both. A version
 * table kept in another schema (version_table_schema) survives the drop, so its rows are deleted:
 * they describe the schema that was just dropped.
 */
async function recreateSchemaStatements(client: ClientBase, bk: Bookkeeping | undefined, schema: string): Promise<void> {
  const name = quoteIdent(schema);
  const before = await readSchemaPrivileges(client, schema);
  await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  await client.query(`CREATE SCHEMA ${name}`);
  if (before) {
    await client.query(`ALTER SCHEMA ${name} OWNER TO ${quoteIdent(before.owner)}`);
    for (const g of before.grants) {
      const grantee = g.grantee === '' ? 'PUBLIC' : quoteIdent(g.grantee);
      await client.query(`GRANT ${g.privilege} ON SCHEMA ${name} TO ${grantee}${g.grantable ? ' WITH GRANT OPTION' : ''}`);
    }
    await client.query(`COMMENT ON SCHEMA ${name} IS ${before.comment === null ? 'NULL' : quoteLiteral(before.comment)}`);
  }
  if (bk?.schema !== undefined && bk.schema !== schema && (await bookkeepingTables(client, bk)).version) {
    await client.query(`DELETE FROM ${bk.versionTable}`);
  }
}

/** The tables a reset drops and its guarantee, for a log that does not render the preview itself. */
export function logResetPreview(log: Logger, tables: readonly { name: string; rows: number }[], guarantee: string): void {
  log.info(tables.length === 0
    ? 'The schema public has no tables.'
    : `Tables that will be dropped:\n${tables.map((t) => `  ${t.name} (${t.rows} row${t.rows === 1 ? '' : 's'})`).join('\n')}`);
  log.info(guarantee);
}
