// An environment expanded into the databases (or schemas) a run touches. A plain environment is one
// target; a tenant set lists its members from the server each time (tenants come and go).
import { globMatches } from '../db/protected';
import { describeTarget, parseDatabaseUrl, withConnection, type DatabaseTarget } from '../db/client';
import { urlForDatabase } from '../db/scratch-database';
import { MigrationChainError } from '../errors';
import type { Environment } from './config';

export interface FleetTarget {
  /** The member's name: the environment's for a plain one, else the database or schema name. Unique in its environment. */
  id: string;
  environment: string;
  /** In memory only: never logged, never written to a run record. */
  url: string;
  /** The masked URL (plus the schema) for people. */
  display: string;
  /** `host:port`, the key of the per-server concurrency cap. */
  server: string;
  /** Schema-per-tenant: the schema holding this tenant's alembic_version, and its search_path. */
  schema?: string;
}

const APPLICATION_NAME = 'migration-chain (environments)';

export async function expandTargets(environment: Environment, url: string): Promise<FleetTarget[]> {
  const base = parseDatabaseUrl(url);
  const server = `${base.host}:${base.port}`;
  const one = (id: string, memberUrl: string, target: DatabaseTarget, schema?: string): FleetTarget => ({
    id, environment: environment.name, url: memberUrl, server, schema,
    display: schema ? `${target.display} (schema ${schema})` : target.display,
  });
  const set = environment.tenants;
  if (!set) return [one(environment.name, url, base)];
  const names = await withConnection(url, { applicationName: APPLICATION_NAME }, async (client) => {
    if (set.kind === 'schemas') {
      const { rows } = await client.query<{ name: string }>(
        `SELECT nspname AS name FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`);
      return rows.map((r) => r.name).filter((n) => globMatches(set.pattern, n));
    }
    if (set.query !== undefined) {
      const { rows } = await client.query<Record<string, unknown>>(set.query).catch((err: unknown) => {
        throw new MigrationChainError('usage', `The tenant query of environment "${environment.name}" failed on ${describeTarget(base)}: ${(err as Error).message}`,
          'The query must return the tenant database names in its first column.');
      });
      return rows.map((r) => {
        const first = Object.values(r)[0];
        if (typeof first !== 'string') {
          throw new MigrationChainError('usage', `The tenant query of environment "${environment.name}" returned a non-text value.`,
            'Return database names (text) in the first column.');
        }
        return first;
      });
    }
    const { rows } = await client.query<{ name: string }>(
      'SELECT datname AS name FROM pg_database WHERE datallowconn AND NOT datistemplate');
    return rows.map((r) => r.name).filter((n) => globMatches(set.pattern ?? '*', n));
  });
  const unique = [...new Set(names)].sort(naturalCompare);
  if (set.kind === 'schemas') return unique.map((schema) => one(schema, url, base, schema));
  return unique.map((database) => {
    const memberUrl = urlForDatabase(url, database);
    return one(database, memberUrl, parseDatabaseUrl(memberUrl));
  });
}

/** tenant_2 before tenant_10. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
