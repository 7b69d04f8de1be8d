// Reset of an Alembic project (the seed's reset_database.sh, made safe): everything that can fail
// before the drop is checked before the drop —
//   the chain has no errors; the database is reachable; the Alembic command starts and
//   `alembic heads` names the heads our graph has; `alembic current` runs env.py against this
//   database; a requested backup is made —
// and only then, under the migration lock, schema public is dropped and recreated and
// `alembic upgrade heads` rebuilds it. Verify runs last. A failed check leaves the database untouched
// and says what to fix.
import { DEFAULT_SCHEMA, type TableRowCount } from '../db/catalog';
import { describeTarget, parseDatabaseUrl, withConnection, type DatabaseTarget } from '../db/connection';
import { ConfirmationError, MigrationChainError } from '../errors';
import { silentLogger, timedStep } from '../log';
import { assertRunnable } from '../run/plan';
import { backupProblem, findPgDump, runPgDump, type BackupResult } from '../reset/backup';
import { describeDatabase, recreateSchema, type DatabaseDescription } from '../reset/reset';
import type { VerifyReport } from '../verify/verify';
import { alembic, alembicLocked, type AlembicOptions } from './run';

export interface AlembicResetOptions extends AlembicOptions {
  /** Shown what will be destroyed; must resolve true, else ConfirmationError and nothing changes. */
  confirm: (info: DatabaseDescription) => Promise<boolean>;
  backupFile?: string;
  continueWithoutBackup?: boolean;
}

export interface AlembicResetResult {
  target: DatabaseTarget;
  tablesBefore: TableRowCount[];
  backup?: BackupResult;
  backupSkipped?: string;
  applied: string[];
  to: string[];
  verify: VerifyReport;
  durationMs: number;
}

export async function alembicReset(options: AlembicResetOptions): Promise<AlembicResetResult> {
  const log = options.logger ?? silentLogger;
  const started = performance.now();
  const target = parseDatabaseUrl(options.url);
  const nothingDropped = `Nothing was dropped: ${describeTarget(target)} is unchanged.`;
  log.info(`Reset target: ${target.display} (host ${target.host}, port ${target.port}, database ${target.database}, user ${target.user}) with Alembic`);

  // 1. The chain: a duplicate or dangling revision would make Alembic refuse after the drop.
  try {
    assertRunnable(options.chain);
  } catch (err) {
    throw refusal(err, nothingDropped, 'Fix the migration files (`migration-chain check` lists the problems).');
  }
  // 2. The database is reachable (and we see what would be dropped).
  const info = await timedStep(log, 'Read current tables', () => describeDatabase(options));
  // 3. Alembic starts and agrees with our reading of the chain.
  await timedStep(log, 'Preflight: alembic heads', () => checkHeads(options, nothingDropped));
  // 4. env.py runs against this database (imports, URL variable, driver).
  await timedStep(log, 'Preflight: alembic current (runs env.py)', async () => {
    try {
      await alembic(options, ['current']);
    } catch (err) {
      throw refusal(err, nothingDropped, 'env.py could not run against this database; fix it (the traceback is above) and try again.');
    }
  });

  log.info(info.tables.length === 0
    ? `The schema ${DEFAULT_SCHEMA} has no tables.`
    : `Tables that will be dropped:\n${info.tables.map((t) => `  ${t.name} (${t.rows} row${t.rows === 1 ? '' : 's'})`).join('\n')}`);
  if (!(await options.confirm(info))) {
    throw new ConfirmationError(`Reset of ${describeTarget(target)} was not confirmed; nothing was changed.`);
  }

  // 5. The backup, when asked for.
  let backup: BackupResult | undefined;
  let backupSkipped: string | undefined;
  if (options.backupFile) {
    const file = options.backupFile;
    const pgDump = findPgDump();
    const problem = await withConnection(options.url, { applicationName: options.applicationName }, (c) => backupProblem(c, pgDump));
    if (problem && !options.continueWithoutBackup) {
      throw new MigrationChainError('io', `Cannot make the backup: ${problem}. ${nothingDropped}`,
        'Fix pg_dump, or reset without a backup (or explicitly allow continuing without one).');
    }
    if (problem) {
      backupSkipped = problem;
      log.warn(`No backup: ${problem}. Continuing as allowed.`);
    } else {
      backup = await timedStep(log, `Backup with pg_dump to ${file}`, () => runPgDump(pgDump!, options.url, file));
    }
  }

  // The drop, the rebuild and verify under one lock: no other run through Migration Chain can come between them.
  const run = await alembicLocked(options, ['upgrade', 'heads'], {
    before: (s) => timedStep(log, `Drop and recreate schema ${DEFAULT_SCHEMA}`, () => recreateSchema(s.client, DEFAULT_SCHEMA)),
    verifyWhen: () => true,
  });
  const report = run.verify!;
  return {
    target, tablesBefore: info.tables, backup, backupSkipped,
    applied: run.applied, to: run.to, verify: report, durationMs: performance.now() - started,
  };
}

/** `alembic heads` must start and list exactly the heads of our graph. */
async function checkHeads(options: AlembicOptions, nothingDropped: string): Promise<void> {
  let out: string;
  try {
    out = (await alembic(options, ['heads'])).stdout;
  } catch (err) {
    throw refusal(err, nothingDropped, 'The Alembic command must start before anything is dropped: install Alembic or set migrationChain.alembic.command / --alembic-command.');
  }
  const theirs = parseHeads(out);
  const ours = [...options.chain.graph.heads].sort();
  if (theirs.join(' ') !== ours.join(' ')) {
    throw new MigrationChainError('chain',
      `Alembic and Migration Chain read different heads: alembic heads = ${theirs.join(', ') || '(none)'}, Migration Chain = ${ours.join(', ') || '(none)'}. ${nothingDropped}`,
      'Some revision file is read differently; run `alembic heads` and `migration-chain check` in the project folder and compare.');
  }
}

/** The revision ids of `alembic heads` output: `<rev> (label, …) (head)` per line. */
export function parseHeads(stdout: string): string[] {
  return stdout.split(/\r?\n/).map((l) => /^([^\s(]+)(?:\s|$)/.exec(l.trim())?.[1]).filter((r): r is string => !!r).sort();
}

function refusal(err: unknown, nothingDropped: string, hint: string): MigrationChainError {
  const message = `Reset refused before dropping anything: ${(err as Error).message}\n${nothingDropped}`;
  const code = err instanceof MigrationChainError ? err.code : 'io';
  const inner = err instanceof MigrationChainError ? err.hint : undefined;
  return new MigrationChainError(code, message, inner ? `${hint} (${inner})` : hint, { cause: err });
}
