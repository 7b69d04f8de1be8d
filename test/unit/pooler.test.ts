// What needs no server: the URL hints of a pooler, which migrations need one session (and so are
// refused through a transaction pooler), and the run options of the command line.
import { strict as assert } from 'node:assert';
import { parseSqlMigration } from '../../src/core/chain/parse-sql';
import { poolerHints } from '../../src/core/db/pooler';
import { sessionNeed } from '../../src/core/run/pooler-safety';
import { parseCommandLine } from '../../src/cli/args';
import { UsageError } from '../../src/core/errors';
import { resolveDirectUrl } from '../../src/core/db/database-url';

function migration(upgrade: string, transactional = true) {
  const text = `-- revision: a1b2c3d4e5f6\n${transactional ? '' : '-- transactional: false\n'}\n-- migrate:upgrade\n${upgrade}\n`;
  const parsed = parseSqlMigration('/srv/app/migrations/a1b2c3d4e5f6_x.sql', text);
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('; '));
  return parsed.migration;
}

describe('connection poolers', () => {
  it('knows the poolers\' ports and host names, and nothing else', () => {
    assert.deepEqual(poolerHints({ host: 'db.internal', port: 5432 }), []);
    assert.equal(poolerHints({ host: 'db.internal', port: 6432 }).length, 1);
    assert.equal(poolerHints({ host: 'aws-0-eu-central-1.pooler.supabase.com', port: 6543 }).length, 2);
    assert.equal(poolerHints({ host: 'ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech', port: 5432 }).length, 1);
    assert.deepEqual(poolerHints({ host: 'ep-cool-darkness-123456.us-east-2.aws.neon.tech', port: 5432 }), []);
    assert.equal(poolerHints({ host: 'pgbouncer', port: 5432 }).length, 1);
  });

  it('a transactional migration never needs a session; a non-transactional one only when a statement leaves session state', () => {
    assert.equal(sessionNeed(migration('SET search_path TO x;\nCREATE TABLE t (id int);'), 'up'), undefined);
    assert.equal(sessionNeed(migration('CREATE INDEX CONCURRENTLY i ON t (id);', false), 'up'), undefined);
    assert.equal(sessionNeed(migration('SET LOCAL lock_timeout = 1000;\nCREATE INDEX CONCURRENTLY i ON t (id);', false), 'up'), undefined);
    for (const stateful of ['SET statement_timeout = 0;', 'CREATE TEMP TABLE x (id int);', 'PREPARE p AS SELECT 1;', 'SELECT pg_advisory_lock(42);', 'RESET ALL;']) {
      const need = sessionNeed(migration(`CREATE TABLE t (id int);\n${stateful}\nCREATE INDEX CONCURRENTLY i ON t (id);`, false), 'up');
      assert.match(need ?? '', /a1b2c3d4e5f6 \(.*a1b2c3d4e5f6_x\.sql:6\) is non-transactional/, stateful);
    }
  });

  it('--wait is --lock-timeout by its start-up name; --lock-lease and --direct-url are run options; unlock is a command', () => {
    assert.equal(parseCommandLine(['upgrade', '--wait', '90']).options.lockTimeoutMs, 90_000);
    assert.throws(() => parseCommandLine(['upgrade', '--wait', '9', '--lock-timeout', '9']), UsageError);
    assert.equal(parseCommandLine(['upgrade', '--lock-lease', '12']).options.leaseMs, 12_000);
    assert.throws(() => parseCommandLine(['upgrade', '--lock-lease', '0.5']), /at least 1 second/);
    assert.equal(parseCommandLine(['reset', '--direct-url', 'postgres://u@db:5432/app']).options.directUrl, 'postgres://u@db:5432/app');
    assert.throws(() => parseCommandLine(['status', '--wait', '3']), /does not take --wait/);
    assert.equal(parseCommandLine(['unlock', '--yes', '--confirm-database', 'app']).command, 'unlock');
  });

  it('the direct URL comes from --direct-url, then MIGRATION_CHAIN_DIRECT_URL', () => {
    const envFiles = ['/srv/app/no-such-folder/.env'];
    assert.equal(resolveDirectUrl({ env: {}, envFiles }), undefined);
    assert.equal(resolveDirectUrl({ env: { MIGRATION_CHAIN_DIRECT_URL: 'postgres://e@db/app' }, envFiles })?.url, 'postgres://e@db/app');
    assert.equal(resolveDirectUrl({ flag: 'postgres://f@db/app', env: { MIGRATION_CHAIN_DIRECT_URL: 'postgres://e@db/app' }, envFiles })?.url, 'postgres://f@db/app');
    assert.equal(resolveDirectUrl({ env: { DATABASE_URL: 'postgres://pooled@db/app' }, envFiles }), undefined);
    assert.equal(resolveDirectUrl({ env: {}, envFiles, readFile: () => 'MIGRATION_CHAIN_DIRECT_URL=postgres://d@db/app\n' })?.url, 'postgres://d@db/app');
  });
});

describe('an environment\'s directUrl', () => {
  it('is read like its url, and runs use it while reads keep the url', async () => {
    const { parseEnvironments } = await import('../../src/core/environments/config');
    const { resolveEnvironmentRunUrl, resolveEnvironmentUrl } = await import('../../src/core/environments/resolve-url');
    const config = parseEnvironments({ environments: {
      prod: { url: { from: 'env', variable: 'PROD_POOLED_URL' }, directUrl: { from: 'env', variable: 'PROD_DIRECT_URL' }, protected: true },
      dev: { url: { from: 'env', variable: 'DEV_URL' } },
    } }, '/srv/app/migration-chain.environments.json');
    const [prod, dev] = config.environments;
    const lookup = { root: '/srv/app', env: { PROD_POOLED_URL: 'postgres://a@pooler:6543/app', PROD_DIRECT_URL: 'postgres://a@db:5432/app', DEV_URL: 'postgres://a@localhost/dev' } };
    assert.equal(await resolveEnvironmentUrl(prod, lookup), 'postgres://a@pooler:6543/app');
    assert.equal(await resolveEnvironmentRunUrl(prod, lookup), 'postgres://a@db:5432/app');
    assert.equal(await resolveEnvironmentRunUrl(dev, lookup), 'postgres://a@localhost/dev');
    await assert.rejects(resolveEnvironmentRunUrl(prod, { root: '/srv/app', env: {} }), /No direct URL for environment "prod": the environment variable PROD_DIRECT_URL/);
    assert.throws(() => parseEnvironments({ environments: { x: { url: { from: 'env', variable: 'X' }, directUrl: 'postgres://a:pw@db/app' } } }, '/srv/app/f.json'), /directUrl/);
  });
});
