// The one order in which the CLI and the editor look for the database URL. What the person named
// for this tool comes first (the CLI's --url; the editor's stored secret, then its setting), then
// the process environment, then the `.env` file: a variable already set in the environment wins
// over the file, which is dotenv's own rule and what Alembic's env.py scripts, Prisma and most
// twelve-factor tools do. Each side has only some of these sources; it reads them in this order,
// lazily, and stops at the first non-empty value. README "Which database" documents it.
import { isPostgresUrl } from './sqlalchemy-url';
import { readFileSync } from 'node:fs';

export type UrlSourceId = 'flag' | 'secret' | 'setting' | 'environment' | 'env-file' | 'alembic-ini';

// alembic.ini's sqlalchemy.url comes last: env.py scripts usually override it from the environment,
// and Alembic's own template leaves a placeholder there.
export const URL_PRECEDENCE: readonly UrlSourceId[] = ['flag', 'secret', 'setting', 'environment', 'env-file', 'alembic-ini'];

/** The given readers, in precedence order (sources a side does not have are simply absent). */
export function inUrlPrecedence<R>(readers: Partial<Record<UrlSourceId, R>>): [UrlSourceId, R][] {
  const out: [UrlSourceId, R][] = [];
  for (const id of URL_PRECEDENCE) {
    const reader = readers[id];
    if (reader !== undefined) out.push([id, reader]);
  }
  return out;
}

/** The value with surrounding blanks removed, or undefined when nothing is left. */
export function nonEmptyUrl(value: string | undefined): string | undefined {
  const t = value?.trim();
  return t ? t : undefined;
}

/**
 * The variables of a dotenv-style file (the CLI's `.env`, an environment's `envFile`); `{}` when the
 * file does not exist. Any other read error is thrown as it is, for the caller to word.
 */
export function readDotenvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  // Required here rather than at the top: most runs never look at a dotenv file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- dotenv is required only when a file is read
  const { parse } = require('dotenv') as typeof import('dotenv');
  return parse(text);
}

/**
 * alembic.ini's sqlalchemy.url as a PostgreSQL URL, driver kept (`postgresql+psycopg2://…`): our own
 * connection drops it (sqlalchemy-url.ts), env.py gets it as written. Anything that is not PostgreSQL
 * (Alembic's template placeholder `driver://user:pass@localhost/dbname`) is no URL for us.
 */
export function postgresUrlFromSqlalchemy(value: string | undefined): string | undefined {
  const url = nonEmptyUrl(value);
  return url && isPostgresUrl(url) ? url.trim() : undefined;
}
