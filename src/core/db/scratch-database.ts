// A throwaway database on the same server as a target (same version, same extensions available),
// for work that must not touch the target: the drift check builds the chain there, a reset rehearses
// there. Created with a random name, always dropped, whatever happens in between.
import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { ConnectionError, MigrationChainError } from '../errors';
import { timedStep, type Logger } from '../log';
import { connect, describeTarget, parseDatabaseUrl, withConnection } from './client';
import { MAX_IDENTIFIER_BYTES, quoteIdent } from './identifiers';

export interface ScratchOptions {
  /** The target's URL: the scratch database is created from a connection to it, on its server. */
  url: string;
  /** In the name, `<db>_mc_<purpose>_<random>`, and in messages (e.g. 'drift', 'rehearsal'). */
  purpose: string;
  /** What the scratch database is for, said when the role may not create databases. */
  needs: string;
  applicationName: string;
  logger: Logger;
}

/**
 * Creates the scratch database, runs `fn` with its URL and name, and always drops it. `recreate`
 * drops and creates it again, empty, for work that must start over after a step left it in an
 * unknown state (the stairway test).
 */
export async function withScratchDatabase<T>(
  options: ScratchOptions, fn: (scratchUrl: string, name: string, recreate: () => Promise<void>) => Promise<T>,
): Promise<T> {
  const target = parseDatabaseUrl(options.url);
  const name = scratchName(target.database, options.purpose);
  const log = options.logger;
  const client = await connect(options.url, { applicationName: options.applicationName });
  try {
    await timedStep(log, `Create the scratch database ${name}`, () => createScratch(client, name, options));
    let failed = false;
    let cleanupFailure: { error: unknown } | undefined;
    let result: T;
    try {
      const recreate = async () => {
        await dropScratch(options, client, name);
        await createScratch(client, name, options);
      };
      result = await fn(urlForDatabase(options.url, name), name, recreate);
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      try {
        await timedStep(log, `Drop the scratch database ${name}`, () => dropScratch(options, client, name));
      } catch (dropErr) {
        log.error(`The scratch database ${name} on ${describeTarget(target)} could not be dropped; drop it by hand (DROP DATABASE ${quoteIdent(name)}).`);
        // The work's own failure is the one to report; a failed cleanup is only logged then.
        if (!failed) cleanupFailure = { error: dropErr };
      }
    }
    if (cleanupFailure) throw cleanupFailure.error;
    return result;
  } finally {
    await client.end().catch(() => {});
  }
}

/** `<db>_mc_<purpose>_<random>`, shortened to PostgreSQL's 63-byte identifier limit. */
export function scratchName(database: string, purpose: string): string {
  const suffix = `_mc_${purpose}_${randomBytes(4).toString('hex')}`;
  let prefix = database;
  while (Buffer.byteLength(prefix + suffix, 'utf8') > MAX_IDENTIFIER_BYTES) prefix = prefix.slice(0, -1);
  return prefix + suffix;
}

/** The same URL (scheme and SQLAlchemy driver, user, password, host, options) pointing at another database. */
export function urlForDatabase(url: string, database: string): string {
  const u = new URL(url.trim());
  u.pathname = `/${encodeURIComponent(database)}`;
  u.searchParams.delete('dbname');
  return u.toString();
}

/** Whether the connected role may create databases (CREATEDB or superuser). */
export async function canCreateDatabases(client: Pick<Client, 'query'>): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>(
    'SELECT coalesce((SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user), false) AS ok');
  return rows[0].ok;
}

async function createScratch(client: Client, name: string, options: ScratchOptions): Promise<void> {
  const target = parseDatabaseUrl(options.url);
  try {
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } catch (err) {
    if (sqlState(err) === '42501') {
      throw new ConnectionError(
        `${options.needs} needs a scratch database, and ${target.user} may not create databases on ${target.host}:${target.port}.`,
        { host: target.host, port: target.port, database: target.database, user: target.user },
        `Grant it (ALTER ROLE ${quoteIdent(target.user)} CREATEDB), or use a role that has CREATEDB on the same server.`,
      );
    }
    throw describeDatabaseError(err, `Could not create the scratch database ${name} on ${describeTarget(target)}`);
  }
}

/**
 * Ends every session still in the scratch database (a failed build may leave one), then drops it.
 * If the first connection died meanwhile (a server-side timeout, a cancelled run), a fresh one does it.
 */
async function dropScratch(options: ScratchOptions, client: Client, name: string): Promise<void> {
  const drop = async (c: Client) => {
    await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
  };
  try {
    await drop(client);
  } catch {
    await withConnection(options.url, { applicationName: options.applicationName }, drop);
  }
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
