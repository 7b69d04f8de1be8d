// Fleet upgrades of an Alembic project through `migration-chain env upgrade`, with real Alembic
// (Debian's python3-alembic) on a copy of examples/alembic-backend/ and a few tenant databases:
// each member runs the project's own Alembic, with the canary, the failure policy and --resume.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freshDatabaseUrl } from '../support/db-hooks';
import { cli as checkedCli, expectExit, query } from '../support/cli-checks';
import { alembicPython } from '../support/alembic';
import { REPO_ROOT, type CliOptions, type CliResult } from '../reliability/support/cli';
import type { RunRecord } from '../../src/core/environments';

const BACKEND = path.join(REPO_ROOT, 'examples', 'alembic-backend', 'backend');
const HEAD = '556b79de2825';
const APP_TABLES = ['discovery_queries', 'email_logs', 'jobs', 'prospects', 'settings'];

const cli = (args: string[], opts: CliOptions = {}): Promise<CliResult> => checkedCli(args, { timeoutMs: 240_000, ...opts });

const versions = async (url: string) => {
  const t = await query<{ t: string | null }>(url, "SELECT to_regclass('public.alembic_version')::text AS t");
  return t[0].t ? (await query<{ version_num: string }>(url, 'SELECT version_num FROM alembic_version ORDER BY 1')).map((r) => r.version_num) : [];
};
const tables = async (url: string) =>
  (await query<{ tablename: string }>(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).map((r) => r.tablename);

describe('Alembic project fleets through `env upgrade` (real Alembic)', function () {
  this.timeout(300_000);
  let project: string;
  let server: string;
  let tenants: string[];
  let prefix: string;

  before(() => { alembicPython(); });
  beforeEach(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-alembic-fleet-'));
    fs.cpSync(BACKEND, path.join(dir, 'backend'), { recursive: true, filter: (src) => !src.includes('__pycache__') });
    project = path.join(dir, 'backend');
    prefix = `alfleet${randomBytes(3).toString('hex')}`;
    server = await freshDatabaseUrl(`${prefix}admin`);
    tenants = [];
    for (let i = 0; i < 4; i++) tenants.push(await freshDatabaseUrl(`${prefix}_t`));
    fs.writeFileSync(path.join(project, 'migration-chain.environments.json'), JSON.stringify({
      environments: {
        tenants: { url: { from: 'env', variable: 'MC_FLEET_SERVER_URL' }, tenants: { databases: { pattern: `${prefix}_t_*` } } },
        schemas: { url: { from: 'env', variable: 'MC_FLEET_SERVER_URL' }, tenants: { schemas: { pattern: 'public' } } },
      },
    }));
  });
  afterEach(() => { fs.rmSync(path.dirname(project), { recursive: true, force: true }); });

  const run = (args: string[]) => cli(['env', ...args], { cwd: project, env: { MC_FLEET_SERVER_URL: server } });
  const nameOf = (url: string) => new URL(url).pathname.slice(1);

  it('upgrades every tenant through the project\'s Alembic, the canary first, and reports each', async () => {
    // One tenant already part-way, by Alembic itself.
    expectExit(['upgrade'], await cli(['upgrade', '4b9608290b5d'], { cwd: project, env: { DATABASE_URL: tenants[2] } }), 0);
    const args = ['upgrade', 'tenants', '--concurrency', '2', '--json'];
    const r = await run(args);
    expectExit(args, r, 0);
    const record = JSON.parse(r.stdout) as RunRecord;
    assert.equal(record.state, 'completed');
    assert.equal(record.options.canary, nameOf(tenants[0]));
    assert.equal(record.options.concurrency, 2);
    assert.deepEqual(record.targets.map((t) => t.state), ['done', 'done', 'done', 'done']);
    assert.deepEqual(record.targets[2].from, ['4b9608290b5d']);
    assert.deepEqual(record.targets[2].applied, ['add_discovery_query', HEAD]);
    // Alembic's own output, per member: it is Alembic that ran, not the native runner.
    for (const t of tenants) {
      assert.match(r.stderr, new RegExp(`\\[${nameOf(t)}\\] .*Running upgrade add_discovery_query -> ${HEAD}`), `Alembic ran on ${nameOf(t)}`);
      assert.deepEqual(await versions(t), [HEAD]);
      // Migration Chain's audit log may sit beside Alembic's table (what a member's run records varies); the app's tables are exact.
      assert.deepEqual((await tables(t)).filter((x) => x !== 'migration_chain_log'), ['alembic_version', ...APP_TABLES]);
    }
    // The canary finished before any other member started.
    const canary = record.targets.find((t) => t.canary)!;
    for (const t of record.targets.filter((x) => !x.canary)) assert.ok(t.startedAt! >= canary.finishedAt!, `${t.id} started after the canary`);

    const again = await run(args);
    expectExit(args, again, 0);
    assert.ok((JSON.parse(again.stdout) as RunRecord).targets.every((t) => t.applied?.length === 0), 'a second run applies nothing');
  });

  it('a failing tenant stops the fleet (policy stop) and is named; --resume after the fix finishes, nothing applied twice', async () => {
    // tenants[1] already has a table the first revision creates: Alembic fails there.
    await query(tenants[1], 'CREATE TABLE settings (id int)');
    const args = ['upgrade', 'tenants', '--concurrency', '1'];
    const r = await run(args);
    expectExit(args, r, 11);
    assert.match(r.stdout, new RegExp(`FAILED ${nameOf(tenants[1])}: `));
    assert.match(r.stdout, /--resume` continues it/);
    assert.deepEqual(await versions(tenants[0]), [HEAD], 'the canary finished');
    assert.deepEqual(await versions(tenants[1]), [], 'the failing tenant rolled back to base: Alembic ran its migrations in one transaction');
    assert.deepEqual(await versions(tenants[2]), [], 'nothing started after the failure');
    assert.deepEqual(await versions(tenants[3]), []);

    await query(tenants[1], 'DROP TABLE settings');
    const resumed = await run(['upgrade', 'tenants', '--resume', '--json']);
    expectExit(['upgrade', 'tenants', '--resume'], resumed, 0);
    const record = JSON.parse(resumed.stdout) as RunRecord;
    assert.equal(record.state, 'completed');
    assert.equal(record.resumedAt?.length, 1);
    const canary = record.targets.find((t) => t.id === nameOf(tenants[0]))!;
    assert.ok(canary.finishedAt! < record.resumedAt![0], 'the canary keeps its first run');
    assert.doesNotMatch(resumed.stderr, new RegExp(`\\[${nameOf(tenants[0])}\\]`), 'Alembic did not run on the finished canary again');
    assert.match(resumed.stderr, new RegExp(`\\[${nameOf(tenants[1])}\\] .*Running upgrade  -> 000000000000`), 'the failed tenant ran from base');
    for (const t of tenants) assert.deepEqual(await versions(t), [HEAD], nameOf(t));
  });

  it('refuses a schema-per-tenant set for an Alembic project before touching anything', async () => {
    const args = ['upgrade', 'schemas'];
    const r = await run(args);
    expectExit(args, r, 2);
    assert.match(r.stderr, /schema-per-tenant set; an Alembic project's env\.py decides its version table schema/);
    assert.deepEqual(await versions(server), []);
  });
});
