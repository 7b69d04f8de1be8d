// How the database URL reaches a project's env.py: through every channel a documented env.py reads,
// so that a well-written project needs no change (docs/alembic-env-py.md lists them).
//   - the configured variable (DATABASE_URL unless migrationChain.envVariable says otherwise), the
//     URL exactly as given: a SQLAlchemy driver (`postgresql+asyncpg://`) is kept for env.py;
//   - POSTGRES_SERVER / POSTGRES_HOST / POSTGRES_PORT / POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB,
//     which settings classes that compose their URL read (FastAPI's full-stack template; an
//     environment variable wins over .env in pydantic-settings);
//   - `-x dbname=URL`, the key of Alembic's own get_x_argument example — WITHOUT the password,
//     because a command line is visible to every local user in `ps`; the password goes in
//     PGPASSWORD, which libpq (psycopg2, psycopg) and asyncpg read when the URL has none.
// Whatever env.py does, the connection guard (connect-guard.ts) proves where it connected.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { iniValue, parseIni } from '../../chain/alembic-ini';
import { parseDatabaseUrl, splitPassword } from '../../db/client';
import { withSchemeOf } from '../../db/sqlalchemy-url';
import type { AlembicProject } from '../read/project';

/** The environment additions for env.py: the URL under its variable, its parts, and PGPASSWORD. */
export function urlChannels(url: string, envVariable: string): Record<string, string> {
  const target = parseDatabaseUrl(url);
  const { password } = splitPassword(url);
  const env: Record<string, string> = {
    [envVariable]: url.trim(),
    POSTGRES_PORT: String(target.port),
    POSTGRES_USER: target.user,
    POSTGRES_DB: target.database,
  };
  // A Unix socket folder is no host name for a composed `user:pass@HOST:port` URL.
  if (!target.host.startsWith('/')) { env.POSTGRES_SERVER = target.host; env.POSTGRES_HOST = target.host; }
  if (password !== undefined) { env.POSTGRES_PASSWORD = password; env.PGPASSWORD = password; }
  return env;
}

/** `-x dbname=URL` with the password taken out (it travels in PGPASSWORD) and the scheme, driver included, kept. */
export function xUrlArguments(url: string): string[] {
  return ['-x', `dbname=${withSchemeOf(splitPassword(url).url, url)}`];
}

// Flask-Migrate's `-x` exists on these verbs only (flask_migrate/cli.py).
const FLASK_X_VERBS = new Set(['upgrade', 'downgrade', 'migrate']);

/**
 * The arguments after the project's command for one Alembic verb (`args[0]`): `-c alembic.ini` and
 * the URL's `-x` before the verb for Alembic; for Flask-Migrate (`flask db VERB`) the verb first, then
 * `-d` and, where the verb takes it, `-x`.
 */
export function alembicArguments(project: AlembicProject, url: string | undefined, args: readonly string[]): string[] {
  const x = url ? xUrlArguments(url) : [];
  if (!project.flaskMigrate) return ['-c', project.iniFile, ...x, ...args];
  const [verb, ...rest] = args;
  // click reads `-1` (a relative revision) as an option: options first, then `--` and the revisions.
  const options: string[] = [];
  const revisions: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '-m' || rest[i] === '--message') options.push(rest[i], rest[++i]);
    else if (rest[i].startsWith('--')) options.push(rest[i]);
    else revisions.push(rest[i]);
  }
  return [verb, '-d', project.flaskMigrate.directory, ...(FLASK_X_VERBS.has(verb) ? x : []), ...options, ...(revisions.length ? ['--', ...revisions] : [])];
}

/** The text of the project's env.py (script_location of alembic.ini), for the hint of a refusal; undefined when unreadable. */
export function envPyText(project: AlembicProject): string | undefined {
  try {
    if (project.flaskMigrate) return readFileSync(path.join(project.flaskMigrate.directory, 'env.py'), 'utf8');
    const ini = parseIni(readFileSync(project.iniFile, 'utf8'));
    const location = iniValue(ini, 'alembic', 'script_location', { here: project.dir });
    if (!location || (location.includes(':') && !path.isAbsolute(location) && !/^[A-Za-z]:[\\/]/.test(location))) return undefined;
    return readFileSync(path.join(path.resolve(project.dir, location), 'env.py'), 'utf8');
  } catch {
    return undefined;
  }
}
