// Git branch safety for Alembic projects. Alembic never writes our audit log, so an upgrade through
// Migration Chain writes one 'upgrade' row per revision Alembic applied, with the revision's parents
// and its downgrade as Alembic prints it offline (`alembic downgrade R:P --sql`, without Alembic's own
// transaction and version-table statements) with that text's sha256 (db/audit-log.ts), the way a
// native step keeps its `.sql` downgrade. After a `git checkout` takes the file away, `downgrade
// --phantoms` undoes the revision with that SQL (status/phantoms.ts). A revision Alembic cannot print
// offline (op.get_bind(), inspection) gets a row whose note carries Alembic's reason instead, so the
// phantom is reported as not undoable and why.
//
// The offline SQL is printed while Alembic's upgrade runs (both are Python start-ups; the second
// costs no wall time on a machine with a spare core), from the plan of the same heads and target.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ClientBase } from 'pg';
import type { Chain } from '../../chain/chain';
import { renderLogInsert, type StoredDowngrade } from '../../db/audit-log';
import { addDowngradeColumnsSql, bookkeepingTables, ensureBookkeepingTables, type Bookkeeping } from '../../db/bookkeeping';
import { CancelledError, type OfflineFailure } from '../../errors';
import { silentLogger, type Logger } from '../../log';
import { splitSqlStatements } from '../../sql/split';
import type { Session } from '../../run/session';
import type { AlembicOptions, LockedRun, RunHooks } from './locked-run';
import { isBookkeeping, offlineRevisionSql, type OfflineAlembic } from './offline-sql';

/** One linear stretch of revisions (newest first) that one `alembic downgrade NEWEST:TARGET --sql` prints. */
interface Stretch { revisions: string[]; target: string }

/**
 * Splits the revisions an upgrade applies (run order) into stretches Alembic can print in one
 * offline downgrade each: newest first, each revision's only parent the next one. A merge cannot be
 * printed alone (Alembic's downgrade to one parent also removes the other parent's branch): it gets
 * a note instead.
 */
export function downgradeStretches(chain: Chain, applied: readonly string[]): { stretches: Stretch[]; merges: string[] } {
  const stretches: Stretch[] = [];
  const merges: string[] = [];
  let current: Stretch | undefined;
  for (const revision of [...applied].reverse()) {
    const parents = chain.graph.get(revision)?.downRevisions ?? [];
    if (parents.length > 1) { merges.push(revision); current = undefined; continue; }
    const target = parents[0] ?? 'base';
    if (current && current.target === revision) {
      current.revisions.push(revision);
      current.target = target;
    } else {
      current = { revisions: [revision], target };
      stretches.push(current);
    }
  }
  return { stretches, merges };
}

/** Each revision's downgrade as Alembic prints it offline, or the note saying why there is none. */
export async function offlineDowngrades(o: OfflineAlembic, chain: Chain, applied: readonly string[]): Promise<Map<string, StoredDowngrade>> {
  const out = new Map<string, StoredDowngrade>();
  const parentsOf = (r: string) => chain.graph.get(r)?.downRevisions ?? [];
  const { stretches, merges } = downgradeStretches(chain, applied);
  for (const r of merges) {
    out.set(r, { parents: parentsOf(r), sql: null, note: 'a merge revision: Alembic cannot print the downgrade of a merge alone offline' });
  }
  for (const stretch of stretches) {
    try {
      const printed = await offlineRevisionSql(o, chain, 'down', stretch.revisions, stretch.target, (f) => readFile(f, 'utf8'));
      for (const r of stretch.revisions) {
        const failure = printed.failures.find((f) => f.revision === r);
        const sql = printed.sections.get(r);
        out.set(r, failure || sql === undefined
          ? { parents: parentsOf(r), sql: null, note: failureNote(o.project.dir, failure) }
          : { parents: parentsOf(r), sql: ownStatements(sql) });
      }
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      const why = `Alembic's offline SQL failed: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`;
      for (const r of stretch.revisions) out.set(r, { parents: parentsOf(r), sql: null, note: why });
    }
  }
  return out;
}

