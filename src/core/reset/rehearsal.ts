// The rehearsal before a reset that cannot run in one transaction (a chain with a non-transactional
// migration, an Alembic project that runs in Alembic's own connection): the chain is built on a
// scratch database `<db>_mc_rehearsal_<random>` of the same server first; only if that works does
// the real reset start.
import { describeTarget, parseDatabaseUrl } from '../db/client';
import { withScratchDatabase } from '../db/scratch-database';
import { CancelledError, MigrationChainError } from '../errors';
import { silentLogger, type Logger } from '../log';

export interface RehearsalTarget {
  /** The database about to be reset: the scratch database is created on its server, as its user. */
  url: string;
  applicationName?: string;
  logger?: Logger;
  signal?: AbortSignal;
}

/** Builds the chain in the scratch database and checks it; throws when the build or the check fails. */
export type BuildInScratch = (scratchUrl: string, signal: AbortSignal | undefined) => Promise<void>;

export interface RehearsalResult {
  /** Its name (already dropped when this is returned). */
  scratchDatabase: string;
  durationMs: number;
}

/**
 * Contract: creates an empty scratch database next to `target.url` (the role needs CREATEDB: a
 * ConnectionError saying so otherwise), calls `build(scratchUrl, signal)` once, and always drops the
 * scratch database afterwards, on success, failure or cancel. `build` must do everything the real
 * reset will do after the drop (upgrade to the target, verify) and throw if any of it fails. The
 * target database is never written to. A failing build's error is rethrown with its type kept
 * (an SqlError keeps its file and line for the editor's Problems), its message prefixed with what
 * failed and that the target was not touched.
 */
export async function rehearse(target: RehearsalTarget, build: BuildInScratch): Promise<RehearsalResult> {
  const started = performance.now();
  const log = target.logger ?? silentLogger;
  if (target.signal?.aborted) throw new CancelledError();
  const where = describeTarget(parseDatabaseUrl(target.url));
  const scratchDatabase = await withScratchDatabase({
    url: target.url, purpose: 'rehearsal', needs: 'The rehearsal of the reset', logger: log,
    applicationName: target.applicationName ?? 'migration-chain (rehearsal)',
  }, async (scratchUrl, name) => {
    try {
      await build(scratchUrl, target.signal);
    } catch (err) {
      if (err instanceof CancelledError || target.signal?.aborted) {
        throw new CancelledError();
      }
      throw rehearsalFailed(err, `The rehearsal on the scratch database ${name} failed, so ${where} was not touched: `);
    }
    return name;
  });
  return { scratchDatabase, durationMs: performance.now() - started };
}

function rehearsalFailed(err: unknown, prefix: string): MigrationChainError {
  if (err instanceof MigrationChainError) {
    err.message = prefix + err.message;
    return err;
  }
  return new MigrationChainError('sql', prefix + (err instanceof Error ? err.message : String(err)), 'Fix the migration, then reset again.', { cause: err });
}
