// Session pooling with a small pool (real PgBouncer, `pool_mode = session`, a short
// query_wait_timeout): every connected run holds a server connection while it waits, and the lock
// holder needs two more, so N instances need a pool of N + 2. A run the pooler cannot serve fails
// with a message that names the pool's size and how many connections are needed; N instances on a
// pool of exactly N + 2 all exit 0 while the migration outlasts the pooler's queue timeout.
import { strict as assert } from 'node:assert';
import { Client } from 'pg';
import { freshDatabaseUrl, server } from '../support/db-hooks';
import { fingerprint } from '../support/fingerprint';
import { startPgBouncer, type Bouncer } from '../support/pgbouncer';
import { describeRun, runCli, startCli } from './support/cli';
import { removeDir, slowChain } from './support/chains';
import { advisoryLocksHeld, withClient } from './support/pooled-trials';

const QUERY_WAIT_TIMEOUT_S = 2;

describe('session pooling with a small pool (real pgbouncer)', function () {
  this.timeout(180_000);
  const bouncers: Bouncer[] = [];
  const cleanup: string[] = [];
  const clients: Client[] = [];

  before(async function () {
    this.timeout(700_000); // the first run installs Debian's pgbouncer
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.end().catch(() => undefined);
  });
  after(async () => {
    for (const b of bouncers) await b.stop();
    for (const dir of cleanup) removeDir(dir);
  });

  async function bouncer(poolSize: number, statsUsers: string[] = []): Promise<Bouncer> {
    const b = await startPgBouncer(server(), 'session', { poolSize, queryWaitTimeoutSeconds: QUERY_WAIT_TIMEOUT_S, statsUsers });
    bouncers.push(b);
    return b;
  }

  /** Connected clients that each keep a server connection of the pool, as instances started earlier do. */
  async function occupy(pooled: string, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const c = new Client({ connectionString: pooled, application_name: `session-pool test (instance ${i + 1})` });
      c.on('error', () => undefined);
      await c.connect();
      await c.query('SELECT 1');
      clients.push(c);
    }
  }

  it('a run the full pool cannot serve fails naming the pool size and how many connections it needs; nothing changed', async () => {
    const b = await bouncer(2, [server().user]);
    const chain = slowChain(0);
    cleanup.push(chain.dir);
    const url = await freshDatabaseUrl('mc_session_full');
    const pooled = b.pooledUrl(url);
    await occupy(pooled, 2);
    const before = await fingerprint(url);
    const args = ['upgrade', 'head', '--dir', chain.dir, '--url', pooled];
    const r = await runCli(args, { env: { DATABASE_URL: '' } });
    assert.equal(r.code, 4, describeRun(args, r));
    assert.match(r.stderr, new RegExp(`No server connection for this run: the connection pooler at \\S+:${b.port}/\\S+ had none free \\(query_wait_timeout\\)`));
    assert.match(r.stderr, /The pool of \S+ for \S+ has 2 server connections \(session pooling\); 2 clients hold one and 0 wait, so with this run 3 clients need a pool of at least 5\./);
    assert.match(r.stderr, /N instances started at once need a pool of at least N \+ 2 server connections/);
    assert.match(r.stderr, /Raise the pool size to at least 5/);
    assert.deepEqual(await fingerprint(url), before, 'nothing changed');
  });

  it('without access to the pooler\'s admin console the message still states the rule and says the size is unknown', async () => {
    const b = await bouncer(1);
    const chain = slowChain(0);
    cleanup.push(chain.dir);
    const url = await freshDatabaseUrl('mc_session_full_nostats');
    const pooled = b.pooledUrl(url);
    await occupy(pooled, 1);
    const args = ['upgrade', 'head', '--dir', chain.dir, '--url', pooled];
    const r = await runCli(args, { env: { DATABASE_URL: '' } });
    assert.equal(r.code, 4, describeRun(args, r));
    assert.match(r.stderr, /had none free \(query_wait_timeout\)\. The pool's size could not be read/);
    assert.match(r.stderr, /N instances started at once need a pool of at least N \+ 2 server connections/);
    assert.match(r.stderr, /Raise the pool size to at least the number of instances \+ 2/);
  });

  it(`4 instances at once on a pool of 4 + 2 all exit 0 while the migration outlasts the pooler's ${QUERY_WAIT_TIMEOUT_S} s queue timeout`, async () => {
    const instances = 4;
    const b = await bouncer(instances + 2);
    const chain = slowChain(QUERY_WAIT_TIMEOUT_S + 3);
    cleanup.push(chain.dir);
    const url = await freshDatabaseUrl('mc_session_enough');
    // A 3 s lease renews every second, so the holder's heartbeat needs its server connection during the migration.
    const args = ['upgrade', 'head', '--dir', chain.dir, '--url', b.pooledUrl(url), '--wait', '60', '--lock-lease', '3'];
    const results = await Promise.all(Array.from({ length: instances }, () => startCli(args, { env: { DATABASE_URL: '' }, timeoutMs: 90_000 }).done));
    for (const r of results) assert.equal(r.code, 0, describeRun(args, r));
    assert.equal(results.filter((r) => /Upgraded <base> -> b2b2b2b2b2b2/.test(r.stdout)).length, 1, 'exactly one instance applied the chain');
    assert.equal(results.filter((r) => /Nothing to do/.test(r.stdout)).length, instances - 1);
    const rows = await withClient(url, async (c) => (await c.query<{ n: string }>('SELECT count(*) AS n FROM slow_step')).rows[0].n);
    assert.equal(rows, '1', 'the slow migration ran once');
    assert.equal(await advisoryLocksHeld(server().adminUrl, url), 0);
  });
});
