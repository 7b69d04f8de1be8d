// What the CLI suites (test/db/cli.test.ts, test/alembic/) share: the CLI run against the test server
// with the password checked absent from both streams, the exit-code assertion that prints the run,
// a one-off query, and the catalog snapshot a build is compared by.
import { strict as assert } from 'node:assert';
import { Client } from 'pg';
import { describeRun, runCli, type CliOptions, type CliResult } from '../reliability/support/cli';
import { assertNoSecret } from '../reliability/support/failure-output';
import { readSchema } from '../../src/core/schema/snapshot';
import { server } from './db-hooks';

/** Runs the CLI and checks the server password appears in neither stream, whatever the outcome. */
export async function cli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const result = await runCli(args, { ...opts, env: { DATABASE_URL: '', MIGRATION_CHAIN_PROTECTED: '', ...opts.env } });
  assertNoSecret(result.stdout + result.stderr, server().password, `migration-chain ${args[0]}`);
  return result;
}

export function expectExit(args: string[], r: CliResult, code: number): void {
  assert.equal(r.code, code, describeRun(args, r));
}

export async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The public schema's catalog snapshot without the bookkeeping tables: what builds of a chain are compared by. */
export async function appSchema(url: string): Promise<Awaited<ReturnType<typeof readSchema>>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await readSchema(client, 'public', { exclude: ['alembic_version', 'migration_chain_log'] });
  } finally {
    await client.end();
  }
}
