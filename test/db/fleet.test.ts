// Environments and tenant fleets on the one test server: status of every member, fleet upgrades
// (database-per-tenant and schema-per-tenant), a failing tenant under both failure policies, an
// unreachable member, two fleet runs at once, kill -9 mid-fleet then --resume, and a canary password
// that must appear nowhere. Counts: FLEET_DATABASES (default 20) and FLEET_SCHEMAS (default 10);
// `npm run test:fleet` runs the full 200 / 50.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { acceptChecksum, bookkeeping, getStatus, withConnection, type Chain } from '../../src/core';
import {
  expandTargets, fleetStatus, loadEnvironments, parseEnvironments, readRunRecord, runRecordPath, upgradeFleet,
  EnvironmentsConfigError, type Environment,
} from '../../src/core/environments';
import { server } from '../support/db-hooks';
import { loadClean, memoryLogger, sql, sqlMigration, writeChainDir } from '../support/chains';
import { runCli, startCli } from '../reliability/support/cli';

const DATABASES = Number(process.env.FLEET_DATABASES ?? 20);
const SCHEMAS = Number(process.env.FLEET_SCHEMAS ?? 10);
const REVISIONS = ['f1', 'f2', 'f3'];

/** Three migrations; each records itself in side_effects, so a migration applied twice shows as two rows. */
function fleetChainDir(sleepSeconds = 0): string {
  const sleep = sleepSeconds ? `\nSELECT pg_sleep(${sleepSeconds});` : '';
  return writeChainDir({
    'f1.sql': sqlMigration({ revision: 'f1', upgrade: `CREATE TABLE side_effects (revision text NOT NULL);\nINSERT INTO side_effects VALUES ('f1');\nCREATE TABLE accounts (id int PRIMARY KEY);${sleep}`, downgrade: 'DROP TABLE accounts; DROP TABLE side_effects;' }),
    'f2.sql': sqlMigration({ revision: 'f2', down: 'f1', upgrade: `CREATE TABLE widgets (id int PRIMARY KEY, account_id int REFERENCES accounts (id));\nINSERT INTO side_effects VALUES ('f2');${sleep}`, downgrade: 'DROP TABLE widgets;' }),
    'f3.sql': sqlMigration({ revision: 'f3', down: 'f2', upgrade: `ALTER TABLE widgets ADD COLUMN name text;\nINSERT INTO side_effects VALUES ('f3');${sleep}`, downgrade: 'ALTER TABLE widgets DROP COLUMN name;' }),
  });
}

async function createTenantDatabases(prefix: string, count: number): Promise<string[]> {
  const urls: string[] = [];
  // A few at a time: CREATE DATABASE serialises on the template anyway.
  for (let i = 0; i < count; i += 4) {
    urls.push(...await Promise.all(Array.from({ length: Math.min(4, count - i) }, () => server().createDatabase(prefix))));
  }
  return urls;
}

function dbName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** The recorded revision and the side-effect rows: consistent when the rows are exactly the chain up to the revision, each once. */
async function stateOf(url: string, schema?: string): Promise<{ version: string[]; effects: string[] }> {
  const q = (name: string) => (schema ? `"${schema}"."${name}"` : `"${name}"`);
  const [exists] = await sql<{ v: boolean; e: boolean }>(url, 'SELECT to_regclass($1) IS NOT NULL AS v, to_regclass($2) IS NOT NULL AS e', [q('alembic_version'), q('side_effects')]);
  const version = exists.v ? (await sql<{ version_num: string }>(url, `SELECT version_num FROM ${q('alembic_version')}`)).map((r) => r.version_num) : [];
  const effects = exists.e ? (await sql<{ revision: string }>(url, `SELECT revision FROM ${q('side_effects')} ORDER BY revision`)).map((r) => r.revision) : [];
  return { version, effects };
}

/** States of many databases, ten at a time (the test server allows 100 connections). */
async function statesOf(urls: readonly string[]): Promise<{ version: string[]; effects: string[] }[]> {
  const out: { version: string[]; effects: string[] }[] = [];
  for (let i = 0; i < urls.length; i += 10) out.push(...await Promise.all(urls.slice(i, i + 10).map((u) => stateOf(u))));
  return out;
}