function failureNote(projectDir: string, f: OfflineFailure | undefined): string {
  if (!f) return 'Alembic printed no downgrade SQL for it offline';
  const where = f.inEnv ? `env.py cannot run in Alembic's offline mode` : `its downgrade cannot run in Alembic's offline mode (${path.relative(projectDir, f.file)}:${f.line})`;
  return `${where}: ${f.command} stopped with ${f.reason}`;
}

/** The revision's own statements: Alembic's BEGIN/COMMIT, version-row moves and the final drop of its version table left out. */
export function ownStatements(sql: string): string {
  return splitSqlStatements(sql)
    .filter((s) => !isBookkeeping(s.text) && !/^DROP TABLE \S*alembic_version\S*$/i.test(s.text.trim()))
    .map((s) => `${s.text};`).join('\n');
}

/**
 * Writes the upgrade rows of the revisions Alembic applied (run order), each with its kept downgrade,
 * on the run's own session. The log (or its downgrade columns) is created when missing; a role that may
 * not do that only loses the rows, never the run.
 */
export async function recordAlembicUpgrades(
  client: ClientBase, bk: Bookkeeping, chain: Chain, applied: readonly string[], kept: ReadonlyMap<string, StoredDowngrade>,
  clientName: string, logger: Logger = silentLogger,
): Promise<void> {
  if (!applied.length) return;
  try {
    const tables = await bookkeepingTables(client, bk);
    if (!tables.log) await ensureBookkeepingTables(client, bk, tables);
    else if (!tables.logDowngrade) await client.query(addDowngradeColumnsSql(bk));
    const rows = applied.map((revision) => renderLogInsert(bk, {
      revision, direction: 'upgrade', checksum: null, client: clientName,
      downgrade: kept.get(revision) ?? { parents: chain.graph.get(revision)?.downRevisions ?? [], sql: null, note: 'its downgrade was not printed when it was applied' },
    }));
    await client.query(rows.join(';\n'));
  } catch (err) {
    logger.warn(`The audit log ${bk.logTable} did not get the rows of this Alembic run (${err instanceof Error ? err.message : String(err)}); its revisions cannot be undone once their files are gone.`);
  }
}

/**
 * The hooks of an upgrade to `target` that keep its downgrades: the planned revisions' offline SQL is
 * printed while Alembic runs, and the applied revisions' rows are written after it, under its lock
 * (printed again from what was applied when the plan could not be made or differs).
 */
export function keepingDowngrades(options: AlembicOptions, target: string): RunHooks {
  let printing: Promise<Map<string, StoredDowngrade>> | undefined;
  let planned: string[] = [];
  const print = (revisions: readonly string[]) => offlineDowngrades(
    { project: options.project, command: options.command, envVariable: options.envVariable, signal: options.signal, logger: options.logger, url: options.url },
    options.chain, revisions);
  return {
    started: (from) => {
      try {
        planned = options.chain.graph.upgradePlan(from, options.chain.graph.resolve(target, from).revisions);
      } catch {
        return;
      }
      printing = print(planned);
      printing.catch(() => undefined); // awaited in `after`; a failed run leaves it unread
    },
    after: async (s: Session, result: LockedRun) => {
      if (!result.applied.length) return;
      // The upgrade has happened: a failed or cancelled printing costs the notes, never the run's result.
      const kept = await (printing && result.applied.every((r) => planned.includes(r)) ? printing : print(result.applied))
        .catch((err: unknown) => { s.logger.warn(`Alembic's offline downgrade SQL was not printed: ${err instanceof Error ? err.message : String(err)}`); return new Map<string, StoredDowngrade>(); });
      await recordAlembicUpgrades(s.client, s.bk, options.chain, result.applied, kept, s.applicationName, s.logger);
    },
  };
}
