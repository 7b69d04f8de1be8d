// The committed environments file (`migration-chain.environments.json` at the project root): which
// databases a chain runs on, where each one's URL comes from, and the tenant sets. It never holds a
// URL or a password, only the name of the place the URL is read from; a file that does is refused.
// Without the file there is one implicit environment, `default`, resolved the way the front end
// always resolved its database URL.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EnvironmentsConfigError, MigrationChainError } from '../errors';

export const ENVIRONMENTS_FILE = 'migration-chain.environments.json';
const IMPLICIT_ENVIRONMENT = 'default';
export const DEFAULT_FLEET_CONCURRENCY = 4;

/** Where an environment's URL is read from. */
export type UrlSource =
  /** A variable of the process environment. */
  | { from: 'env'; variable: string }
  /** A variable in a dotenv file, relative to the project root. */
  | { from: 'envFile'; file: string; variable: string }
  /** The editor's SecretStorage under the environment's name; the CLI reads `variable` instead. */
  | { from: 'secret'; variable: string }
  /** The implicit environment: the front end's usual resolution (--url, DATABASE_URL, .env, settings). */
  | { from: 'default' };

export type TenantSet =
  /** Databases on the server the URL points at, by name pattern (`*`, `?`) or by a query returning names. */
  | { kind: 'databases'; pattern?: string; query?: string }
  /** Schemas in the URL's database, by name pattern; each has its own alembic_version and search_path. */
  | { kind: 'schemas'; pattern: string };

export interface Environment {
  name: string;
  url: UrlSource;
  /**
   * Where a direct (session) URL for runs comes from, when `url` is a connection pooler's (like
   * Prisma's directUrl): `env upgrade` runs through it, status and diff keep reading through `url`.
   */
  directUrl?: UrlSource;
  protected: boolean;
  description?: string;
  tenants?: TenantSet;
  /** A member name run first; the rest start only if it succeeds. */
  canary?: string;
  concurrency?: number;
  perServerConcurrency?: number;
}

export interface EnvironmentsConfig {
  /** Absent for the implicit environment. */
  file?: string;
  environments: Environment[];
  concurrency: number;
  perServerConcurrency?: number;
}


