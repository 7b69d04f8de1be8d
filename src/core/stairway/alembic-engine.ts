// The stairway's engine for Alembic projects: every step is a run of the project's own Alembic
// (its env.py, its Python, its revision files) against the scratch database. One Alembic process
// per step: `alembic upgrade R`, then `alembic downgrade R@P` back to the parents.
//
// Why `R@P` and not `R-1` or `P`: with several heads recorded, `alembic downgrade P` and
// `alembic downgrade R-1` take every branch above P down with R (heads b1 + b2 over a:
// `downgrade b2-1` also undoes b1), and a merge's `R-1` is "Ambiguous walk". `R@P` moves only R's
// branch down to P; for a merge, naming one parent undoes the merge and leaves all its parents
// recorded; for a root, P is `base`.
//
// Each step ends by reading the recorded heads: if Alembic moved anywhere else than the walk
// expects, the step fails with both lists instead of comparing snapshots of the wrong revisions.
import { formatSpec } from '../chain/formats';
import type { Migration } from '../chain/model';
import { connect } from '../db/client';
import { bookkeeping } from '../db/bookkeeping';
import { readHeads } from '../db/version-table';
import { AlembicFailedError, MigrationChainError } from '../errors';
import { alembic, DEFAULT_ENV_VARIABLE, type AlembicProcessOptions } from '../alembic/run/locked-run';
import { holdSentinel, newSentinelKey, wrongDatabaseHint } from '../alembic/run/connect-guard';
import { envPyText } from '../alembic/run/url-channels';
import type { StairwayEngine } from './driver';

/** What the engine needs of an Alembic run; the URL, logger and signal are the stairway's. */
export type AlembicEngineOptions = Omit<AlembicProcessOptions, 'url' | 'logger' | 'signal'>;

const APPLICATION_NAME = 'migration-chain (stairway)';

/**
 * The failure with one line of Alembic's output: the last exception line (`sqlalchemy.exc.ProgrammingError:
 * (…DuplicateTable) relation "x" already exists`, `FAILED: …`), not SQLAlchemy's `[SQL: …]` or
 * "Background on this error" lines after it; else the last line.
 */
export function summarised(err: AlembicFailedError): AlembicFailedError {
  const lines = err.detail.split('\n').map((l) => l.trim()).filter(Boolean);
  const exception = lines.filter((l) => /^([A-Za-z_][\w.]*(Error|Exception|Exit)|FAILED):/.test(l)).pop();
  return new AlembicFailedError(err.command, err.how, err.durationMs, exception ?? lines[lines.length - 1] ?? '',
    'Alembic\'s whole output: run `migration-chain test` again with --verbose.');
}

export function alembicEngine(options: AlembicEngineOptions): StairwayEngine {
  return {
    name: 'Alembic',
    // Alembic runs only what it loads from the versions folder: the Python revisions.
    runs: (m) => formatSpec(m).stairway.engine === 'alembic',
    async open(scratchUrl, context) {
      const bk = bookkeeping(context);
      const client = await connect(scratchUrl, { applicationName: APPLICATION_NAME });
      // This session holds each step's sentinel (connect-guard.ts): env.py must reach the scratch database.
      const key = newSentinelKey();
      await holdSentinel(client, key);
      // Quiet: Alembic's lines (and our start/finish lines around them) go to debug; a failure keeps its last line.
      const quiet = context.childOutput === 'failures';
      const logger = quiet ? { ...context.logger, info: (line: string) => context.logger.debug(line) } : context.logger;
      const run = async (args: string[], m: Migration, expected: readonly string[]): Promise<void> => {
        const done = await alembic({ ...options, url: scratchUrl, logger, signal: context.signal }, args, undefined, key).catch((err: unknown) => {
          throw quiet && err instanceof AlembicFailedError ? summarised(err) : err;
        });
        const recorded = await readHeads(client, bk);
        const want = [...expected].sort();
        if (recorded.join(' ') !== want.join(' ')) {
          // With the guard armed, env.py provably worked here: the difference is in the reading of the chain.
          throw new MigrationChainError('unknown-revision',
            `alembic ${args.join(' ')} left ${bk.versionTable} at ${recorded.join(', ') || 'base'}, not at ${want.join(', ') || 'base'} as the chain says (${m.file}).`,
            done.guard.armed
              ? 'Alembic reads this chain differently: compare `alembic heads` / `alembic history` with `migration-chain check`.'
              : `The connection of env.py could not be checked (the Alembic command does not load Migration Chain's check), so env.py may have worked on another database. ${wrongDatabaseHint(envPyText(options.project), options.envVariable ?? DEFAULT_ENV_VARIABLE)}`);
        }
      };
      return {
        client,
        upgrade: (m, _before, after) => run(['upgrade', m.revision], m, after),
        downgrade: (m, _before, after) => run(['downgrade', `${m.revision}@${m.downRevisions[0] ?? 'base'}`], m, after),
        close: () => client.end().catch(() => {}),
      };
    },
  };
}
