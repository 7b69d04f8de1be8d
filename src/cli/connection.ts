// Where the database URL comes from, in the engine's one order (core/db/url-precedence.ts): --url,
// then $DATABASE_URL, then DATABASE_URL in ./.env, then sqlalchemy.url of the Alembic project's
// alembic.ini (--config, else ./alembic.ini). The source is reported (for --debug), the URL itself never is.
import * as path from 'node:path';
import { readSqlalchemyUrlSync, inUrlPrecedence, nonEmptyUrl, postgresUrlFromSqlalchemy, readDotenvFile, type UrlSourceId } from './core';
import { UsageError } from './args';

export type UrlSource = { kind: 'flag' } | { kind: 'env' } | { kind: 'dotenv'; file: string } | { kind: 'alembic-ini'; file: string };

export interface ResolvedUrl {
  url: string;
  source: UrlSource;
}

export interface UrlInputs {
  flag?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The Alembic project's alembic.ini (--config), else ./alembic.ini when there is one. */
  alembicIni?: string;
}

export function resolveDatabaseUrl({ flag, env, cwd, alembicIni }: UrlInputs): ResolvedUrl | undefined {
  if (flag !== undefined && !flag.trim()) throw new UsageError('--url is empty.', 'Pass a URL like postgres://user@localhost:5432/app.');
  const file = path.join(cwd, '.env');
  const sources: Partial<Record<UrlSourceId, () => ResolvedUrl | undefined>> = {
    flag: () => (flag !== undefined ? { url: flag, source: { kind: 'flag' } } : undefined),
    environment: () => (nonEmptyUrl(env.DATABASE_URL) ? { url: env.DATABASE_URL as string, source: { kind: 'env' } } : undefined),
    'env-file': () => {
      const fromFile = readDotenv(file).DATABASE_URL;
      return nonEmptyUrl(fromFile) ? { url: fromFile, source: { kind: 'dotenv', file } } : undefined;
    },
    'alembic-ini': () => {
      const ini = path.resolve(cwd, alembicIni ?? 'alembic.ini');
      const url = postgresUrlFromSqlalchemy(readSqlalchemyUrlSync(ini));
      return url ? { url, source: { kind: 'alembic-ini', file: ini } } : undefined;
    },
  };
  for (const [, read] of inUrlPrecedence(sources)) {
    const found = read();
    if (found) return found;
  }
  return undefined;
}

export function requireDatabaseUrl(inputs: UrlInputs): ResolvedUrl {
  const resolved = resolveDatabaseUrl(inputs);
  if (!resolved) {
    throw new UsageError(
      'No database URL: --url is not given, DATABASE_URL is not set, ./.env does not define it and alembic.ini sets no postgresql sqlalchemy.url.',
      'Pass --url postgres://user@host:5432/db, export DATABASE_URL, or add DATABASE_URL=... to .env.',
    );
  }
  return resolved;
}

export function describeSource(source: UrlSource): string {
  switch (source.kind) {
    case 'flag': return '--url';
    case 'env': return 'the DATABASE_URL environment variable';
    case 'dotenv': return `DATABASE_URL in ${source.file}`;
    case 'alembic-ini': return `sqlalchemy.url in ${source.file}`;
  }
}

function readDotenv(file: string): Record<string, string> {
  try {
    return readDotenvFile(file);
  } catch (err) {
    throw new UsageError(`Cannot read ${file}: ${(err as Error).message}`, 'Fix the file\'s permissions or pass --url.');
  }
}

/** The variable naming a direct (session) URL for runs, as in the environment or ./.env; like Prisma's `directUrl`. */
export const DIRECT_URL_VARIABLE = 'MIGRATION_CHAIN_DIRECT_URL';

/**
 * The URL runs use when the database URL is a pooler's: --direct-url, then $MIGRATION_CHAIN_DIRECT_URL,
 * then MIGRATION_CHAIN_DIRECT_URL in ./.env. Undefined when none is set (runs use the database URL).
 */
export function resolveDirectUrl({ flag, env, cwd }: { flag?: string; env: NodeJS.ProcessEnv; cwd: string }): ResolvedUrl | undefined {
  if (flag !== undefined) {
    if (!flag.trim()) throw new UsageError('--direct-url is empty.', 'Pass the session URL of the database, e.g. postgres://user@db-host:5432/app.');
    return { url: flag, source: { kind: 'flag' } };
  }
  if (nonEmptyUrl(env[DIRECT_URL_VARIABLE])) return { url: env[DIRECT_URL_VARIABLE] as string, source: { kind: 'env' } };
  const file = path.join(cwd, '.env');
  const fromFile = readDotenv(file)[DIRECT_URL_VARIABLE];
  return nonEmptyUrl(fromFile) ? { url: fromFile, source: { kind: 'dotenv', file } } : undefined;
}
