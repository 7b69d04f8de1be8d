// Start-up upgrades through real PgBouncer: N `migration-chain upgrade head` processes started at
// once (app instances booting together) on one fresh database, checked from the server directly
// (never through the pooler): every process exited 0, each migration was applied once, the version
// is head, and no advisory lock and no lease is left held. Shared by pooler.test.ts (npm test) and
// the pooled variant of concurrency.test.ts (npm run soak).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import type { Bouncer } from '../../support/pgbouncer';
import { DEFAULT_LOCK_KEY } from '../../../src/core';
import { CRASH_CHAIN_REVISIONS, SIDE_EFFECT_TABLE } from './crash-chain';
import { describeRun, REPO_ROOT, startCli, type CliResult } from './cli';

export type TrialChain = 'native' | 'non-transactional' | 'alembic';

export const ALEMBIC_BACKEND = path.join(REPO_ROOT, 'examples', 'alembic-backend', 'backend');
export const ALEMBIC_HEAD = '556b79de2825';

/** Six revisions of the crash chain's shape, each recording one side-effect row; with `nonTransactional`, the fourth builds an index CONCURRENTLY outside a transaction. */
export function writeTrialChain(nonTransactional: boolean): { dir: string; revisions: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-pooled-'));
  const revisions = CRASH_CHAIN_REVISIONS.slice(0, 6);
  revisions.forEach((rev, i) => {
    const nt = nonTransactional && i === 3;
    const body = [
      ...(i === 0 ? [`CREATE TABLE ${SIDE_EFFECT_TABLE} (id bigserial PRIMARY KEY, revision varchar(32) NOT NULL, backend_pid int NOT NULL DEFAULT pg_backend_pid());`] : []),
      `CREATE TABLE step_${i} (id int PRIMARY KEY, note text);`,
      `INSERT INTO step_${i} SELECT g, 'row ' || g FROM generate_series(1, 50) g;`,
      'SELECT pg_sleep(0.05);',
      ...(nt ? [`CREATE INDEX CONCURRENTLY step_${i}_note_idx ON step_${i} (note);`] : []),
      `INSERT INTO ${SIDE_EFFECT_TABLE} (revision) VALUES ('${rev}');`,
    ];
    const header = [`-- revision: ${rev}`, ...(i ? [`-- down_revision: ${revisions[i - 1]}`] : []), `-- message: pooled step ${i + 1}`, ...(nt ? ['-- transactional: false'] : [])];
    fs.writeFileSync(path.join(dir, `${rev}_pooled_${i + 1}.sql`), [...header, '', '-- migrate:upgrade', ...body, '', '-- migrate:downgrade', `DROP TABLE step_${i};`, ''].join('\n'));
  });
  return { dir, revisions };
}

export interface TrialTally {
  trials: number;
  processes: number;
  exitedZero: number;
  applied: number;
  doubleApplications: number;
  locksLeft: number;
  leasesLeft: number;
}

export function newTally(): TrialTally {
  return { trials: 0, processes: 0, exitedZero: 0, applied: 0, doubleApplications: 0, locksLeft: 0, leasesLeft: 0 };
}

/** Advisory locks of our key held anywhere on the server, read on the server itself (not through the pooler). */
export async function advisoryLocksHeld(adminUrl: string, databaseUrl: string): Promise<number> {
  const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const high = (BigInt.asUintN(64, DEFAULT_LOCK_KEY) >> 32n).toString();
  const low = (BigInt.asUintN(64, DEFAULT_LOCK_KEY) & 0xffffffffn).toString();
  return withClient(adminUrl, async (c) => Number((await c.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = $1 AND objid::bigint = $2
        AND database = (SELECT oid FROM pg_database WHERE datname = $3)`, [high, low, database])).rows[0].n));
}

export async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url, application_name: 'pooled-trials (checker)' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * One trial: `processes` CLI runs of `upgrade head` at once through `bouncer` on the fresh database
 * `directUrl`. Asserts everything the start-up contract promises and adds to `tally`.
 */
export async function pooledStartupTrial(o: {
  bouncer: Bouncer; directUrl: string; adminUrl: string; chain: TrialChain; processes: number; tally: TrialTally; label: string;
  chainDir?: string; revisions?: string[]; alembicProject?: string;
}): Promise<CliResult[]> {
  const pooled = o.bouncer.pooledUrl(o.directUrl);
  const alembic = o.chain === 'alembic';
  const args = alembic ? ['upgrade', 'head', '--wait', '120'] : ['upgrade', 'head', '--dir', o.chainDir!, '--url', pooled, '--wait', '120'];
  const results = await Promise.all(Array.from({ length: o.processes }, () =>
    startCli(args, { timeoutMs: 180_000, cwd: alembic ? o.alembicProject : undefined, env: { DATABASE_URL: alembic ? pooled : '', MIGRATION_CHAIN_PROTECTED: '' } }).done));
  o.tally.trials++;
  for (const r of results) {
    o.tally.processes++;
    assert.equal(r.code, 0, `${o.label}: a start-up upgrade failed\n${describeRun(args, r)}`);
    o.tally.exitedZero++;
  }
  await withClient(o.directUrl, async (c) => {
    const versions = (await c.query<{ v: string }>('SELECT version_num AS v FROM alembic_version')).rows.map((r) => r.v);
    if (alembic) {
      assert.deepEqual(versions, [ALEMBIC_HEAD], `${o.label}: not at head`);
      // Alembic records nothing per migration; a second application of a CREATE TABLE would have failed a run above.
      o.tally.applied += 4;
    } else {
      assert.deepEqual(versions, [o.revisions![o.revisions!.length - 1]], `${o.label}: not at head`);
      const effects = (await c.query<{ revision: string }>(`SELECT revision FROM ${SIDE_EFFECT_TABLE}`)).rows.map((r) => r.revision);
      const doubled = effects.length - new Set(effects).size;
      o.tally.doubleApplications += doubled;
      o.tally.applied += new Set(effects).size;
      assert.equal(doubled, 0, `${o.label}: ${doubled} migration(s) applied twice: ${effects.join(', ')}`);
      assert.deepEqual([...new Set(effects)].sort(), [...o.revisions!].sort(), `${o.label}: migrations missing`);
    }
    // Exactly one process applied anything: the others waited, then found nothing to do.
    const appliers = results.filter((r) => /Upgraded .* -> /.test(r.stdout)).length;
    assert.equal(appliers, 1, `${o.label}: ${appliers} processes applied migrations\n${results.map((r) => r.stdout).join('\n---\n')}`);
    const lease = await c.query("SELECT to_regclass('public.migration_chain_lock') IS NOT NULL AS t");
    const leases = lease.rows[0].t ? Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM migration_chain_lock')).rows[0].n) : 0;
    o.tally.leasesLeft += leases;
    assert.equal(leases, 0, `${o.label}: a lease row was left behind`);
  });
  const locks = await advisoryLocksHeld(o.adminUrl, o.directUrl);
  o.tally.locksLeft += locks;
  assert.equal(locks, 0, `${o.label}: ${locks} advisory lock(s) still held on the server after every run exited`);
  return results;
}

export function describeTally(name: string, t: TrialTally, processes: number): string {
  return `${name}: ${t.trials} trials × ${processes} processes: ${t.exitedZero}/${t.processes} exited 0, ${t.applied} migrations applied, `
    + `${t.doubleApplications} double applications, ${t.locksLeft} advisory locks and ${t.leasesLeft} leases left`;
}
