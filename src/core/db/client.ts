// Connection URLs and clients. `pg` is required inside the functions, never at module top: the editor
// must not load the driver until a database is actually touched.
//
// Messages are built from `DatabaseTarget` only. pg's own messages are never passed on: some of them
// quote the connection string.
import * as os from 'node:os';
import type { Client, ClientConfig } from 'pg';
import { ConnectionError, MigrationChainError } from '../errors';
import { quoteIdent } from './identifiers';
import { isPostgresUrl, withoutDriver } from './sqlalchemy-url';
import { isPoolExhausted, poolExhaustedError } from './pool-exhausted';

export interface DatabaseTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  /** A loopback address or a Unix socket: resets of local databases need less ceremony. */
  isLocal: boolean;
  /** The URL to show people: the password (if any) replaced by `****`, query parameters left out. */
  display: string;
}

export interface ConnectOptions {
  /** Shown in pg_stat_activity, so a lock holder can be named. */
  applicationName?: string;
  connectTimeoutMs?: number;
  /** Schema-per-tenant runs: the session's search_path, so unqualified names land in the tenant's schema. */
  searchPath?: string;
}

export const DEFAULT_APPLICATION_NAME = 'migration-chain';
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

type ParsedUrl = ReturnType<typeof import('pg-connection-string').parse>;

function parseRaw(url: string): ParsedUrl {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new MigrationChainError('usage', 'No database URL given.', 'Pass --url, set DATABASE_URL, or put DATABASE_URL in a .env file.');
  }
  if (!isPostgresUrl(url)) {
    throw new MigrationChainError('usage', 'The database URL must start with postgres:// or postgresql:// (a SQLAlchemy driver such as postgresql+asyncpg:// is fine).',
      'Example: postgresql://user:password@localhost:5432/mydb');
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- pg is required on first connection, never at module load (layering test)
    const { parse } = require('pg-connection-string') as typeof import('pg-connection-string');
    return parse(withoutDriver(url));
  } catch {
    // The parser's message may echo the URL, password included.
    throw new MigrationChainError('usage', 'The database URL could not be parsed.', 'Check it has the form postgres://user:password@host:5432/database.');
  }
}

export function parseDatabaseUrl(url: string): DatabaseTarget {
  const raw = parseRaw(url);
  const host = raw.host || 'localhost';
  const port = raw.port ? Number(raw.port) : 5432;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new MigrationChainError('usage', `The database URL has an invalid port "${String(raw.port)}".`);
  }
  const user = raw.user || process.env.PGUSER || safeUserName();
  const database = raw.database || user;
  const isLocal = host.startsWith('/') || ['localhost', '127.0.0.1', '::1', '[::1]'].includes(host.toLowerCase());
  const hostPart = host.startsWith('/') ? encodeURIComponent(host) : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const auth = `${encodeURIComponent(user)}${raw.password ? ':****' : ''}@`;
  const display = `postgresql://${auth}${hostPart}:${port}/${encodeURIComponent(database)}`;
  return { host, port, database, user, isLocal, display };
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'postgres';
  }
}

/** `user@host:port/database` for messages. */
export function describeTarget(t: DatabaseTarget): string {
  return `${t.user}@${t.host}:${t.port}/${t.database}`;
}

/** A connected client; the caller ends it. Failures become ConnectionError with a hint. */
export async function connect(url: string, options: ConnectOptions = {}): Promise<Client> {
  const target = parseDatabaseUrl(url);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- pg is required on first connection, never at module load (layering test)
  const pg = require('pg') as typeof import('pg');
  const config: ClientConfig = {
    // SQLAlchemy's `+driver` means nothing to pg (sqlalchemy-url.ts).
    connectionString: withoutDriver(url),
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    application_name: options.applicationName ?? DEFAULT_APPLICATION_NAME,
  };
  const client = new pg.Client(config);
  // A connection dropped by the server (terminate, restart) emits 'error' outside any query; without
  // a listener that would crash the host process. The next query fails and is reported there.
  client.on('error', () => {});
  try {
    await client.connect();
    if (options.searchPath !== undefined) await client.query(`SET search_path TO ${quoteIdent(options.searchPath)}`);
  } catch (err) {
    await client.end().catch(() => {});
    if (isPoolExhausted(err)) throw await poolExhaustedError(err, url, target, describeTarget(target));
    throw connectionError(err, target);
  }
  return client;
}