function assertConsistent(id: string, s: { version: string[]; effects: string[] }): void {
  const upTo = s.version.length ? REVISIONS.indexOf(s.version[0]) + 1 : 0;
  assert.deepEqual(s.effects, REVISIONS.slice(0, upTo), `${id}: at ${s.version.join(',') || 'base'} but side effects ${s.effects.join(',')}`);
}

function databaseEnvironment(name: string, prefix: string, extra: Partial<Environment> = {}): Environment {
  return { name, url: { from: 'env', variable: 'X' }, protected: false, tenants: { kind: 'databases', pattern: `${prefix}_*` }, ...extra };
}

function tempProject(config: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migration-chain-fleet-'));
  fs.writeFileSync(path.join(dir, 'migration-chain.environments.json'), JSON.stringify(config, null, 2));
  return dir;
}

describe(`fleet: ${DATABASES} tenant databases, ${SCHEMAS} tenant schemas`, function () {
  this.timeout(120_000 + DATABASES * 3_000);
  let chain: Chain;
  let chainDir: string;

  before(async () => {
    chainDir = fleetChainDir();
    chain = await loadClean(chainDir);
  });

  it('reads the environments file and refuses URLs in it, naming the file and the JSON path', () => {
    const dir = tempProject({ environments: { dev: { url: { from: 'env', variable: 'DEV_URL' } }, prod: { url: { from: 'secret', variable: 'PROD_URL' }, protected: true } } });
    const config = loadEnvironments(dir);
    assert.deepEqual(config.environments.map((e) => [e.name, e.url.from, e.protected]), [['dev', 'env', false], ['prod', 'secret', true]]);
    assert.throws(() => parseEnvironments({ environments: { prod: { url: 'postgres://u:pw@h/db' } } }, 'env.json'),
      (err: unknown) => err instanceof EnvironmentsConfigError && err.jsonPath === '$.environments.prod.url' && err.message.startsWith('env.json: $.environments.prod.url:') && !err.message.includes('pw@'));
    assert.throws(() => parseEnvironments({ environments: { t: { url: { from: 'env', variable: 'X' }, tenants: { databases: {} } } } }, 'f.json'),
      (err: unknown) => err instanceof EnvironmentsConfigError && err.jsonPath === '$.environments.t.tenants.databases');
    assert.throws(() => parseEnvironments({ environments: { d: { url: { from: 'vault', variable: 'X' } } } }, 'f.json'),
      (err: unknown) => err instanceof EnvironmentsConfigError && err.jsonPath === '$.environments.d.url.from');
    const none = loadEnvironments(fs.mkdtempSync(path.join(os.tmpdir(), 'migration-chain-noenv-')));
    assert.deepEqual(none.environments.map((e) => [e.name, e.url.from]), [['default', 'default']]);
  });

  it('status of every tenant, fleet upgrade with a canary, then status again; an unreachable member is reported', async () => {
    const prefix = `fst${process.pid}`;
    const urls = await createTenantDatabases(prefix, DATABASES);
    const env = databaseEnvironment('tenants', prefix);
    const targets = await expandTargets(env, server().adminUrl);
    assert.equal(targets.length, DATABASES);
    const before = await fleetStatus({ environment: 'tenants', chain, targets });
    assert.equal(before.summary.total, DATABASES);
    assert.equal(before.summary.atHead, 0);
    assert.equal(before.summary.behind.length, DATABASES);
    assert.ok(before.targets.every((t) => t.reachable && t.pending === 3));

    const log = memoryLogger();
    const result = await upgradeFleet({ root: tempProject({ environments: {} }), environment: env, chain, targets, logger: log, concurrency: 4 });
    assert.equal(result.record.state, 'completed');
    assert.equal(result.failed.length, 0);
    const canary = result.record.targets.find((t) => t.canary);
    assert.equal(canary?.id, targets[0].id);
    // The canary finished before any other member started.
    const canaryDone = log.lines.findIndex((l) => l.includes(`[${canary!.id}] done`));
    const firstOther = log.lines.findIndex((l) => /\[\S+\] upgrading/.test(l) && !l.includes(`[${canary!.id}]`));
    assert.ok(canaryDone >= 0 && canaryDone < firstOther, 'the canary ran alone first');
    for (const url of urls) assert.deepEqual(await stateOf(url), { version: ['f3'], effects: REVISIONS });

    const after = await fleetStatus({ environment: 'tenants', chain, targets });
    assert.equal(after.summary.atHead, DATABASES);
    assert.ok(after.targets.every((t) => t.lastApplied?.revision === 'f3' && t.lastApplied.by === server().user && t.lastApplied.client === 'migration-chain fleet'));

    // A tenant query naming a database that does not exist: that member is unreachable, the others read.
    const missing = `${prefix}_gone`;
    const queried: Environment = { ...env, tenants: { kind: 'databases', query: `SELECT unnest(ARRAY['${dbName(urls[0])}', '${missing}'])` } };
    const mixed = await fleetStatus({ environment: 'q', chain, targets: await expandTargets(queried, server().adminUrl) });
    assert.deepEqual(mixed.summary.unreachable, [missing]);
    assert.equal(mixed.summary.atHead, 1);
    assert.match(mixed.targets.find((t) => t.id === missing)!.error!, /does not exist/);
    assert.ok(!JSON.stringify(mixed).includes(server().password), 'no password in the status');
  });

  it('a member\'s status is the single-database status: edited, accepted, last upgrade, no audit log, no tables', async () => {
    const prefix = `fsame${process.pid}`;
    const [edited, accepted, stamped, empty] = await createTenantDatabases(prefix, 4);
    const env = databaseEnvironment('t', prefix);
    const targets = await expandTargets(env, server().adminUrl);
    await upgradeFleet({ root: tempProject({ environments: {} }), environment: env, chain, targets: targets.filter((t) => [edited, accepted].map(dbName).includes(t.id)), canary: false });
    // f2 edited after it was applied: one database accepts the new text (a repair row), the other does not.
    const editedDir = fleetChainDir();
    fs.writeFileSync(path.join(editedDir, 'f2.sql'), fs.readFileSync(path.join(editedDir, 'f2.sql'), 'utf8').replace("INSERT INTO side_effects VALUES ('f2');", "INSERT INTO side_effects VALUES ('f2'); -- edited"));
    const editedChain = await loadClean(editedDir);
    await withConnection(accepted, {}, (c) => acceptChecksum(c, bookkeeping({}), 'f2', editedChain.graph.get('f2')!.checksum, 'test'));
    // Alembic-style: a version table and no audit log.
    await sql(stamped, "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY); INSERT INTO alembic_version VALUES ('f1')");

    const fleet = await fleetStatus({ environment: 't', chain: editedChain, targets });
    for (const url of [edited, accepted, stamped, empty]) {
      const t = fleet.targets.find((x) => x.id === dbName(url))!;
      const single = await getStatus(editedChain, { url });
      assert.deepEqual(t.heads, single.heads, dbName(url));
      assert.equal(t.pending, single.pending.length, dbName(url));
      assert.deepEqual(t.edited, [...single.revisions].filter(([, r]) => r.state === 'edited').map(([rev]) => rev), dbName(url));
      const [last] = await sql<{ revision: string; db_user: string }>(url,
        "SELECT revision, db_user FROM migration_chain_log WHERE direction = 'upgrade' ORDER BY id DESC LIMIT 1").catch(() => []);
      assert.deepEqual(t.lastApplied && { revision: t.lastApplied.revision, db_user: t.lastApplied.by }, last, dbName(url));
    }
    assert.deepEqual(fleet.targets.find((x) => x.id === dbName(edited))!.edited, ['f2']);
    assert.deepEqual(fleet.targets.find((x) => x.id === dbName(accepted))!.edited, []);
    assert.deepEqual(fleet.targets.find((x) => x.id === dbName(stamped))!.heads, ['f1']);
    assert.equal(fleet.targets.find((x) => x.id === dbName(empty))!.pending, 3);
  });

  it('schema-per-tenant: each schema gets its own alembic_version and tables, via its search_path', async () => {
    const url = await server().createDatabase('fsch');
    const names = Array.from({ length: SCHEMAS }, (_, i) => `tenant_${i + 1}`);
    await sql(url, names.map((n) => `CREATE SCHEMA "${n}";`).join('\n') + '\nCREATE SCHEMA other;');
    const env: Environment = { name: 'schemas', url: { from: 'env', variable: 'X' }, protected: false, tenants: { kind: 'schemas', pattern: 'tenant_*' } };
    const targets = await expandTargets(env, url);
    assert.deepEqual(targets.map((t) => t.id), names, 'natural order, other schemas left out');
    const result = await upgradeFleet({ root: tempProject({ environments: {} }), environment: env, chain, targets, concurrency: 4 });
    assert.equal(result.record.state, 'completed');
    for (const n of names) assert.deepEqual(await stateOf(url, n), { version: ['f3'], effects: REVISIONS }, n);
    assert.deepEqual(await sql(url, `SELECT 1 FROM information_schema.tables WHERE table_schema IN ('public', 'other')`), []);
    const status = await fleetStatus({ environment: 'schemas', chain, targets });
    assert.equal(status.summary.atHead, SCHEMAS);
  });

  for (const policy of ['stop', 'continue'] as const) {
    it(`a tenant whose migration fails: policy ${policy} is honoured, the report names it, every tenant is consistent`, async () => {
      const prefix = `ffail${policy}${process.pid}`;
      const urls = await createTenantDatabases(prefix, 6);
      const bad = urls[2];
      await sql(bad, 'CREATE TABLE widgets (x int)'); // f2 fails there: the table exists
      const env = databaseEnvironment('tenants', prefix);
      const targets = await expandTargets(env, server().adminUrl);
      const result = await upgradeFleet({ root: tempProject({ environments: {} }), environment: env, chain, targets, concurrency: 1, onFailure: policy });
      assert.equal(result.record.state, 'failed');
      assert.deepEqual(result.failed.map((t) => t.id), [dbName(bad)]);
      assert.match(result.failed[0].error!, /widgets/);
      assert.equal(result.failed[0].errorCode, 'sql');
      const states = await statesOf(urls);
      for (const [i, s] of states.entries()) {
        if (i === 2) assert.deepEqual(s.version, ['f1'], 'the failed tenant stays at the last migration that committed');
        else assertConsistent(dbName(urls[i]), s);
      }
      const skipped = result.record.targets.filter((t) => t.state === 'skipped').map((t) => t.id);
      if (policy === 'stop') {
        assert.deepEqual(skipped, urls.slice(3).map(dbName), 'nothing started after the failure');
        for (const s of states.slice(3)) assert.deepEqual(s.version, []);
      } else {
        assert.deepEqual(skipped, []);
        for (const [i, s] of states.entries()) if (i !== 2) assert.deepEqual(s.version, ['f3']);
      }
    });
  }

  it('a failing canary: nothing else starts', async () => {
    const prefix = `fcan${process.pid}`;
    const urls = await createTenantDatabases(prefix, 4);
    await sql(urls[1], 'CREATE TABLE accounts (x int)');
    const env = databaseEnvironment('tenants', prefix, { canary: dbName(urls[1]) });
    const targets = await expandTargets(env, server().adminUrl);
    const result = await upgradeFleet({ root: tempProject({ environments: {} }), environment: env, chain, targets, onFailure: 'continue' });
    assert.deepEqual(result.failed.map((t) => t.id), [dbName(urls[1])]);
    assert.equal(result.record.targets.filter((t) => t.state === 'skipped').length, 3);
    for (const u of urls) assert.deepEqual((await stateOf(u)).version, []);
  });

  it('cancel: nothing new starts, running statements are cancelled, every tenant consistent; resume finishes', async () => {
    const prefix = `fcxl${process.pid}`;
    const urls = await createTenantDatabases(prefix, 8);
    const slow = await loadClean(fleetChainDir(0.5));
    const env = databaseEnvironment('tenants', prefix);
    const targets = await expandTargets(env, server().adminUrl);
    const root = tempProject({ environments: {} });
    const controller = new AbortController();
    const log = memoryLogger();
    const logger = { ...log, info: (m: string) => { log.info(m); if (/\] ▲ f1 -> f2/.test(m)) controller.abort(); } };
    const cancelled = await upgradeFleet({ root, environment: env, chain: slow, targets, concurrency: 2, canary: false, signal: controller.signal, logger });
    assert.equal(cancelled.cancelled, true);
    assert.equal(cancelled.record.state, 'cancelled');
    const states = cancelled.record.targets.map((t) => t.state);
    assert.ok(states.filter((s) => s === 'pending').length >= 5, `not started after the cancel: ${states.join(',')}`);
    assert.ok(states.includes('cancelled'), `a running member was cancelled: ${states.join(',')}`);
    for (const u of urls) assertConsistent(dbName(u), await stateOf(u));
    const resumed = await upgradeFleet({ root, environment: env, chain: slow, targets, resume: cancelled.record });
    assert.equal(resumed.record.id, cancelled.record.id);
    assert.equal(resumed.record.state, 'completed');
    for (const u of urls) assert.deepEqual(await stateOf(u), { version: ['f3'], effects: REVISIONS });
  });

  it('two fleet runs at once apply each migration once per target', async () => {
    const prefix = `ftwo${process.pid}`;
    const urls = await createTenantDatabases(prefix, Math.min(DATABASES, 10));
    const env = databaseEnvironment('tenants', prefix);
    const targets = await expandTargets(env, server().adminUrl);
    const root = tempProject({ environments: {} });
    const [a, b] = await Promise.all([
      upgradeFleet({ root, environment: env, chain, targets, concurrency: 4, canary: false }),
      upgradeFleet({ root, environment: env, chain, targets: [...targets].reverse(), concurrency: 4, canary: false }),
    ]);
    assert.equal(a.record.state, 'completed');
    assert.equal(b.record.state, 'completed');
    for (const u of urls) assert.deepEqual(await stateOf(u), { version: ['f3'], effects: REVISIONS });
    // Every member was upgraded by exactly one of the two runs.
    const upgradedBy = (r: typeof a) => new Set(r.record.targets.filter((t) => t.applied?.length).map((t) => t.id));
    const [ua, ub] = [upgradedBy(a), upgradedBy(b)];
    assert.equal(ua.size + ub.size, urls.length);
    assert.ok([...ua].every((id) => !ub.has(id)));
  });

  it('kill -9 mid-fleet, then --resume: every tenant at head, none applied twice, none half-applied; the password appears nowhere', async () => {
    const prefix = `fkill${process.pid}`;
    const urls = await createTenantDatabases(prefix, DATABASES);
    const slowChain = fleetChainDir(0.05);
    const project = tempProject({
      $schema: './schemas/environments.schema.json',
      environments: { tenants: { url: { from: 'env', variable: 'TENANTS_URL' }, protected: true, tenants: { databases: { pattern: `${prefix}_*` } } } },
    });
    const env = { TENANTS_URL: server().adminUrl, DATABASE_URL: '' };
    const args = ['env', 'upgrade', 'tenants', '--dir', slowChain, '--concurrency', '4', '--confirm-database', 'tenants'];
    const first = startCli(args, { cwd: project, env, timeoutMs: 120_000 });
    // Kill once a quarter of the members are done and others are running (counted, not matched by
    // one regex: a repeated group over a long output backtracks for minutes when it does not match).
    const wanted = Math.max(3, Math.floor(DATABASES / 4));
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`fewer than ${wanted} members done within 120 s:\n${seen.slice(-2000)}`)), 120_000);
      first.child.stderr!.on('data', (chunk: string) => {
        seen += chunk;
        if (seen.split('] done').length - 1 >= wanted) { clearTimeout(timer); resolve(); }
      });
    });
    first.child.kill('SIGKILL');
    const killed = await first.done;
    assert.equal(killed.signal, 'SIGKILL');
    const mid = await statesOf(urls);
    mid.forEach((s, i) => assertConsistent(dbName(urls[i]), s));
    assert.ok(mid.some((s) => s.version[0] !== 'f3'), 'the kill landed before the fleet finished');

    const resumed = await runCli([...args, '--resume', '--json'], { cwd: project, env, timeoutMs: 120_000 });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /Resuming run /);
    const report = JSON.parse(resumed.stdout) as { state: string; id: string; targets: { id: string; state: string }[] };
    assert.equal(report.state, 'completed');
    for (const u of urls) assert.deepEqual(await stateOf(u), { version: ['f3'], effects: REVISIONS }, dbName(u));

    // The password: not in any output, run record, or status/error text.
    const status = await runCli(['env', 'status', '--dir', slowChain, '--verbose'], { cwd: project, env, timeoutMs: 60_000 });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`tenants: ${DATABASES} targets, ${DATABASES} at head`));
    const unreachable = await runCli(['env', 'status', '--dir', slowChain], { cwd: project, env: { TENANTS_URL: server().adminUrl.replace(/:\d+\//, ':1/') }, timeoutMs: 60_000 });
    assert.equal(unreachable.code, 4);
    assert.match(unreachable.stdout, /tenants: unreachable: Cannot connect/);
    const records = fs.readdirSync(path.join(project, '.migration-chain', 'runs')).map((n) => fs.readFileSync(path.join(project, '.migration-chain', 'runs', n), 'utf8'));
    assert.equal(readRunRecord(runRecordPath(project, report.id)).state, 'completed');
    for (const text of [killed.stdout, killed.stderr, resumed.stdout, resumed.stderr, status.stdout, status.stderr, unreachable.stdout, unreachable.stderr, ...records]) {
      assert.ok(!text.includes(server().password), 'the password leaked');
    }
  });

  it('env diff: the schemas of two environments, each difference linked to the migration that creates it', async () => {
    const [dev, staging] = [await server().createDatabase('fdev'), await server().createDatabase('fstg')];
    const project = tempProject({ environments: { dev: { url: { from: 'env', variable: 'DEV_URL' } }, staging: { url: { from: 'envFile', file: '.env.staging' } } } });
    fs.writeFileSync(path.join(project, '.env.staging'), `DATABASE_URL=${staging}\n`);
    const env = { DEV_URL: dev };
    assert.equal((await runCli(['env', 'upgrade', 'dev', '--dir', chainDir], { cwd: project, env })).code, 0);
    assert.equal((await runCli(['upgrade', 'f2', '--dir', chainDir, '--url', staging], { cwd: project })).code, 0);
    const text = await runCli(['env', 'diff', 'dev', 'staging', '--dir', chainDir], { cwd: project, env });
    assert.equal(text.code, 6, text.stderr);
    assert.match(text.stdout, /dev \(f3\) vs staging \(f2\)/);
    assert.match(text.stdout, /column widgets\.name: only in dev\n {2}dev: text\n {2}created by f3 \(.*f3\.sql:\d+\)/);
    const json = await runCli(['env', 'diff', 'dev', 'staging', '--dir', chainDir, '--json'], { cwd: project, env });
    const report = JSON.parse(json.stdout) as { entries: { kind: string; name: string; change: string; source?: { revision: string } }[] };
    assert.deepEqual(report.entries.map((e) => [e.kind, e.name, e.change, e.source?.revision]), [['column', 'widgets.name', 'missing', 'f3']]);
    assert.equal((await runCli(['upgrade', '--dir', chainDir, '--url', staging], { cwd: project })).code, 0);
    const same = await runCli(['env', 'diff', 'dev', 'staging', '--dir', chainDir], { cwd: project, env });
    assert.equal(same.code, 0, same.stdout);
    assert.match(same.stdout, /No differences/);
    for (const out of [text, json, same]) assert.ok(!(out.stdout + out.stderr).includes(server().password));
  });

  it('a protected environment is not upgraded without its name', async () => {
    const project = tempProject({ environments: { prod: { url: { from: 'env', variable: 'PROD_URL' }, protected: true } } });
    const url = await server().createDatabase('fprot');
    const refused = await runCli(['env', 'upgrade', 'prod', '--dir', chainDir], { cwd: project, env: { PROD_URL: url }, timeoutMs: 60_000 });
    assert.equal(refused.code, 8, refused.stderr);
    assert.match(refused.stderr, /--confirm-database prod/);
    assert.deepEqual((await stateOf(url)).version, []);
    const done = await runCli(['env', 'upgrade', 'prod', '--dir', chainDir, '--confirm-database', 'prod'], { cwd: project, env: { PROD_URL: url }, timeoutMs: 60_000 });
    assert.equal(done.code, 0, done.stderr);
    assert.deepEqual((await stateOf(url)).version, ['f3']);
  });
});

