// Which database: the one place the CLI, the editor and the environments resolve a database URL.
// One order of sources, one result type, one vocabulary of source names, one wording for messages.
// What the person named for this tool comes first (the CLI's --url; the editor's stored secret, then
// its setting), then the process environment, then `.env` files (nearest first), then alembic.ini's
// sqlalchemy.url: a variable already set in the environment wins over the file, which is dotenv's
// own rule and what Alembic's env.py scripts, Prisma and most twelve-factor tools do. Each front end
// has only some of these sources; they are read in this order, lazily, and the first non-empty value
// wins. `.env` is read as python-dotenv reads it (core/dotenv.ts). docs/database-url.md documents it.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { sqlalchemyUrlOf } from '../chain/alembic-ini';
import { parseDotenv } from '../dotenv';
import { MigrationChainError, UnsetUrlReferenceError } from '../errors';
import { isPostgresUrl } from './sqlalchemy-url';

export type UrlSourceId = 'flag' | 'secret' | 'setting' | 'environment' | 'env-file' | 'alembic-ini';

// alembic.ini's sqlalchemy.url comes last: env.py scripts usually override it from the environment,
// and Alembic's own template leaves a placeholder there.
export const URL_PRECEDENCE: readonly UrlSourceId[] = ['flag', 'secret', 'setting', 'environment', 'env-file', 'alembic-ini'];

/** Where a URL was found. Never holds the URL. */
export type UrlSource =
  | { kind: 'flag' }
  | { kind: 'secret' }
  | { kind: 'setting'; name?: string }
  | { kind: 'environment'; variable: string }
  | { kind: 'env-file'; file: string; line: number; variable: string }
  | { kind: 'alembic-ini'; file: string };

export interface ResolvedUrl {
  url: string;
  source: UrlSource;
}

/** The sources a front end has; an absent one is skipped. */
export interface UrlSources {
  /** The CLI's --url. */
  flag?: string;
  /** The editor's SecretStorage entry for the folder. */
  secret?: string;
  /** The editor's migrationChain.databaseUrl (migrationChain.directUrl for the direct URL). */
  setting?: string;
  env: NodeJS.ProcessEnv;
  /** The variable in the environment and in `.env` files: DATABASE_URL unless configured. */
  variable?: string;
  /** `.env` files, nearest first (core/dotenv.ts dotenvSearchPath). */
  envFiles?: readonly string[];
  /** The Alembic project's alembic.ini. */
  alembicIni?: string;
  /** Reads a file; undefined when it does not exist. Default: the disk. */
  readFile?: (file: string) => string | undefined;
  /** Errors show files relative to this folder (the CLI's working folder, the workspace folder). */
  shownRelativeTo?: string;
}

export const DEFAULT_URL_VARIABLE = 'DATABASE_URL';

/**
 * The URL of the first source in precedence order that has one; undefined when none has.
 * Throws UnsetUrlReferenceError when the winning value still holds a `${NAME}` (see there).
 */
export function resolveDatabaseUrl(src: UrlSources): ResolvedUrl | undefined {
  const variable = src.variable ?? DEFAULT_URL_VARIABLE;
  const readFile = src.readFile ?? readFileIfPresent;
  const readers: Record<UrlSourceId, () => ResolvedUrl | undefined> = {
    flag: () => found(src.flag, { kind: 'flag' }),
    secret: () => found(src.secret, { kind: 'secret' }),
    setting: () => found(src.setting, src.variable === DIRECT_URL_VARIABLE ? { kind: 'setting', name: 'migrationChain.directUrl' } : { kind: 'setting' }),
    environment: () => found(src.env[variable], { kind: 'environment', variable }),
    'env-file': () => urlFromEnvFiles(src.envFiles ?? [], variable, src.env, readFile, src.shownRelativeTo),
    'alembic-ini': () => {
      if (!src.alembicIni) return undefined;
      const text = readFile(src.alembicIni);
      const url = text === undefined ? undefined : postgresUrlFromSqlalchemy(sqlalchemyUrlOf(text, src.alembicIni));
      return found(url, { kind: 'alembic-ini', file: src.alembicIni });
    },
  };
  for (const id of URL_PRECEDENCE) {
    const resolved = readers[id]();
    if (resolved) {
      rejectUnsetReferences(resolved.url, describeUrlSource(resolved.source, src.shownRelativeTo));
      return resolved;
    }
  }
  return undefined;
}

