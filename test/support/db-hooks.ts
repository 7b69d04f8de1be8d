// Mocha root-hook plugin for the database suite (`--require out/test/support/db-hooks.js`): one
// PostgreSQL server for the whole run, a fresh database per test.
import { startPostgres, type PgServer } from './embedded-postgres';

let current: PgServer | undefined;

export function server(): PgServer {
  if (!current) throw new Error('The test PostgreSQL server is not running: load test/support/db-hooks.js with --require');
  return current;
}

/** A new empty database on the test server; dropped when the run ends with the server. */
export function freshDatabaseUrl(prefix?: string): Promise<string> {
  return server().createDatabase(prefix);
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000);
    const started = Date.now();
    current = await startPostgres();
    if (process.env.MC_TEST_VERBOSE) console.error(`[db-hooks] PostgreSQL on port ${current.port} in ${Date.now() - started} ms`);
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await current?.stop();
    current = undefined;
  },
};
