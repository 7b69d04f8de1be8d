// Reset of an Alembic project (the seed's reset_database.sh, made safe): everything that can fail
// before the drop is checked before the drop —
//   the chain has no errors; the database is reachable; the Alembic command starts and
//   `alembic heads` names the heads our graph has; `alembic current` runs env.py against this
//   database; a requested backup is made —
// and then, unless turned off, the rebuild is rehearsed: `alembic upgrade heads` and verify on a
// scratch database of the same server (Alembic runs in its own connection, so the real reset cannot
// be one transaction of ours). Only then, under the migration lock, schema public is dropped and
// recreated and `alembic upgrade heads` rebuilds it. Verify runs last. A failed check or rehearsal
// leaves the database untouched and says what to fix. Every Alembic run here is guarded
// (connect-guard.ts): the preflight's `alembic current` must prove that env.py reaches this database,
// the rehearsal's that it reaches the scratch one, so "not touched" is checked, not assumed.
import { DEFAULT_SCHEMA, type TableRowCount } from '../../db/table-catalog';
import { describeTarget, parseDatabaseUrl, withConnection, type DatabaseTarget } from '../../db/client';
import { canCreateDatabases } from '../../db/scratch-database';
import { CancelledError, ConfirmationError, MigrationChainError, UncheckedConnectionError, WrongDatabaseError } from '../../errors';
import { silentLogger, timedStep } from '../../log';
import { assertRunnable } from '../../run/plan';
import { backupProblem, findPgDump, runPgDump, type BackupResult } from '../../reset/backup';
import { rehearse, type RehearsalResult } from '../../reset/rehearsal';
import {
  describeDatabase, describeGuarantee, logResetPreview, recreateSchema, verifyFailed, type ResetGuarantee, type ResetPreview,
} from '../../reset/native-reset';
import { verify, type VerifyReport } from '../../verify/verify';
import { alembic, alembicLocked, type AlembicOptions } from './locked-run';
import { keepingDowngrades } from './kept-downgrades';
import { refuseThroughPooler } from '../../run/pooler-safety';
import { sessionUrl } from '../../db/session-url';
import { displayCommand } from './process';

export interface AlembicResetOptions extends AlembicOptions {
  /** Shown what will be destroyed and the guarantee; must resolve true, else ConfirmationError and nothing changes. */
  confirm: (info: ResetPreview) => Promise<boolean>;
  backupFile?: string;
  continueWithoutBackup?: boolean;
  /** Rehearse on a scratch database first (default true). */
  rehearse?: boolean;
}

export interface AlembicResetResult {
  target: DatabaseTarget;
  tablesBefore: TableRowCount[];
  guarantee: ResetGuarantee;
  rehearsal?: RehearsalResult;
  backup?: BackupResult;
  backupSkipped?: string;
  applied: string[];
  to: string[];
  verify: VerifyReport;
  durationMs: number;
}

export async function alembicReset(given: AlembicResetOptions): Promise<AlembicResetResult> {
  let options = given;
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
  // 4. env.py runs against this database (imports, URL variable, driver), and it is this database
  //    that env.py reached: the connection guard proves it (connect-guard.ts) or the reset stops here.
  await timedStep(log, 'Preflight: alembic current (runs env.py, proves which database it reaches)', async () => {
    let result;
    try {
      result = await alembic(options, ['current']);
    } catch (err) {
      throw refusal(err, nothingDropped, err instanceof WrongDatabaseError ? (err.hint ?? '') : 'env.py could not run against this database; fix it (the traceback is above) and try again.');
    }
    if (!result.guard.proven) {
      throw new UncheckedConnectionError(describeTarget(target), displayCommand(options.command.argv),
        `A reset drops every table first, so it needs that proof. ${nothingDropped}`);
    }
  });

  const guarantee = await alembicGuarantee(options);

  if (!log.rendersVerifyReport) logResetPreview(log, info.tables, describeGuarantee(guarantee, target));
  const preview: ResetPreview = { ...info, revisions: options.chain.graph.topologicalOrder(), guarantee };
  if (!(await options.confirm(preview))) {
    throw new ConfirmationError(`Reset of ${describeTarget(target)} was not confirmed; nothing was changed.`);
  }
  // Through a pooler the backup, the rehearsal, the drop and Alembic's rebuild run on the direct URL
  // when one is configured (db/session-url.ts); the preflight and the confirmation name the configured one.
  options = { ...options, url: await sessionUrl(options, 'a reset with Alembic'), directUrl: undefined };

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

  // 6. The rehearsal: the same rebuild and verify on a scratch database; the target is not touched.
  let rehearsal: RehearsalResult | undefined;
  if (guarantee.kind === 'rehearsed') {
    rehearsal = await timedStep(log, 'Rehearse on a scratch database', () => rehearse(options, async (scratchUrl, signal) => {
      const scratch = { ...options, url: scratchUrl, signal };
      await alembic(scratch, ['upgrade', 'heads']);
      const report = await verify({ chain: options.chain, url: scratchUrl, logger: log, signal, applicationName: options.applicationName });
      if (!report.ok) throw verifyFailed(report, '');
    })).catch((err: unknown) => {
      if (err instanceof CancelledError) err.message = `Reset cancelled during the rehearsal; ${nothingDropped}`;
      throw err;
    });
  }

  // The drop, the rebuild and verify under one lock: no other run through Migration Chain can come between them.
  // Through a pooler the drop and Alembic's rebuild would not share one session: refused before the drop (pooler-safety.ts).
  const sessionOnly = { ...options, assertPoolerSafe: refuseThroughPooler(`reset ${describeTarget(target)} with Alembic`, target) };
  const run = await alembicLocked(sessionOnly, ['upgrade', 'heads'], {
    // The rebuilt database's audit log keeps each revision's downgrade, as after an upgrade (git branch safety).
    ...keepingDowngrades(options, 'heads'),
    before: (s) => timedStep(log, `Drop and recreate schema ${DEFAULT_SCHEMA}`, () => recreateSchema(s.client, DEFAULT_SCHEMA)),
    verifyWhen: () => true,
  });
  const report = run.verify!;
  return {
    target, tablesBefore: info.tables, guarantee, rehearsal, backup, backupSkipped,
    applied: run.applied, to: run.to, verify: report, durationMs: performance.now() - started,
  };
}

/** Alembic runs in its own connection: the reset is rehearsed unless turned off or the role lacks CREATEDB. */
async function alembicGuarantee(options: AlembicResetOptions): Promise<ResetGuarantee> {
  const base = { outsideTransaction: options.chain.graph.topologicalOrder(), runner: 'alembic' as const };
  if (options.rehearse === false) return { kind: 'unrehearsed', ...base, why: 'turned-off' };
  const canRehearse = await withConnection(options.url, { applicationName: options.applicationName }, canCreateDatabases);
  return canRehearse ? { kind: 'rehearsed', ...base } : { kind: 'unrehearsed', ...base, why: 'no-createdb' };
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
  return new MigrationChainError(code, message, inner && inner !== hint ? `${hint} (${inner})` : hint, { cause: err });
}
