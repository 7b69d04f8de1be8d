// reset (the seed's reset_database.sh): show the target and its tables -> the caller confirms ->
// optional pg_dump backup -> DROP SCHEMA public CASCADE; CREATE SCHEMA public with its owner, grants
// and comment restored, in one transaction -> upgrade head -> verify. Each step logged with its
// duration. The drop and the upgrade run under the migration lock, on one client.
import type { ClientBase } from 'pg';
import type { Chain } from '../chain/chain';
import { countRows, DEFAULT_SCHEMA, readSchemaPrivileges, type TableRowCount } from '../db/catalog';
import { describeTarget, parseDatabaseUrl, withConnection, type DatabaseTarget } from '../db/connection';
import { quoteIdent, quoteLiteral } from '../db/identifiers';
import { ConfirmationError, MigrationChainError } from '../errors';
import { silentLogger, timedStep } from '../log';
import { assertRunnable } from '../run/plan';
import { upgradeInSession } from '../run/runner';
import { withSession, type SessionOptions } from '../run/session';
import { verify, type VerifyReport } from '../verify/verify';
import { backupProblem, findPgDump, runPgDump, type BackupResult } from './backup';

export interface DatabaseDescription {
  target: DatabaseTarget;
  tables: TableRowCount[];
}

export async function describeDatabase(options: { url: string; applicationName?: string }): Promise<DatabaseDescription> {
  const target = parseDatabaseUrl(options.url);
  const tables = await withConnection(options.url, { applicationName: options.applicationName }, (c) => countRows(c, DEFAULT_SCHEMA));
  return { target, tables };
}

export interface ResetOptions extends SessionOptions {
  chain: Chain;
  /** Shown what will be destroyed; must resolve true, else ConfirmationError and nothing changes. */
  confirm: (info: DatabaseDescription) => Promise<boolean>;
  /** Write a pg_dump backup here first. */
  backupFile?: string;
  /** When the backup cannot be made (no pg_dump, version mismatch): continue with a warning instead of stopping. */
  continueWithoutBackup?: boolean;
}

export interface ResetResult {
  target: DatabaseTarget;
  tablesBefore: TableRowCount[];
  backup?: BackupResult;
  /** Why no backup was made although one was asked for (only with continueWithoutBackup). */
  backupSkipped?: string;
  applied: string[];
  to: string[];
  verify: VerifyReport;
  durationMs: number;
}

export async function reset(options: ResetOptions): Promise<ResetResult> {
  assertRunnable(options.chain);
  const log = options.logger ?? silentLogger;
  const started = performance.now();
  const target = parseDatabaseUrl(options.url);
  log.info(`Reset target: ${target.display} (host ${target.host}, port ${target.port}, database ${target.database}, user ${target.user})`);

  const info = await timedStep(log, 'Read current tables', () => describeDatabase(options));
  log.info(info.tables.length === 0
    ? 'The schema public has no tables.'
    : `Tables that will be dropped:\n${info.tables.map((t) => `  ${t.name} (${t.rows} row${t.rows === 1 ? '' : 's'})`).join('\n')}`);

  if (!(await options.confirm(info))) {
    throw new ConfirmationError(`Reset of ${describeTarget(target)} was not confirmed; nothing was changed.`);
  }

  let backup: BackupResult | undefined;
  let backupSkipped: string | undefined;
  if (options.backupFile) {
    const file = options.backupFile;
    const pgDump = findPgDump();
    const problem = await withConnection(options.url, { applicationName: options.applicationName }, (c) => backupProblem(c, pgDump));
    if (problem) {
      if (!options.continueWithoutBackup) {
        throw new MigrationChainError('io', `Cannot make the backup: ${problem}. Nothing was changed.`,
          'Fix pg_dump, or reset without a backup (or explicitly allow continuing without one).');
      }
      backupSkipped = problem;
      log.warn(`No backup: ${problem}. Continuing as allowed.`);
    } else {
      backup = await timedStep(log, `Backup with pg_dump to ${file}`, () => runPgDump(pgDump!, options.url, file));
    }
  }

  const run = await withSession(options, async (s) => {
    await timedStep(log, `Drop and recreate schema ${DEFAULT_SCHEMA}`, () => recreateSchema(s.client, DEFAULT_SCHEMA));
    return timedStep(log, 'Upgrade to head', () => upgradeInSession(s, options.chain, 'head'));
  });

  const report = await timedStep(log, 'Verify', () => verify({ ...options, logger: log }));
  for (const c of report.checks) {
    const line = `${c.ok ? '✔' : '✘'} ${c.name}: ${c.detail}`;
    if (c.ok) log.info(line);
    else log.warn(line);
  }
  return {
    target, tablesBefore: info.tables, backup, backupSkipped,
    applied: run.applied, to: run.to, verify: report, durationMs: performance.now() - started,
  };
}

/**
 * DROP SCHEMA … CASCADE; CREATE SCHEMA … in one transaction, restoring the owner, the grants (in ACL
 * order) and the comment. On PostgreSQL 15+ `public` is owned by pg_database_owner with
 * `USAGE` for PUBLIC; a plain re-create would silently lose both.
 */
export async function recreateSchema(client: ClientBase, schema: string): Promise<void> {
  const name = quoteIdent(schema);
  await client.query('BEGIN');
  try {
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
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