/** The variable naming a direct (session) URL for runs, as in the environment or .env; like Prisma's `directUrl`. */
export const DIRECT_URL_VARIABLE = 'MIGRATION_CHAIN_DIRECT_URL';

/**
 * The URL that bypasses the pooler, for runs that need one session when the database URL is a
 * pooler's (run/session.ts, db/session-url.ts): the CLI's --direct-url or the editor's
 * migrationChain.directUrl, then $MIGRATION_CHAIN_DIRECT_URL, then MIGRATION_CHAIN_DIRECT_URL in the
 * .env files. Undefined when none is set. One resolver for both front ends.
 */
export function resolveDirectUrl(src: Pick<UrlSources, 'flag' | 'setting' | 'env' | 'envFiles' | 'readFile' | 'shownRelativeTo'>): ResolvedUrl | undefined {
  return resolveDatabaseUrl({ ...src, variable: DIRECT_URL_VARIABLE });
}

/**
 * `variable` from the first of `files` that sets it (non-empty), read as python-dotenv reads it.
 * A `${NAME}` in its line that nothing set is an UnsetUrlReferenceError naming file and line.
 */
export function urlFromEnvFiles(
  files: readonly string[], variable: string, env: NodeJS.ProcessEnv,
  readFile: (file: string) => string | undefined = readFileIfPresent, shownRelativeTo?: string,
): ResolvedUrl | undefined {
  for (const file of files) {
    const text = readFile(file);
    const entry = text === undefined ? undefined : parseDotenv(text, env).get(variable);
    if (!entry || !nonEmptyUrl(entry.value)) continue;
    const source: UrlSource = { kind: 'env-file', file, line: entry.line, variable };
    if (entry.unset.length) throw new UnsetUrlReferenceError(entry.unset, describeUrlSource(source, shownRelativeTo));
    return found(entry.value, source);
  }
  return undefined;
}

/** A `${NAME}` still in a URL (a source that expands nothing, a single-quoted .env value) is named, never sent to the server. */
export function rejectUnsetReferences(url: string, where: string): void {
  const leftover = [...url.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]);
  if (leftover.length) throw new UnsetUrlReferenceError(leftover, where);
}

/**
 * Where the URL came from, for messages and logs, e.g. `DATABASE_URL from backend/.env line 3`.
 * Files are shown relative to `relativeTo` when given. Never the URL.
 */
export function describeUrlSource(source: UrlSource, relativeTo?: string): string {
  const shown = (file: string) => (relativeTo ? path.relative(relativeTo, file) || path.basename(file) : file);
  switch (source.kind) {
    case 'flag': return '--url';
    case 'secret': return 'the stored secret (Set Database URL)';
    case 'setting': return `the setting ${source.name ?? 'migrationChain.databaseUrl'}`;
    case 'environment': return `the environment variable ${source.variable}`;
    case 'env-file': return `${source.variable} from ${shown(source.file)} line ${source.line}`;
    case 'alembic-ini': return `sqlalchemy.url in ${shown(source.file)}`;
  }
}

function found(value: string | undefined, source: UrlSource): ResolvedUrl | undefined {
  const url = nonEmptyUrl(value);
  return url ? { url, source } : undefined;
}

function readFileIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw new MigrationChainError('io', `Cannot read ${file}: ${code ?? (err as Error).message}.`, 'Fix the file\'s permissions, or give the URL another way.');
  }
}

/** The value with surrounding blanks removed, or undefined when nothing is left. */
export function nonEmptyUrl(value: string | undefined): string | undefined {
  const t = value?.trim();
  return t ? t : undefined;
}

/**
 * alembic.ini's sqlalchemy.url as a PostgreSQL URL, driver kept (`postgresql+psycopg2://…`): our own
 * connection drops it (sqlalchemy-url.ts), env.py gets it as written. Anything that is not PostgreSQL
 * (Alembic's template placeholder `driver://user:pass@localhost/dbname`) is no URL for us.
 */
export function postgresUrlFromSqlalchemy(value: string | undefined): string | undefined {
  const url = nonEmptyUrl(value);
  return url && isPostgresUrl(url) ? url : undefined;
}
