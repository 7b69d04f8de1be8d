// What the CLI suites (test/db/cli.test.ts, test/alembic/) share: the CLI run against the test server
// with the password checked absent from both streams, the exit-code assertion that prints the run,
// and a one-off query.
import { strict as assert } from 'node:assert';
import { Client } from 'pg';
import { describeRun, runCli, type CliOptions, type CliResult } from '../reliability/support/cli';
import { assertNoSecret } from '../reliability/support/failure-output';
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
