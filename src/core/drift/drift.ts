// Schema drift: does the database look like what its recorded revisions build? The chain is built
// up to the database's current head(s) in a scratch database on the same server (same version,
// same deparsers), both schemas are read from the catalogs and compared object by object. The
// scratch database is always dropped, whatever happens in between.
import type { Chain } from '../chain/chain';
import { connect, parseDatabaseUrl, withConnection, type DatabaseTarget } from '../db/client';
import { withScratchDatabase } from '../db/scratch-database';
import { readHeads } from '../db/version-table';
import { bookkeeping, LOG_TABLE, type VersionTableOptions } from '../db/bookkeeping';
import { LOCK_TABLE } from '../db/lease';
import { CancelledError } from '../errors';
import { silentLogger, timedStep, type Logger } from '../log';
import { assertKnownHeads, assertRunnable } from '../run/plan';
import { upgradeInSession } from '../run/runner';
import { withSession } from '../run/session';
import { diffSchemas, type SchemaDiffEntry } from '../schema/diff';
import { readSchema } from '../schema/snapshot';
import { linkSources, upgradeTexts } from './sources';

export interface DriftOptions extends VersionTableOptions {
  chain: Chain;
  url: string;
  logger?: Logger;
  signal?: AbortSignal;
  /** The schema compared (default `public`). */
  schema?: string;
  /**
   * Builds the scratch database up to the recorded heads instead of our runner: an Alembic project's
   * own Alembic (alembic/run/offline-preview.ts alembicScratchBuilder), since only Python can run its revisions.
   */
  buildScratch?: (scratchUrl: string, heads: readonly string[], logger: Logger) => Promise<void>;
}

export interface DriftReport {
  /** The database's recorded head(s): the scratch database was built up to these. */
  baseRevision: string[];
  /** Sorted by kind, then name; each linked to the migration that creates the object when one names it. */
  entries: SchemaDiffEntry[];
  /** The scratch database's name (already dropped when the report is returned). */
  scratchDatabase: string;
  durationMs: number;
  /** The checked database, password masked. */
  target: DatabaseTarget;
}

const APPLICATION_NAME = 'migration-chain (drift)';

export async function checkDrift(opts: DriftOptions): Promise<DriftReport> {
  const started = performance.now();
  const log = opts.logger ?? silentLogger;
  const schema = opts.schema ?? 'public';
  const target = parseDatabaseUrl(opts.url);
  const bk = bookkeeping(opts);
  // The tool's own tables are bookkeeping, not schema.
  const exclude = [bk.table, LOG_TABLE, LOCK_TABLE];
  assertRunnable(opts.chain);
  throwIfAborted(opts.signal);

  const client = await connect(opts.url, { applicationName: APPLICATION_NAME });
  try {
    const heads = await timedStep(log, `Read the recorded revision(s) of ${target.display}`, () => readHeads(client, bk));
    assertKnownHeads(opts.chain, heads);
    log.info(`Database at ${heads.length ? heads.join(', ') : 'base (no revision recorded)'}`);
    const actual = await timedStep(log, `Read the schema "${schema}" of ${target.database}`,
      () => readSchema(client, schema, { exclude }));

    const { scratch, expected } = await withScratchDatabase({
      url: opts.url, purpose: 'drift', needs: 'The drift check', applicationName: APPLICATION_NAME, logger: log,
    }, async (scratchUrl, scratch) => {
      throwIfAborted(opts.signal);
      await timedStep(log, `Build the migrations up to ${heads.join(', ') || 'base'} in ${scratch}`,
        () => (opts.buildScratch ?? ((u, h, l) => buildHeadsInScratch(opts, u, h, l)))(scratchUrl, heads, log));
      throwIfAborted(opts.signal);
      const expected = await timedStep(log, `Read the schema "${schema}" of ${scratch}`,
        () => withConnection(scratchUrl, { applicationName: APPLICATION_NAME }, (c) => readSchema(c, schema, { exclude })));
      return { scratch, expected };
    });

    const applied = opts.chain.graph.appliedSet(heads);
    const order = opts.chain.graph.topologicalOrder().filter((r) => applied.has(r));
    const texts = await upgradeTexts(order.map((r) => opts.chain.graph.get(r)).filter((m) => m !== undefined));
    const entries = linkSources(diffSchemas(expected, actual), texts);
    log.info(entries.length === 0 ? 'No drift.' : `${entries.length} difference(s) found.`);
    return { baseRevision: heads, entries, scratchDatabase: scratch, durationMs: performance.now() - started, target };
  } finally {
    await client.end().catch(() => {});
  }
}

/** Upgrades the scratch database to each recorded head in turn (a database may record several). Also authoring/from-database.ts's build of the head. */
export async function buildHeadsInScratch(
  opts: VersionTableOptions & { chain: Chain; signal?: AbortSignal }, scratchUrl: string, heads: readonly string[], logger: Logger,
): Promise<void> {
  await withSession({
    url: scratchUrl,
    logger,
    signal: opts.signal,
    versionTable: opts.versionTable,
    versionTableSchema: opts.versionTableSchema,
    applicationName: APPLICATION_NAME,
  }, async (s) => {
    for (const head of heads) await upgradeInSession(s, opts.chain, head);
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
