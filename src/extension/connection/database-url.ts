// Which database a workspace folder talks to: the editor's sources handed to the engine's one
// resolver (core/db/database-url.ts): SecretStorage, the `migrationChain.databaseUrl` setting, the
// process environment, then the `.env` files from the Alembic project's folder (backend/.env) up to
// the workspace folder, then the project's alembic.ini sqlalchemy.url when it is a PostgreSQL URL.
// No `vscode` here: the caller passes the sources. The result names its source for the output
// channel; the URL itself is only ever handed to the engine.
import * as path from 'path';
import { describeUrlSource, dotenvSearchPath, resolveDatabaseUrl as resolveInCore, resolveDirectUrl as resolveDirectInCore, type ResolvedUrl as CoreResolvedUrl, type UrlSource } from '../core';

export type { UrlSource };

export interface ResolvedUrl extends CoreResolvedUrl {
  /** Human-readable origin, e.g. `DATABASE_URL from backend/.env line 3`. Never contains the URL. */
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
  /** Undefined when the file does not exist. */
  readFile: (file: string) => string | undefined;
}

export async function resolveDatabaseUrl(src: ConnectionSources): Promise<ResolvedUrl | undefined> {
  const secret = await src.secret();
  const inside = src.projectPath && !path.relative(src.folderPath, src.projectPath).startsWith('..') ? src.projectPath : src.folderPath;
  const resolved = resolveInCore({
    secret,
    setting: src.setting,
    env: src.env,
    variable: src.envVariable,
    envFiles: dotenvSearchPath(inside, src.envFile, src.folderPath),
    alembicIni: src.alembicIni,
    readFile: src.readFile,
    shownRelativeTo: src.folderPath,
  });
  return resolved && { ...resolved, label: describeUrlSource(resolved.source, src.folderPath) };
}

/**
 * The direct (session) URL for runs that need one when the database URL is pooled: the setting
 * migrationChain.directUrl, then MIGRATION_CHAIN_DIRECT_URL in the environment and the same `.env`
 * files, through the engine's one resolver (the CLI's --direct-url comes first there).
 */
export function resolveDirectUrl(src: Omit<ConnectionSources, 'secret' | 'setting' | 'alembicIni' | 'envVariable'> & { setting: string | undefined }): ResolvedUrl | undefined {
  const inside = src.projectPath && !path.relative(src.folderPath, src.projectPath).startsWith('..') ? src.projectPath : src.folderPath;
  const resolved = resolveDirectInCore({
    setting: src.setting,
    env: src.env,
    envFiles: dotenvSearchPath(inside, src.envFile, src.folderPath),
    readFile: src.readFile,
    shownRelativeTo: src.folderPath,
  });
  return resolved && { ...resolved, label: describeUrlSource(resolved.source, src.folderPath) };
}

/** SecretStorage is global to the extension; one entry per workspace folder keeps multi-root apart. */
export function secretKey(folderUri: string): string {
  return `migrationChain.databaseUrl:${folderUri}`;
}
