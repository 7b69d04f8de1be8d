// The SQL that turns one database's schema into another's, from @pgkit/migra (a TypeScript port of
// djrobstep's migra; docs/dependencies.md says why). migra inspects both databases through its own
// client (pg-promise over an older pg); we hand it our connected `pg` clients instead, through the
// two query methods its inspector calls, so the connection, its timeouts and the password handling
// stay ours. The package is required on first use only: the editor and most commands never load it.
import type { Client } from 'pg';
import { MigrationChainError } from '../errors';

/** What migra's inspector calls on a connection (@pgkit/client's Queryable, the part it uses). */
interface InspectorQueryable {
  any(query: { sql: string; values?: unknown[] }): Promise<Record<string, unknown>[]>;
  oneFirst(query: { sql: string; values?: unknown[] }): Promise<unknown>;
}

interface MigraModule {
  Migration: {
    create(from: unknown, target: unknown, options: { schema?: string }): Promise<{
      set_safety(on: boolean): void;
      add_all_changes(privileges?: boolean): void;
      statements: { array: string[] };
    }>;
  };
}

function asQueryable(client: Pick<Client, 'query'>): InspectorQueryable {
  return {
    any: async (q) => (await client.query<Record<string, unknown>>(q.sql, q.values ?? [])).rows,
    oneFirst: async (q) => {
      const { rows } = await client.query<Record<string, unknown>>(q.sql, q.values ?? []);
      if (rows.length !== 1) throw new MigrationChainError('sql', `The schema inspector expected one row, got ${rows.length}.`);
      return Object.values(rows[0])[0];
    },
  };
}

let migra: MigraModule | undefined;
function loadMigra(): MigraModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  migra ??= require('@pgkit/migra') as MigraModule;
  return migra;
}

/**
 * The statements that change `from`'s schema `schema` into `target`'s, in migra's order, privileges
 * included. Destructive statements are allowed (migra's "unsafe"): the caller marks them instead.
 */
export async function schemaChanges(from: Pick<Client, 'query'>, target: Pick<Client, 'query'>, schema: string): Promise<string[]> {
  const { Migration } = loadMigra();
  const m = await Migration.create(asQueryable(from), asQueryable(target), { schema });
  m.set_safety(false);
  m.add_all_changes(true);
  return m.statements.array.map(cleanStatement).filter((s) => s !== '' && !isSessionSetting(s));
}

/**
 * migra's statements end with `;` and blank lines, some start indented. Its grants name the
 * pseudo-role as `"PUBLIC"` (quoted: a role literally called PUBLIC, which does not exist); the
 * keyword is unquoted.
 */
function cleanStatement(s: string): string {
  let text = s.trim().replace(/;\s*$/, '').trim();
  text = text.replace(/^(grant .* to |revoke .* from )"PUBLIC"$/is, '$1PUBLIC');
  return text;
}

/**
 * `set check_function_bodies = off` precedes migra's functions so that a body may name objects
 * created later in the script. Our files run statement by statement in order, and a body is only
 * checked against objects that exist then; the generated revision is rehearsed before it is
 * written, so a body that fails shows up there.
 */
function isSessionSetting(s: string): boolean {
  return /^set check_function_bodies\s*=\s*off$/i.test(s);
}