const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads the environments file of `root`, or the implicit environment when there is none. */
export function loadEnvironments(root: string): EnvironmentsConfig {
  const file = path.join(root, ENVIRONMENTS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return implicitConfig();
    throw new MigrationChainError('io', `Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new EnvironmentsConfigError(file, '$', `not valid JSON (${(err as Error).message}).`);
  }
  return parseEnvironments(json, file);
}

function implicitConfig(): EnvironmentsConfig {
  return {
    environments: [{ name: IMPLICIT_ENVIRONMENT, url: { from: 'default' }, protected: false }],
    concurrency: DEFAULT_FLEET_CONCURRENCY,
  };
}

/** Validates parsed JSON; every error names `file` and the JSON path. */
export function parseEnvironments(json: unknown, file: string): EnvironmentsConfig {
  const fail = (at: string, problem: string, hint?: string): never => { throw new EnvironmentsConfigError(file, at, problem, hint); };
  rejectEmbeddedUrls(json, '$', fail);
  const root = record(json, '$', fail);
  allowKeys(root, '$', ['$schema', 'environments', 'concurrency', 'perServerConcurrency'], fail);
  const envs = record(root.environments, '$.environments', fail);
  const names = Object.keys(envs);
  if (names.length === 0) fail('$.environments', 'names no environment.');
  const environments = names.map((name) => parseEnvironment(name, envs[name], `$.environments.${name}`, fail));
  return {
    file,
    environments,
    concurrency: positiveInt(root.concurrency, '$.concurrency', fail) ?? DEFAULT_FLEET_CONCURRENCY,
    perServerConcurrency: positiveInt(root.perServerConcurrency, '$.perServerConcurrency', fail),
  };
}

type Fail = (at: string, problem: string, hint?: string) => never;

function parseEnvironment(name: string, value: unknown, at: string, fail: Fail): Environment {
  if (!NAME.test(name)) fail(at, `the environment name "${name}" must start with a letter or digit and hold only letters, digits, _ . -.`);
  const env = record(value, at, fail);
  allowKeys(env, at, ['url', 'directUrl', 'protected', 'description', 'tenants', 'canary', 'concurrency', 'perServerConcurrency'], fail);
  if (env.protected !== undefined && typeof env.protected !== 'boolean') fail(`${at}.protected`, 'must be true or false.');
  const tenants = env.tenants === undefined ? undefined : parseTenants(env.tenants, `${at}.tenants`, fail);
  const canary = optionalString(env.canary, `${at}.canary`, fail);
  if (canary !== undefined && !tenants) fail(`${at}.canary`, 'a canary needs a tenant set (tenants).');
  return {
    name,
    url: parseUrlSource(env.url, `${at}.url`, fail),
    ...(env.directUrl !== undefined ? { directUrl: parseUrlSource(env.directUrl, `${at}.directUrl`, fail) } : {}),
    protected: env.protected === true,
    description: optionalString(env.description, `${at}.description`, fail),
    tenants,
    canary,
    concurrency: positiveInt(env.concurrency, `${at}.concurrency`, fail),
    perServerConcurrency: positiveInt(env.perServerConcurrency, `${at}.perServerConcurrency`, fail),
  };
}

function parseUrlSource(value: unknown, at: string, fail: Fail): UrlSource {
  if (value === undefined) fail(at, 'is missing: say where the URL comes from, e.g. { "from": "env", "variable": "STAGING_DATABASE_URL" }.');
  const src = record(value, at, fail);
  const variable = (fallback?: string): string => {
    const v = src.variable ?? fallback;
    if (typeof v !== 'string' || !VARIABLE.test(v)) fail(`${at}.variable`, 'must be an environment variable name (letters, digits, _).');
    return v;
  };
  switch (src.from) {
    case 'env':
      allowKeys(src, at, ['from', 'variable'], fail);
      return { from: 'env', variable: variable() };
    case 'envFile': {
      allowKeys(src, at, ['from', 'file', 'variable'], fail);
      if (typeof src.file !== 'string' || src.file.trim() === '') fail(`${at}.file`, 'must name a dotenv file, relative to the project root.');
      return { from: 'envFile', file: src.file, variable: variable('DATABASE_URL') };
    }
    case 'secret':
      allowKeys(src, at, ['from', 'variable'], fail);
      return { from: 'secret', variable: variable() };
    default:
      return fail(`${at}.from`, 'must be "env", "envFile" or "secret".');
  }
}

function parseTenants(value: unknown, at: string, fail: Fail): TenantSet {
  const t = record(value, at, fail);
  if (t.databases !== undefined && t.schemas !== undefined) fail(at, 'give either "databases" or "schemas", not both.');
  if (t.databases !== undefined) {
    allowKeys(t, at, ['databases'], fail);
    const d = record(t.databases, `${at}.databases`, fail);
    allowKeys(d, `${at}.databases`, ['pattern', 'query'], fail);
    const pattern = optionalString(d.pattern, `${at}.databases.pattern`, fail);
    const query = optionalString(d.query, `${at}.databases.query`, fail);
    if ((pattern === undefined) === (query === undefined)) fail(`${at}.databases`, 'give exactly one of "pattern" or "query".');
    return { kind: 'databases', pattern, query };
  }
  if (t.schemas !== undefined) {
    allowKeys(t, at, ['schemas'], fail);
    const s = record(t.schemas, `${at}.schemas`, fail);
    allowKeys(s, `${at}.schemas`, ['pattern'], fail);
    const pattern = optionalString(s.pattern, `${at}.schemas.pattern`, fail);
    if (pattern === undefined) fail(`${at}.schemas.pattern`, 'is missing: a name pattern such as "tenant_*".');
    return { kind: 'schemas', pattern: pattern };
  }
  return fail(at, 'give "databases" or "schemas".');
}

/** A URL with credentials in a committed file is exactly what this file exists to prevent. */
function rejectEmbeddedUrls(value: unknown, at: string, fail: Fail): void {
  if (typeof value === 'string') {
    if (/postgres(ql)?(\+\w+)?:\/\/|password\s*=/i.test(value)) {
      fail(at, 'holds a database URL or password. Never store one in this committed file.',
        'Name where the URL comes from instead: { "from": "env" | "envFile" | "secret", "variable": "..." }.');
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => rejectEmbeddedUrls(v, `${at}[${i}]`, fail));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) rejectEmbeddedUrls(v, `${at}.${k}`, fail);
  }
}

function record(value: unknown, at: string, fail: Fail): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail(at, 'must be an object.');
  return value as Record<string, unknown>;
}

function allowKeys(value: Record<string, unknown>, at: string, allowed: readonly string[], fail: Fail): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(`${at}.${key}`, `is not a known key (expected one of ${allowed.join(', ')}).`);
  }
}

function optionalString(value: unknown, at: string, fail: Fail): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') fail(at, 'must be a non-empty string.');
  return value;
}

function positiveInt(value: unknown, at: string, fail: Fail): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 256) fail(at, 'must be an integer from 1 to 256.');
  return value;
}

/** The environment named `name`, or a usage error listing the names there are. */
export function findEnvironment(config: EnvironmentsConfig, name: string): Environment {
  const env = config.environments.find((e) => e.name === name);
  if (!env) {
    throw new MigrationChainError('usage', `No environment "${name}"${config.file ? ` in ${config.file}` : ''}.`,
      `Known: ${config.environments.map((e) => e.name).join(', ')}.`);
  }
  return env;
}
