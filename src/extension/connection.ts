// Which database a workspace folder talks to, in the engine's one order (core/db/url-precedence.ts):
// SecretStorage, the `migrationChain.databaseUrl` setting, the process environment, then the `.env`
// file of the Alembic project's folder (backend/.env) before the workspace folder's, then the
// project's alembic.ini sqlalchemy.url when it is a PostgreSQL URL.
// No `vscode` here: the caller passes the sources. The result names its source for the output
// channel; the URL itself is only ever handed to the engine.
import * as path from 'path';
import { parse as parseDotenv } from 'dotenv';
import { inUrlPrecedence, nonEmptyUrl, postgresUrlFromSqlalchemy, sqlalchemyUrlOf, type UrlSourceId } from './core';

export type ConnectionSource = 'secret' | 'setting' | 'env-file' | 'environment' | 'alembic-ini';

export interface ResolvedUrl {
  url: string;
  source: ConnectionSource;
  /** Human-readable origin, e.g. `.env (DATABASE_URL)`. Never contains the URL. */
  label: string;
}

export interface ConnectionSources {
  /** The folder's SecretStorage entry. */
  secret(): Promise<string | undefined>;
  setting: string | undefined;
  folderPath: string;
  /** An Alembic project's folder inside the workspace folder (backend/): its env file is read first. */
  projectPath?: string;
  /** The Alembic project's alembic.ini: its sqlalchemy.url is the last source. */
  alembicIni?: string;
  envFile: string;
  envVariable: string;
  env: NodeJS.ProcessEnv;
  /** Resolves to undefined when the file does not exist. */
  readFile(file: string): Promise<string | undefined>;
}

export async function resolveDatabaseUrl(src: ConnectionSources): Promise<ResolvedUrl | undefined> {
  const bases = src.projectPath && path.resolve(src.projectPath) !== path.resolve(src.folderPath) ? [src.projectPath, src.folderPath] : [src.folderPath];
  const sources: Partial<Record<UrlSourceId, () => Promise<ResolvedUrl | undefined>>> = {
    secret: async () => found(await src.secret(), 'secret', 'stored secret (Set Database URL)'),
    setting: () => Promise.resolve(found(src.setting, 'setting', 'setting migrationChain.databaseUrl')),
    environment: () => Promise.resolve(found(src.env[src.envVariable], 'environment', `environment variable ${src.envVariable}`)),
    'env-file': async () => {
      for (const base of bases) {
        const envPath = path.resolve(base, src.envFile);
        const text = await src.readFile(envPath);
        const shown = path.relative(src.folderPath, envPath) || src.envFile;
        const resolved = text === undefined ? undefined : found(parseDotenv(text)[src.envVariable], 'env-file', `${shown} (${src.envVariable})`);
        if (resolved) return resolved;
      }
      return undefined;
    },
    'alembic-ini': async () => {
      if (!src.alembicIni) return undefined;
      const text = await src.readFile(src.alembicIni);
      const url = text === undefined ? undefined : postgresUrlFromSqlalchemy(sqlalchemyUrlOf(text, src.alembicIni));
      return found(url, 'alembic-ini', `${path.relative(src.folderPath, src.alembicIni) || 'alembic.ini'} (sqlalchemy.url)`);
    },
  };
  for (const [, read] of inUrlPrecedence(sources)) {
    const resolved = await read();
    if (resolved) return resolved;
  }
  return undefined;
}

function found(value: string | undefined, source: ConnectionSource, label: string): ResolvedUrl | undefined {
  const url = nonEmptyUrl(value);
  return url ? { url, source, label } : undefined;
}

/** SecretStorage is global to the extension; one entry per workspace folder keeps multi-root apart. */
export function secretKey(folderUri: string): string {
  return `migrationChain.databaseUrl:${folderUri}`;
}
