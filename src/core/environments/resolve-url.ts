// An environment's URL, read from the place its entry names. The URL lives only in memory: callers
// register it with their output filters (secretFormsOf) and never write it anywhere.
import * as path from 'node:path';
import { rejectUnsetReferences, urlFromEnvFiles } from '../db/database-url';
import { MigrationChainError } from '../errors';
import type { Environment, UrlSource } from './config';

export interface UrlLookup {
  /** The project root; envFile paths are relative to it. */
  root: string;
  env: NodeJS.ProcessEnv;
  /** The editor's SecretStorage, keyed by environment name; the CLI leaves it out and reads the variable. */
  secret?: (environment: string) => Promise<string | undefined>;
  /** The front end's usual resolution, for the implicit environment. */
  defaultUrl?: () => Promise<string | undefined> | string | undefined;
}

export async function resolveEnvironmentUrl(environment: Environment, lookup: UrlLookup): Promise<string> {
  const url = await lookupUrl(environment, lookup);
  if (!url?.trim()) {
    throw new MigrationChainError('usage', `No database URL for environment "${environment.name}": ${describeUrlSource(environment.url)} is not set.`,
      hintFor(environment));
  }
  rejectUnsetReferences(url, `the URL of environment "${environment.name}" (${describeUrlSource(environment.url)})`);
  return url.trim();
}

async function lookupUrl(environment: Environment, lookup: UrlLookup): Promise<string | undefined> {
  const src = environment.url;
  switch (src.from) {
    case 'env':
      return lookup.env[src.variable];
    case 'envFile':
      // Read as python-dotenv reads it; a `${NAME}` set nowhere is named with the file and line.
      return urlFromEnvFiles([path.resolve(lookup.root, src.file)], src.variable, lookup.env, undefined, lookup.root)?.url;
    case 'secret':
      return (lookup.secret ? await lookup.secret(environment.name) : undefined) ?? lookup.env[src.variable];
    case 'default':
      return await lookup.defaultUrl?.();
  }
}

/** Where the URL comes from, for messages (never the URL). */
export function describeUrlSource(src: UrlSource): string {
  switch (src.from) {
    case 'env': return `the environment variable ${src.variable}`;
    case 'envFile': return `${src.variable} in ${src.file}`;
    case 'secret': return `the stored secret (editor) or ${src.variable} (CLI)`;
    case 'default': return 'the default database URL (--url, DATABASE_URL, .env)';
  }
}

function hintFor(environment: Environment): string {
  const src = environment.url;
  switch (src.from) {
    case 'env': return `Export ${src.variable}=postgres://…`;
    case 'envFile': return `Add ${src.variable}=postgres://… to ${src.file} (keep that file out of version control).`;
    case 'secret': return `In the editor, store it with "Set Environment URL"; for the CLI export ${src.variable}.`;
    case 'default': return 'Pass --url, export DATABASE_URL, or add DATABASE_URL to .env.';
  }
}
