// Concurrency: four `upgrade head` processes started together on one fresh database. The advisory
// lock must serialise them: every migration runs exactly once (one side-effect row each), and every
// process either succeeds or gives up with the lock-timeout message naming the holder.
import * as assert from 'node:assert/strict';
import { freshDatabaseUrl, server } from '../support/db-hooks';
import { describeRun, startCli, type CliResult } from './support/cli';
import { CRASH_CHAIN_DIR, CRASH_CHAIN_REVISIONS } from './support/crash-chain';
import { readState } from './support/consistency';
import { removeDir, slowChain, waitForRunningQuery } from './support/chains';
import * as core from '../../src/core';
import { countFromEnv, createPrng, seedFromEnv } from './support/prng';
import { startPgBouncer } from '../support/pgbouncer';
import { describeTally, newTally, pooledStartupTrial, writeTrialChain } from './support/pooled-trials';

const PROCESSES = 4;
const HEAD = CRASH_CHAIN_REVISIONS[CRASH_CHAIN_REVISIONS.length - 1];
/** The engine's lock-timeout message (LockTimeoutError) with the holder's backend pid. */
export const LOCK_TIMEOUT_NAMING_HOLDER = /Another migration run holds the lock: pid \d+/;

describe('concurrency (parallel upgrade head on one database)', function () {
  const trials = countFromEnv('CONCURRENCY_TRIALS', 12);
  this.timeout(30_000 + trials * 20_000);

  it(`${PROCESSES} processes, ${trials} trials: each migration applied exactly once`, async () => {
    const prng = createPrng(seedFromEnv());
    const tally = { trials: 0, processes: 0, succeeded: 0, lockTimeouts: 0 };
    for (let trial = 1; trial <= trials; trial++) {
      tally.trials++;
      const url = await freshDatabaseUrl('mc_concurrency');
      // Half the trials wait for the lock (all must succeed), half give up quickly (some must time out).
      const shortTimeout = trial % 2 === 0;
      const runs = Array.from({ length: PROCESSES }, (_, i) => {
        const args = ['upgrade', 'head', '--dir', CRASH_CHAIN_DIR, '--url', url];
        if (shortTimeout) args.push('--lock-timeout', (0.1 + prng.next() * 0.3).toFixed(2));
        return { args, stagger: i === 0 ? 0 : prng.int(0, 50) };
      });
      const results: { args: string[]; result: CliResult }[] = await Promise.all(runs.map(async ({ args, stagger }) => {
        await new Promise((r) => setTimeout(r, stagger));
        return { args, result: await startCli(args, { timeoutMs: 90_000 }).done };
      }));

      for (const { args, result } of results) {
        tally.processes++;
        if (result.code === 0) {
          tally.succeeded++;
          continue;
        }
        assert.match(result.stderr, LOCK_TIMEOUT_NAMING_HOLDER, `trial ${trial}: a process failed for another reason\n${describeRun(args, result)}`);
        assert.equal(result.code, 5, `trial ${trial}: lock timeout must exit 5\n${describeRun(args, result)}`);
        tally.lockTimeouts++;
      }
      assert.ok(results.some((r) => r.result.code === 0), `trial ${trial}: no process succeeded`);

      const state = await readState(url);
      assert.deepEqual(state.versions, [HEAD], `trial ${trial}: not at head`);
      const counts = new Map<string, number>();
      for (const rev of state.sideEffects ?? []) counts.set(rev, (counts.get(rev) ?? 0) + 1);
      for (const rev of CRASH_CHAIN_REVISIONS) {
        assert.equal(counts.get(rev) ?? 0, 1, `trial ${trial} (seed ${prng.seed}): ${rev} was applied ${counts.get(rev) ?? 0} times`);
      }
      assert.equal(state.sideEffects?.length, CRASH_CHAIN_REVISIONS.length, `trial ${trial}: side effects of unknown revisions`);
      await server().dropDatabase(url);
    }
    console.log(`      concurrency: seed ${prng.seed}, ${tally.trials} trials × ${PROCESSES} processes: ` +
      `${tally.succeeded} exited 0, ${tally.lockTimeouts} lock timeouts naming the holder, 0 double applications`);
    assert.ok(tally.lockTimeouts > 0 || trials < 2, 'the short-timeout trials never timed out: the lock-timeout path was not exercised');
  });

  it('the engine in-process (as the extension calls it) and the CLI share one lock', async () => {
    const slow = slowChain(60); // cancelled below, once the CLI has given up
    try {
      const url = await freshDatabaseUrl('mc_shared_lock');
      const chain = await core.loadChain(slow.dir);
      const controller = new AbortController();
      const editorRun = core.upgrade({ chain, url, target: 'head', applicationName: 'migration-chain vscode (test)', signal: controller.signal })
        .then(() => undefined, (err: unknown) => err);
      await waitForRunningQuery(url, 'pg_sleep');
      const args = ['upgrade', 'head', '--lock-timeout', '0.2', '--dir', slow.dir, '--url', url];
      const cli = await startCli(args, { timeoutMs: 30_000 }).done;
      assert.equal(cli.code, 5, describeRun(args, cli));
      assert.match(cli.stderr, /holds the lock: pid \d+ \(migration-chain vscode \(test\)\)/, describeRun(args, cli));
      controller.abort();
      const err = await editorRun;
      assert.equal((err as { code?: string } | undefined)?.code, 'cancelled', `the in-process run was not cancelled: ${String(err)}`);
      assert.deepEqual((await readState(url)).versions, [slow.base], 'the cancelled migration was rolled back');
    } finally {
      removeDir(slow.dir);
    }
  });

  // The pooled variant: the same start-up race through real PgBouncer in transaction mode (soak:
  // POOLED_CONCURRENCY_TRIALS=…; npm test runs one trial, pooler.test.ts covers the rest).
  it('through PgBouncer in transaction mode: every process exits 0, each migration once, no lock left', async function () {
    const pooledTrials = countFromEnv('POOLED_CONCURRENCY_TRIALS', 1);
    this.timeout(600_000 + pooledTrials * 60_000);
    const bouncer = await startPgBouncer(server(), 'transaction');
    const chain = writeTrialChain(false);
    try {
      const tally = newTally();
      for (let trial = 1; trial <= pooledTrials; trial++) {
        const url = await freshDatabaseUrl('mc_concurrency_pooled');
        await pooledStartupTrial({
          bouncer, directUrl: url, adminUrl: server().adminUrl, chain: 'native', processes: PROCESSES + 2, tally,
          label: `pooled trial ${trial}`, chainDir: chain.dir, revisions: chain.revisions,
        });
        await server().dropDatabase(url);
      }
      console.log(`      ${describeTally('concurrency through PgBouncer (transaction)', tally, PROCESSES + 2)}`);
    } finally {
      await bouncer.stop();
      removeDir(chain.dir);
    }
  });
});
