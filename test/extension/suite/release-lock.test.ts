// Release Migration Lock against the real test database: stale locks made the way dead runs leave
// them (an idle session still holding the advisory lock; a lease row written by the lease code a
// pooled run uses, never renewed), a live one it must leave alone. sinon answers the modal only.
import * as assert from 'assert';
import * as os from 'os';
import { Client } from 'pg';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../src/extension/context';
import { bookkeeping } from '../../../src/core/db/bookkeeping';
import { leaseTableName, newLeaseIdentity, tryTakeLease } from '../../../src/core/db/lease';
import { DEFAULT_LOCK_KEY } from '../../../src/core/db/lock';
import { activate, databaseName, databaseUrl, modalText, query, run, silenceNotifications, stubInput, stubModal, useTestDatabase } from './helpers';

const KEY = DEFAULT_LOCK_KEY.toString();
const LEASE_TABLE = leaseTableName(bookkeeping({}));

async function sessionLocksHeld(): Promise<number> {
  const [row] = await query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
       AND classid::bigint = ($1::bigint >> 32) & 4294967295 AND objid::bigint = $1::bigint & 4294967295
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`, [KEY]);
  return Number(row.n);
}

async function leaseRows(): Promise<number> {
  const [exists] = await query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [LEASE_TABLE]);
  if (!exists.t) return 0;
  return Number((await query<{ n: string }>(`SELECT count(*) AS n FROM ${LEASE_TABLE}`))[0].n);
}

/** A session that took the migration lock and then went quiet, as a run whose process was killed behind a NAT leaves it. */
async function idleHolder(applicationName: string): Promise<Client> {
  const c = new Client({ connectionString: databaseUrl(), application_name: applicationName });
  c.on('error', () => undefined); // ended by the command under test
  await c.connect();
  await c.query('SELECT pg_advisory_lock($1::bigint)', [KEY]);
  return c;
}

const setLease = (seconds: number | undefined) =>
  vscode.workspace.getConfiguration('migrationChain').update('lockLeaseSeconds', seconds, vscode.ConfigurationTarget.Workspace);

describe('Release Migration Lock', () => {
  let ctx: Context;
  const sandbox = sinon.createSandbox();
  const clients: Client[] = [];

  before(async () => {
    ctx = await activate();
    await useTestDatabase(ctx);
  });
  beforeEach(() => silenceNotifications(sandbox));
  afterEach(async () => {
    sandbox.restore();
    await setLease(undefined);
    await vscode.workspace.getConfiguration('migrationChain').update('protectedDatabases', undefined, vscode.ConfigurationTarget.Workspace);
    for (const c of clients.splice(0)) await c.end().catch(() => undefined);
    await query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'release-lock test%'`);
    if (await leaseRows()) await query(`DELETE FROM ${LEASE_TABLE}`);
  });

  it('with no holder says so and shows no modal', async () => {
    const modal = stubModal(sandbox, 'Release');
    const outcome = await run('migrationChain.releaseLock');
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    assert.match(outcome.message ?? '', /No migration lock is held on /);
    assert.ok(modal.notCalled);
  });

  it('a live holder is shown (pid, application, since) and left alone: no Release button, nothing changed', async () => {
    const holder = await idleHolder('release-lock test (live run)');
    clients.push(holder);
    const [{ pid }] = await query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'release-lock test (live run)'");
    const modal = stubModal(sandbox, 'Release');
    const outcome = await run('migrationChain.releaseLock');
    assert.strictEqual(outcome.status, 'aborted', JSON.stringify(outcome));
    const text = modalText(modal);
    assert.match(text, /Session lock — live: idle for only \d+ s/);
    assert.ok(text.includes(`pid: ${pid} (server process)`), text);
    assert.match(text, /application: release-lock test \(live run\)/);
    assert.match(text, /since: \d{4}-\d\d-\d\dT/);
    assert.match(text, /heartbeat: none \(a session lock\); idle since \d{4}-/);
    assert.match(text, /Nothing is provably abandoned/);
    assert.deepStrictEqual(modal.firstCall.args.slice(2), [], 'the modal offers no Release button for a live holder');
    assert.strictEqual(await sessionLocksHeld(), 1, 'the live holder keeps the lock');
  });

  it('an abandoned session lock is listed, kept when declined, and released after confirmation', async () => {
    await setLease(1);
    const holder = await idleHolder('release-lock test (killed run)');
    clients.push(holder);
    await new Promise((r) => setTimeout(r, 1600)); // idle longer than the 1 s lease: provably abandoned

    const declined = stubModal(sandbox, undefined);
    assert.strictEqual((await run('migrationChain.releaseLock')).status, 'aborted');
    const text = modalText(declined);
    assert.match(text, /Release the abandoned migration lock on /);
    assert.match(text, /Session lock — abandoned: idle for \d+ s, longer than the 1 s lease/);
    assert.match(text, /application: release-lock test \(killed run\)/);
    assert.match(text, /host: /);
    assert.strictEqual(await sessionLocksHeld(), 1, 'declined: nothing released');
    sandbox.restore();
    silenceNotifications(sandbox);

    stubModal(sandbox, 'Release');
    const outcome = await run('migrationChain.releaseLock');
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    assert.match(outcome.message ?? '', /Released 1 abandoned migration lock on /);
    await new Promise((r) => setTimeout(r, 200));
    assert.strictEqual(await sessionLocksHeld(), 0, 'the abandoned session was ended and its lock released');
  });

  it('an expired lease shows host, pid, application, since and heartbeat, and a protected database needs its name typed', async () => {
    // Written by the lease code a pooled run uses, then never renewed: what a killed pooled run leaves.
    const writer = new Client({ connectionString: databaseUrl(), application_name: 'release-lock test (lease writer)' });
    await writer.connect();
    try {
      const taken = await tryTakeLease(writer, newLeaseIdentity(LEASE_TABLE, DEFAULT_LOCK_KEY), 300, 'migration-chain cli (killed pooled run)');
      assert.strictEqual(taken, 'taken');
    } finally {
      await writer.end();
    }
    await new Promise((r) => setTimeout(r, 500));
    await vscode.workspace.getConfiguration('migrationChain').update('protectedDatabases', [databaseName()], vscode.ConfigurationTarget.Workspace);

    const modal = stubModal(sandbox, 'Release');
    const input = stubInput(sandbox, 'not-the-name');
    assert.strictEqual((await run('migrationChain.releaseLock')).status, 'aborted');
    assert.ok(input.calledOnce, 'the database name was asked for');
    assert.strictEqual(await leaseRows(), 1, 'a wrong name releases nothing');
    const text = modalText(modal);
    assert.match(text, /Lease — abandoned: its lease has expired/);
    assert.ok(text.includes(`host: ${os.hostname()}`), text);
    assert.ok(text.includes(`pid: ${process.pid} (the run's process)`), text);
    assert.match(text, /application: migration-chain cli \(killed pooled run\)/);
    assert.match(text, /since: \d{4}-\d\d-\d\dT/);
    assert.match(text, /heartbeat: \d{4}-\d\d-\d\dT\S+ \(\d+\.\d s before the check\); expires \d{4}-/);

    input.resolves(databaseName());
    const outcome = await run('migrationChain.releaseLock');
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    assert.strictEqual(await leaseRows(), 0, 'the expired lease row was deleted');
  });
});
