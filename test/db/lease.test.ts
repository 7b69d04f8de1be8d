// The migration lease's first use on a database, against the real server: several runs through a
// pooler may all find the lease table missing and create it at once. The loser of that race gets one
// of several catalog errors depending on where the two creations collided; each must end in a lease
// taken, never in an error that stops a start-up upgrade.
import { strict as assert } from 'node:assert';
import { Client } from 'pg';
import { createLeaseTableSql, newLeaseIdentity, releaseLease, tryTakeLease } from '../../src/core/db/lease';
import { freshDatabaseUrl, server } from '../support/db-hooks';

describe('migration lease (real server)', () => {
  let url: string;
  const clients: Client[] = [];
  const connect = async () => {
    const c = new Client({ connectionString: url });
    await c.connect();
    clients.push(c);
    return c;
  };
  beforeEach(async () => { url = await freshDatabaseUrl('mc_lease'); });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.end().catch(() => undefined);
    await server().dropDatabase(url);
  });

  it('a run whose creation of the lease table lost the race to another run still takes the lease', async () => {
    const table = 'migration_chain_lock';
    const other = await connect();
    const ours = await connect();
    // The other run has created the table but not committed: our CREATE … IF NOT EXISTS waits on its
    // catalog rows and, once it commits, fails on them (PostgreSQL does not re-check IF NOT EXISTS).
    await other.query('BEGIN');
    await other.query(createLeaseTableSql(table));
    const id = newLeaseIdentity(table, 4242n);
    const taking = tryTakeLease(ours, id, 30_000, 'test');
    await waitUntilBlocked(other, ours);
    await other.query('COMMIT');
    assert.equal(await taking, 'taken');
    const { rows } = await other.query<{ owner: string }>(`SELECT owner FROM ${table} WHERE lock_key = 4242`);
    assert.deepEqual(rows.map((r) => r.owner), [id.owner]);
    await releaseLease(ours, id);
  });

  it('first takers at once on a database without the lease table: exactly one lease, no error (20 rounds of 8)', async () => {
    const table = 'migration_chain_lock';
    const takers = await Promise.all(Array.from({ length: 8 }, connect));
    for (let round = 0; round < 20; round++) {
      await takers[0].query(`DROP TABLE IF EXISTS ${table}`);
      const ids = takers.map(() => newLeaseIdentity(table, BigInt(round + 1)));
      const outcomes = await Promise.all(takers.map((c, i) => tryTakeLease(c, ids[i], 30_000, `taker ${i}`)));
      assert.equal(outcomes.filter((o) => o === 'taken').length, 1, `round ${round}: ${outcomes.join(', ')}`);
      assert.equal(outcomes.filter((o) => o === false).length, 7);
    }
  });

  it('a second taker is refused while the first lease lives, and takes it once released', async () => {
    const table = 'migration_chain_lock';
    const a = await connect();
    const b = await connect();
    const first = newLeaseIdentity(table, 7n);
    const second = newLeaseIdentity(table, 7n);
    assert.equal(await tryTakeLease(a, first, 30_000, 'a'), 'taken');
    assert.equal(await tryTakeLease(b, second, 30_000, 'b'), false);
    await releaseLease(a, first);
    assert.equal(await tryTakeLease(b, second, 30_000, 'b'), 'taken');
  });
});

/** Resolves once `waiter`'s backend is waiting on a lock (the uncommitted catalog rows of `holder`). */
async function waitUntilBlocked(holder: Client, waiter: Client): Promise<void> {
  const pid = (waiter as unknown as { processID: number }).processID;
  for (let i = 0; i < 200; i++) {
    const { rows } = await holder.query<{ waiting: boolean }>(
      "SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = $1", [pid]);
    if (rows[0]?.waiting) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the second CREATE TABLE never waited on the first');
}
