// Schema drift: does the database look like what its recorded revisions build? The chain is built
// up to the database's current head(s) in a scratch database on the same server (same version,
// same deparsers), both schemas are read from the catalogs and compared object by object. The
// scratch database is always dropped, whatever happens in between.
import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import type { Chain } from '../chain/chain';
import { connect, describeTarget, parseDatabaseUrl, withConnection, type DatabaseTarget } from '../db/connection';
import { MAX_IDENTIFIER_BYTES, quoteIdent } from '../db/identifiers';
import { readHeads } from '../db/version-table';
import { bookkeeping, LOG_TABLE, type VersionTableOptions } from '../db/bookkeeping';
import { CancelledError, ConnectionError, MigrationChainError } from '../errors';
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
  const exclude = [bk.table, LOG_TABLE];
  assertRunnable(opts.chain);
  throwIfAborted(opts.signal);

  const client = await connect(opts.url, { applicationName: APPLICATION_NAME });
  try {
    const heads = await timedStep(log, `Read the recorded revision(s) of ${target.display}`, () => readHeads(client, bk));
    assertKnownHeads(opts.chain, heads);
    log.info(`Database at ${heads.length ? heads.join(', ') : 'base (no revision recorded)'}`);
    const actual = await timedStep(log, `Read the schema "${schema}" of ${target.database}`,
      () => readSchema(client, schema, { exclude }));

    const scratch = scratchName(target.database);
    await timedStep(log, `Create the scratch database ${scratch}`, () => createScratch(client, scratch, target));
    let expected;
    let failed = false;
    let cleanupFailure: { error: unknown } | undefined;
    try {
      throwIfAborted(opts.signal);
      const scratchUrl = urlForDatabase(opts.url, scratch);
      await timedStep(log, `Build the migrations up to ${heads.join(', ') || 'base'} in ${scratch}`,
        () => buildScratch(opts, scratchUrl, heads, log));
      throwIfAborted(opts.signal);
      expected = await timedStep(log, `Read the schema "${schema}" of ${scratch}`, async () => {
        const scratchClient = await connect(scratchUrl, { applicationName: APPLICATION_NAME });
        try {
          return await readSchema(scratchClient, schema, { exclude });
        } finally {
          await scratchClient.end().catch(() => {});
        }
      });
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      try {
        await timedStep(log, `Drop the scratch database ${scratch}`, () => dropScratch(opts.url, client, scratch));
      } catch (dropErr) {
        log.error(`The scratch database ${scratch} on ${describeTarget(target)} could not be dropped; drop it by hand (DROP DATABASE ${quoteIdent(scratch)}).`);
        // The build's own failure is the one to report; a failed cleanup is only logged then.
        if (!failed) cleanupFailure = { error: dropErr };
      }
    }
    if (cleanupFailure) throw cleanupFailure.error;

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

/** Upgrades the scratch database to each recorded head in turn (a database may record several). */
async function buildScratch(opts: DriftOptions, scratchUrl: string, heads: readonly string[], logger: Logger): Promise<void> {
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

/** `<db>_mc_<purpose>_<random>`, shortened to PostgreSQL's 63-byte identifier limit. */
export function scratchName(database: string, purpose = 'drift'): string {
  const suffix = `_mc_${purpose}_${randomBytes(4).toString('hex')}`;
  let prefix = database;
  while (Buffer.byteLength(prefix + suffix, 'utf8') > MAX_IDENTIFIER_BYTES) prefix = prefix.slice(0, -1);
  return prefix + suffix;
}

/** The same URL (user, password, host, options) pointing at another database. */
export function urlForDatabase(url: string, database: string): string {
  const u = new URL(url.trim());
  u.pathname = `/${encodeURIComponent(database)}`;
  u.searchParams.delete('dbname');
  return u.toString();
}

/** `check` names the caller in the CREATEDB advice ("The drift check", "The stairway test"). */
export async function createScratch(client: Client, name: string, target: DatabaseTarget, check = 'The drift check'): Promise<void> {
  try {
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } catch (err) {
    if (sqlState(err) === '42501') {
      throw new ConnectionError(
        `${check} needs a scratch database, and ${target.user} may not create databases on ${target.host}:${target.port}.`,
        { host: target.host, port: target.port, database: target.database, user: target.user },
        `Grant it (ALTER ROLE ${quoteIdent(target.user)} CREATEDB), or run ${check.replace(/^The /, 'the ')} with a role that has CREATEDB on the same server.`,
      );
    }
    throw describeDatabaseError(err, `Could not create the scratch database ${name} on ${describeTarget(target)}`);
  }
}

/**
 * Ends every session still in the scratch database (a failed build may leave one), then drops it.
 * If the first connection died meanwhile (a server-side timeout, a cancelled run), a fresh one does it.
 */
export async function dropScratch(url: string, client: Client, name: string): Promise<void> {
  const drop = async (c: Client) => {
    await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
  };
  try {
    await drop(client);
  } catch {
    await withConnection(url, { applicationName: APPLICATION_NAME }, drop);
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function describeDatabaseError(err: unknown, what: string): MigrationChainError {
  if (err instanceof MigrationChainError) return err;
  const e = err as { code?: string; message?: string };
  // Server messages (not driver ones) name objects, never the connection string.
  return new MigrationChainError('sql', `${what}: ${e.message ?? String(err)}${e.code ? ` [${e.code}]` : ''}`);
}
