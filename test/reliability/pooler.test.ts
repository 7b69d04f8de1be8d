// Runs through real PgBouncer (Debian's pgbouncer, started here in transaction and session modes in
// front of the test server): start-up upgrades of several instances at once, a run killed with
// SIGKILL mid-migration, a stale lock stranded on a pooler's server connection, and the refusal of
// a step that needs one session. Every check of the outcome reads the server directly, never
// through the pooler. Trial counts: POOLER_TRIALS (npm test: 2 per chain and mode).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freshDatabaseUrl, server } from '../support/db-hooks';
import { alembicPython } from '../support/alembic';
import { fingerprint } from '../support/fingerprint';
import { startPgBouncer, type Bouncer, type PoolMode } from '../support/pgbouncer';
import { describeRun, startCli, runCli } from './support/cli';
import { slowChain, removeDir, waitForRunningQuery, writeSqlChain } from './support/chains';
import { countFromEnv } from './support/prng';
import {
  ALEMBIC_BACKEND, advisoryLocksHeld, describeTally, newTally, pooledStartupTrial, withClient, writeTrialChain, type TrialChain,
} from './support/pooled-trials';
import { DEFAULT_LOCK_KEY } from '../../src/core';

const PROCESSES = 6;

describe('through PgBouncer (real pgbouncer, transaction and session pooling)', function () {
  const trials = countFromEnv('POOLER_TRIALS', 2);
  // An Alembic trial starts six Pythons; one trial per mode keeps npm test short (the soak runs more).
  const alembicTrials = countFromEnv('POOLER_ALEMBIC_TRIALS', 1);
  this.timeout(120_000 + trials * 6 * 60_000);
  const bouncers = new Map<PoolMode, Bouncer>();
  const cleanup: string[] = [];

  before(async function () {
    this.timeout(700_000); // the first run installs Debian's pgbouncer (and python3-alembic)
    // In session pooling every connected client holds a server connection, waiting runs included: the
    // pool must have room for the waiters plus the holder's heartbeat and Alembic's own connection.
    for (const mode of ['transaction', 'session'] as const) bouncers.set(mode, await startPgBouncer(server(), mode, { poolSize: mode === 'session' ? 10 : 2 }));
    alembicPython();
  });
  after(async () => {
    for (const b of bouncers.values()) await b.stop();
    for (const dir of cleanup) removeDir(dir);
  });

  const chains: TrialChain[] = ['native', 'non-transactional', 'alembic'];
  for (const mode of ['transaction', 'session'] as const) {
    for (const kind of chains) {
      const count = kind === 'alembic' ? alembicTrials : trials;
      it(`${PROCESSES} start-up upgrades at once, ${mode} pooling, ${kind} chain: one applies, all exit 0, no lock left (${count} trials)`, async () => {
        const bouncer = bouncers.get(mode)!;
        const tally = newTally();
        const native = kind === 'alembic' ? undefined : writeTrialChain(kind === 'non-transactional');
        if (native) cleanup.push(native.dir);
        let project: string | undefined;
        if (kind === 'alembic') {
          const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-pooled-alembic-'));
          fs.cpSync(ALEMBIC_BACKEND, path.join(dir, 'backend'), { recursive: true, filter: (src) => !src.includes('__pycache__') });
          project = path.join(dir, 'backend');
          cleanup.push(dir);
        }
        for (let trial = 1; trial <= count; trial++) {
          const url = await freshDatabaseUrl('mc_pooled');
          const results = await pooledStartupTrial({
            bouncer, directUrl: url, adminUrl: server().adminUrl, chain: kind, processes: PROCESSES, tally,
            label: `${mode} ${kind} trial ${trial}`, chainDir: native?.dir, revisions: native?.revisions, alembicProject: project,
          });
          if (mode === 'transaction') {
            // Said once per run, by every run.
            for (const r of results) assert.equal((r.stderr.match(/reached through a (transaction-mode )?connection pooler/g) ?? []).length, 1, r.stderr);
          }
          await server().dropDatabase(url);
        }
        console.log(`      ${describeTally(`pooled ${mode} ${kind}`, tally, PROCESSES)}`);
      });
    }
  }

  it('a direct run says nothing about poolers and keeps the session lock', async () => {
    const chain = writeTrialChain(false);
    cleanup.push(chain.dir);
    const url = await freshDatabaseUrl('mc_pooled_direct');
    const r = await runCli(['upgrade', 'head', '--dir', chain.dir, '--url', url], { env: { DATABASE_URL: '' } });
    assert.equal(r.code, 0, describeRun([], r));
    assert.doesNotMatch(r.stderr, /pooler/);
    const lease = await withClient(url, async (c) => (await c.query("SELECT to_regclass('public.migration_chain_lock') AS t")).rows[0].t);
    assert.equal(lease, null, 'a direct run creates no lease table');
  });

  it('a run killed with SIGKILL mid-migration through the transaction pooler blocks the next one only until its lease expires', async () => {
    const slow = slowChain(4);
    cleanup.push(slow.dir);
    const url = await freshDatabaseUrl('mc_pooled_kill');
    const pooled = bouncers.get('transaction')!.pooledUrl(url);
    const args = ['upgrade', 'head', '--dir', slow.dir, '--url', pooled, '--lock-lease', '3'];
    const victim = startCli(args, { timeoutMs: 60_000 });
    await waitForRunningQuery(url, 'pg_sleep');
    victim.child.kill('SIGKILL');
    await victim.done;
    const started = Date.now();
    const next = await runCli([...args, '--wait', '30'], { env: { DATABASE_URL: '' }, timeoutMs: 60_000 });
    const tookMs = Date.now() - started;
    assert.equal(next.code, 0, describeRun(args, next));
    assert.match(next.stderr, /Waiting for the migration lock .* held by pid \d+ \(migration-chain cli\) on .*lease renewed/);
    assert.match(next.stderr, /Took over the expired migration lease/);
    // The bound: the dead run's 3 s lease, plus the 4 s migration and start-up.
    assert.ok(tookMs < 3000 + 4000 + 8000, `the next run took ${tookMs} ms`);
    await withClient(url, async (c) => {
      assert.deepEqual((await c.query('SELECT version_num FROM alembic_version')).rows.map((r) => r.version_num), [slow.slow]);
      assert.equal(Number((await c.query('SELECT count(*) AS n FROM slow_step')).rows[0].n), 1, 'the killed migration rolled back, the next applied it once');
    });
    assert.equal(await advisoryLocksHeld(server().adminUrl, url), 0);
  });

  it('a session lock stranded on an idle PgBouncer server connection is named, then ended after the lease', async () => {
    const chain = writeTrialChain(false);
    cleanup.push(chain.dir);
    const url = await freshDatabaseUrl('mc_pooled_stranded');
    const pooled = bouncers.get('transaction')!.pooledUrl(url);
    // What an older version did: a session lock through a transaction pooler, then the client left.
    const old = new Client({ connectionString: pooled, application_name: 'migration-chain cli (older version)' });
    await old.connect();
    await old.query('SELECT pg_advisory_lock($1::bigint)', [DEFAULT_LOCK_KEY.toString()]);
    await old.end();
    assert.equal(await advisoryLocksHeld(server().adminUrl, url), 1, 'the lock outlived its client on a pooled server connection');
    const args = ['upgrade', 'head', '--dir', chain.dir, '--url', pooled, '--lock-lease', '2', '--wait', '30'];
    const r = await runCli(args, { env: { DATABASE_URL: '' }, timeoutMs: 60_000 });
    assert.equal(r.code, 0, describeRun(args, r));
    // PgBouncer gives the server connection the application name of its current client, so the name may be ours.
    assert.match(r.stderr, /held by pid \d+ \(migration-chain cli[^)]*\)+ on \S+ as postgres since \S+ (idle|active)/);
    // Ended from another connection, or (when the pooler handed this run the very connection) released on it.
    assert.match(r.stderr, /Ended the abandoned session holding the migration lock|Released the migration lock stranded on the pooled server connection/);
    assert.equal(await advisoryLocksHeld(server().adminUrl, url), 0);
  });

  it('`unlock` names a live holder and leaves it; clears an abandoned one after confirmation', async () => {
    const url = await freshDatabaseUrl('mc_pooled_unlock');
    const holder = new Client({ connectionString: url, application_name: 'migration-chain cli (gone)' });
    holder.on('error', () => undefined); // ended by unlock below
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1::bigint)', [DEFAULT_LOCK_KEY.toString()]);
    const live = await runCli(['unlock', '--url', url, '--yes', '--lock-lease', '5'], { env: { DATABASE_URL: '' } });
    assert.equal(live.code, 8, describeRun(['unlock'], live));
    assert.match(live.stderr, /session lock: pid \d+ \(migration-chain cli \(gone\)\).* live \(idle for only/);
    await new Promise((r) => setTimeout(r, 1500));
    const refused = await runCli(['unlock', '--url', url, '--lock-lease', '1'], { env: { DATABASE_URL: '' } });
    assert.equal(refused.code, 8, 'no --yes without a terminal: refused');
    assert.equal(await advisoryLocksHeld(server().adminUrl, url), 1);
    const cleared = await runCli(['unlock', '--url', url, '--yes', '--lock-lease', '1'], { env: { DATABASE_URL: '' } });
    assert.equal(cleared.code, 0, describeRun(['unlock'], cleared));
    assert.match(cleared.stdout, /Cleared 1 abandoned migration lock/);
    assert.equal(await advisoryLocksHeld(server().adminUrl, url), 0);
    await holder.end().catch(() => undefined);
  });

  it('refuses a non-transactional step that keeps session state, through the transaction pooler, with the database unchanged; --direct-url runs it', async () => {
    const dir = writeSqlChain([
      { revision: 'e5e5e5e5e5e5', upgrade: 'CREATE TABLE keep (id int);', downgrade: 'DROP TABLE keep;' },
      { revision: 'f6f6f6f6f6f6', parent: 'e5e5e5e5e5e5', upgrade: 'SET statement_timeout = 0;\nCREATE INDEX CONCURRENTLY keep_idx ON keep (id);', downgrade: 'DROP INDEX keep_idx;' },
    ]);
    cleanup.push(dir);
    const file = fs.readdirSync(dir).find((f) => f.startsWith('f6'))!;
    fs.writeFileSync(path.join(dir, file), fs.readFileSync(path.join(dir, file), 'utf8').replace('-- message:', '-- transactional: false\n-- message:'));
    const url = await freshDatabaseUrl('mc_pooled_refuse');
    const pooled = bouncers.get('transaction')!.pooledUrl(url);
    const before = await fingerprint(url);
    const args = ['upgrade', 'head', '--dir', dir, '--url', pooled];
    const r = await runCli(args, { env: { DATABASE_URL: '' } });
    assert.equal(r.code, 8, describeRun(args, r));
    assert.match(r.stderr, new RegExp(`Refusing to run f6f6f6f6f6f6 \\(.*:\\d+\\) is non-transactional .*SET statement_timeout.* through the connection pooler at .*:${bouncers.get('transaction')!.port}/`));
    assert.match(r.stderr, /--direct-url/);
    assert.deepEqual(await fingerprint(url), before, 'nothing changed');
    const direct = await runCli([...args, '--direct-url', url], { env: { DATABASE_URL: '' } });
    assert.equal(direct.code, 0, describeRun(args, direct));
    assert.equal(await advisoryLocksHeld(server().adminUrl, url), 0);
  });
});
