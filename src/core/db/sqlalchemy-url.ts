// Database URLs as Python projects write them. SQLAlchemy names the driver in the scheme
// (`postgresql+asyncpg://`, `postgresql+psycopg://`, `postgresql+psycopg2://`; some projects keep
// Heroku's `postgres://`), and an async FastAPI app's DATABASE_URL is usually the asyncpg form. Our own
// connection (`pg`) speaks the protocol itself, so the driver part means nothing to it and is dropped;
// an Alembic project's env.py gets the URL exactly as it was given, driver kept, and a scratch
// database's URL keeps the scheme of the URL it was derived from.

/** `postgres` or `postgresql`, optionally `+driver`, then `://` (case-insensitive, as SQLAlchemy reads it). */
const SCHEME = /^(postgres(?:ql)?)(?:\+([A-Za-z0-9_]+))?:\/\//i;

export interface UrlScheme {
  /** `postgres` or `postgresql`, as written. */
  dialect: string;
  /** The SQLAlchemy driver (`asyncpg`, `psycopg`, `psycopg2`, …), when the URL names one. */
  driver?: string;
}

/** The scheme of a PostgreSQL URL, or undefined when it is not one (with or without a driver). */
export function urlScheme(url: string): UrlScheme | undefined {
  const m = SCHEME.exec(url.trim());
  if (!m) return undefined;
  return m[2] ? { dialect: m[1], driver: m[2] } : { dialect: m[1] };
}

/** True for `postgres://`, `postgresql://` and either with a `+driver`. */
export function isPostgresUrl(url: string): boolean {
  return urlScheme(url) !== undefined;
}

/** The URL our own connection uses: the driver part dropped (`postgresql+asyncpg://…` → `postgresql://…`); others unchanged. */
export function withoutDriver(url: string): string {
  const trimmed = url.trim();
  const m = SCHEME.exec(trimmed);
  return m && m[2] ? `${m[1]}://${trimmed.slice(m[0].length)}` : trimmed;
}

/** `url` with the scheme of `like` (its driver included): a URL derived from the target keeps the target's form. */
export function withSchemeOf(url: string, like: string): string {
  const from = SCHEME.exec(like.trim());
  const to = SCHEME.exec(url.trim());
  if (!from || !to) return url;
  return `${from[0]}${url.trim().slice(to[0].length)}`;
}
