// Which database a workspace folder talks to, in the documented order: SecretStorage, the
// `migrationChain.databaseUrl` setting, the `.env` file of the Alembic project's folder (backend/.env),
// then of the workspace folder, the process environment.
// No `vscode` here: the caller passes the sources. The result names its source for the output
// channel; the URL itself is only ever handed to the engine.
import * as path from 'path';
import { parse as parseDotenv } from 'dotenv';

export type ConnectionSource = 'secret' | 'setting' | 'env-file' | 'environment';

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
  envFile: string;
  envVariable: string;
  env: NodeJS.ProcessEnv;
  /** Resolves to undefined when the file does not exist. */
  readFile(file: string): Promise<string | undefined>;
}

export async function resolveDatabaseUrl(src: ConnectionSources): Promise<ResolvedUrl | undefined> {
  const secret = nonEmpty(await src.secret());
  if (secret) return { url: secret, source: 'secret', label: 'stored secret (Set Database URL)' };

  const setting = nonEmpty(src.setting);
  if (setting) return { url: setting, source: 'setting', label: 'setting migrationChain.databaseUrl' };

  const bases = src.projectPath && path.resolve(src.projectPath) !== path.resolve(src.folderPath) ? [src.projectPath, src.folderPath] : [src.folderPath];
  for (const base of bases) {
    const envPath = path.resolve(base, src.envFile);
    const text = await src.readFile(envPath);
    if (text === undefined) continue;
    const fromFile = nonEmpty(parseDotenv(text)[src.envVariable]);
    const shown = path.relative(src.folderPath, envPath) || src.envFile;
    if (fromFile) return { url: fromFile, source: 'env-file', label: `${shown} (${src.envVariable})` };
  }

  const fromEnv = nonEmpty(src.env[src.envVariable]);
  if (fromEnv) return { url: fromEnv, source: 'environment', label: `environment variable ${src.envVariable}` };
  return undefined;
}

/** SecretStorage is global to the extension; one entry per workspace folder keeps multi-root apart. */
export function secretKey(folderUri: string): string {
  return `migrationChain.databaseUrl:${folderUri}`;
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}