/** Runs `fn` with a fresh client and always closes it. */
export async function withConnection<T>(url: string, options: ConnectOptions, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await connect(url, options);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

const SQLSTATE_HINTS: Record<string, (t: DatabaseTarget) => [string, string]> = {
  '28P01': (t) => [`wrong password for user "${t.user}"`, 'Check the password in the database URL (or PGPASSWORD).'],
  '28000': (t) => [`the server refused user "${t.user}"`, 'Check the user name and the server\'s pg_hba.conf rules for this host.'],
  '3D000': (t) => [`database "${t.database}" does not exist`, `Create it first (createdb ${t.database}) or fix the database name in the URL.`],
  '57P03': () => ['the server is starting up or shutting down', 'Wait a moment and try again.'],
  '53300': () => ['the server has no free connection slots', 'Close idle connections or raise max_connections.'],
};

const NODE_CODE_HINTS: Record<string, (t: DatabaseTarget) => [string, string]> = {
  ECONNREFUSED: (t) => ['connection refused', `Is the server running and listening on ${t.host}:${t.port}?`],
  ENOTFOUND: (t) => [`host "${t.host}" not found`, 'Check the host name in the database URL.'],
  EAI_AGAIN: (t) => [`host "${t.host}" could not be resolved`, 'Check the host name and your network/DNS.'],
  ETIMEDOUT: () => ['the connection timed out', 'Check the host, port and any firewall between you and the server.'],
  EHOSTUNREACH: () => ['the host is unreachable', 'Check the host and your network.'],
  ECONNRESET: () => ['the server closed the connection', 'The server may require SSL (add ?sslmode=require) or be overloaded.'],
  ENOENT: (t) => [`no Unix socket at ${t.host}`, 'Is the server running, and is the socket directory right?'],
};

/** Maps a driver failure to a ConnectionError naming host, port, database and user — never the password. */
export function connectionError(err: unknown, target: DatabaseTarget): ConnectionError {
  const code = errorCode(err);
  const where = describeTarget(target);
  const known = (code && (SQLSTATE_HINTS[code] ?? NODE_CODE_HINTS[code])) || undefined;
  const coordinates = { host: target.host, port: target.port, database: target.database, user: target.user };
  if (known) {
    const [what, hint] = known(target);
    return new ConnectionError(`Cannot connect to ${where}: ${what}.`, coordinates, hint, { cause: sanitizedCause(code) });
  }
  const message = err instanceof Error ? err.message : '';
  if (/timeout/i.test(message)) {
    return new ConnectionError(`Cannot connect to ${where}: the connection timed out.`, coordinates,
      'Check the host, port and any firewall between you and the server.', { cause: sanitizedCause('timeout') });
  }
  if (/ssl|tls|certificate/i.test(message)) {
    return new ConnectionError(`Cannot connect to ${where}: the SSL/TLS handshake failed.`, coordinates,
      'Check sslmode in the URL and the server\'s certificate.', { cause: sanitizedCause(code ?? 'ssl') });
  }
  if (/SASL|SCRAM|password/i.test(message)) {
    return new ConnectionError(`Cannot connect to ${where}: password authentication failed.`, coordinates,
      'The server asks for a password: put it in the URL or PGPASSWORD.', { cause: sanitizedCause(code ?? 'auth') });
  }
  return new ConnectionError(`Cannot connect to ${where}${code ? ` (${code})` : ''}.`, coordinates,
    'Check the database URL and that the server is reachable.', { cause: sanitizedCause(code ?? 'unknown') });
}

function errorCode(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { code?: unknown; errors?: unknown[] };
  if (typeof e.code === 'string') return e.code;
  // Node's happy-eyeballs connect reports an AggregateError per address tried.
  if (Array.isArray(e.errors)) return e.errors.map(errorCode).find((c) => c !== undefined);
  return undefined;
}

/** The original error object may hold the connection parameters; keep only its code. */
function sanitizedCause(code: string | undefined): Error {
  return new Error(`driver error code ${code ?? 'unknown'}`);
}

/**
 * True when the connection itself died mid-run (server stopped or restarted, socket reset), as opposed
 * to a statement failing: SQLSTATE class 08 or admin shutdown, a socket error code, or pg's own
 * "Connection terminated" errors, which carry no code at all.
 */
export function isConnectionLoss(err: unknown): boolean {
  if (err instanceof MigrationChainError) return false;
  const code = errorCode(err);
  if (code && (code.startsWith('08') || ['57P01', '57P02', '57P03', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED'].includes(code))) return true;
  const message = err instanceof Error ? err.message : '';
  return !code && /Connection terminated|connection (?:is )?(?:closed|ended)|Client has encountered a connection error|not queryable/i.test(message);
}

/** The one message for a connection lost during a run: the server rolled back the open transaction. */
export function lostConnectionError(target: DatabaseTarget, running?: { revision: string; transactional: boolean }): ConnectionError {
  const coordinates = { host: target.host, port: target.port, database: target.database, user: target.user };
  const during = !running ? ''
    : running.transactional ? ` while running ${running.revision}; the server rolled that migration back`
      : ` while running ${running.revision}, a non-transactional migration: statements that finished stay applied and the version was not moved`;
  return new ConnectionError(
    `Lost the connection to ${describeTarget(target)}${during}.`,
    coordinates,
    'Migrations that finished before stay applied and recorded. Run the same command again once the server is reachable.',
    { cause: sanitizedCause('connection-lost') });
}

/** True for the SQLSTATE of a cancelled statement (pg_cancel_backend / statement_timeout). */
export function isQueryCanceled(err: unknown): boolean {
  return errorCode(err) === '57014';
}

/**
 * Cancels whatever `pid` is running, from a second short connection (the busy one cannot take
 * commands). Best effort: if the cancel itself fails, the caller still sees the original statement end.
 */
export async function cancelBackend(url: string, pid: number): Promise<void> {
  try {
    await withConnection(url, { applicationName: `${DEFAULT_APPLICATION_NAME} (cancel)`, connectTimeoutMs: 5000 },
      (c) => c.query('SELECT pg_cancel_backend($1)', [pid]));
  } catch {
    // nothing more we can do; the run's own error handling reports the outcome
  }
}

/** The server process id of `client`, for cancellation. */
export async function backendPid(client: Client): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return rows[0].pid;
}

/**
 * For child processes (pg_dump): the URL without its password, and the password separately to pass
 * as PGPASSWORD — a password on a command line is visible to every user in `ps`.
 */
export function splitPassword(url: string): { url: string; password?: string } {
  const raw = parseRaw(url);
  let parsed: URL;
  try {
    parsed = new URL(withoutDriver(url));
  } catch {
    throw new MigrationChainError('usage', 'The database URL could not be parsed.');
  }
  parsed.password = '';
  parsed.searchParams.delete('password');
  return { url: parsed.toString(), password: raw.password || undefined };
}
