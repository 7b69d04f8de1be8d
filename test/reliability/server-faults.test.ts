// Server faults mid-run: PostgreSQL stopped in immediate mode (a crash, as far as the client can
// tell) and the TCP connection cut by a proxy. The CLI must fail with one clear message, the
// database must be consistent once the server is back, and a rerun must finish the chain.
import * as assert from 'node:assert/strict';
import { startPostgres, type PgServer } from '../support/embedded-postgres';
import { server } from '../support/db-hooks';
import { loadChain } from '../../src/core';
import { describeRun, runCli, startCli, type CliResult } from './support/cli';
import { CRASH_CHAIN_DIR, CRASH_CHAIN_REVISIONS } from './support/crash-chain';
import { inconsistencies, readState, waitForOtherSessionsToEnd } from './support/consistency';
import { assertOneCleanFailure } from './support/failure-output';
import { countFromEnv, createPrng, seedFromEnv } from './support/prng';
import { startTcpProxy } from './tcp-proxy';
import { referenceSchemas } from './support/references';

const HEAD = CRASH_CHAIN_REVISIONS[CRASH_CHAIN_REVISIONS.length - 1];
const upgradeArgs = (url: string) => ['upgrade', 'head', '--dir', CRASH_CHAIN_DIR, '--url', url];

function withPort(url: string, host: string, port: number): string {
  const u = new URL(url);
  u.hostname = host;
  u.port = String(port);
  return u.toString();
}

/**
 * Starts an upgrade, waits until migration number `step` has started (its id is printed), injects
 * `fault` `delayMs` later — inside that migration or at its commit — and returns the run.
 */
async function upgradeWithFault(url: string, step: number, delayMs: number, fault: () => Promise<void> | void): Promise<CliResult> {
  const run = startCli(upgradeArgs(url), { timeoutMs: 60_000 });
  await run.waitForOutput(new RegExp(`-> ${CRASH_CHAIN_REVISIONS[step - 1]}`));
  await new Promise((r) => setTimeout(r, delayMs));
  await fault();
  return run.done;
}

describe('server faults during upgrade head', function () {
  const trials = countFromEnv('FAULT_TRIALS', 2);
  this.timeout(60_000 + trials * 30_000);
  const prng = createPrng(seedFromEnv());

  it(`PostgreSQL stopped immediately mid-run: one clear message, consistent after restart, rerun completes (${trials} trials)`, async () => {
    const dedicated: PgServer = await startPostgres();
    try {
      if (!dedicated.stopImmediately || !dedicated.restart) {
        assert.fail('this test needs the embedded server (stopImmediately/restart); TEST_DATABASE_URL servers cannot be stopped by the tests');
      }
      const chain = await loadChain(CRASH_CHAIN_DIR);
      const references = referenceSchemas(chain);
      for (let trial = 1; trial <= trials; trial++) {
        const url = await dedicated.createDatabase('mc_fault_stop');
        const step = prng.int(2, CRASH_CHAIN_REVISIONS.length - 2);
        const delay = prng.int(0, 30);
        const result = await upgradeWithFault(url, step, delay, () => dedicated.stopImmediately!());
        await dedicated.restart!();
        const state = await readState(url);
        assert.deepEqual(await inconsistencies(state, CRASH_CHAIN_REVISIONS, references), [],
          `trial ${trial} (seed ${prng.seed}, stop ${delay} ms into step ${step}): inconsistent after restart`);
        assert.notDeepEqual(state.versions, [HEAD], `trial ${trial}: the stop landed after the run finished`);

        const rerun = await runCli(upgradeArgs(url));
        assert.equal(rerun.code, 0, describeRun(upgradeArgs(url), rerun));
        assert.deepEqual((await readState(url)).versions, [HEAD]);

        // Checked last, so that a bad message does not hide the consistency checks above.
        const message = assertOneCleanFailure(upgradeArgs(url), result, dedicated.password);
        assert.equal(result.code, 4, `a lost server is a connection failure (exit 4)\n${describeRun(upgradeArgs(url), result)}`);
        assert.match(message, /127\.0\.0\.1|server|connection/i, 'the message says what was lost');
        console.log(`      stop trial ${trial}: stopped ${delay} ms into step ${step}, left at ${state.versions?.[0] ?? 'base'}; "${message.trim()}"`);
      }
    } finally {
      await dedicated.stop();
    }
  });

  it(`connection cut by a TCP proxy mid-migration: one clear message, consistent, rerun completes (${trials} trials)`, async () => {
    const srv = server();
    const proxy = await startTcpProxy({ host: srv.host, port: srv.port });
    try {
      const chain = await loadChain(CRASH_CHAIN_DIR);
      const references = referenceSchemas(chain);
      for (let trial = 1; trial <= trials; trial++) {
        const direct = await srv.createDatabase('mc_fault_cut');
        const viaProxy = withPort(direct, proxy.host, proxy.port);
        const step = prng.int(2, CRASH_CHAIN_REVISIONS.length - 2);
        const delay = prng.int(0, 30);
        let severed = 0;
        const result = await upgradeWithFault(viaProxy, step, delay, () => { severed = proxy.severAll(); });
        assert.ok(severed > 0, `trial ${trial}: no connection was open when the proxy cut`);

        await waitForOtherSessionsToEnd(direct);
        const state = await readState(direct);
        assert.deepEqual(await inconsistencies(state, CRASH_CHAIN_REVISIONS, references), [],
          `trial ${trial} (seed ${prng.seed}, cut ${delay} ms into step ${step}): inconsistent`);
        assert.notDeepEqual(state.versions, [HEAD], `trial ${trial}: the cut landed after the run finished`);

        const rerun = await runCli(upgradeArgs(viaProxy));
        assert.equal(rerun.code, 0, describeRun(upgradeArgs(viaProxy), rerun));
        assert.deepEqual((await readState(direct)).versions, [HEAD]);
        await srv.dropDatabase(direct);

        const message = assertOneCleanFailure(upgradeArgs(viaProxy), result, srv.password);
        assert.equal(result.code, 4, `a cut connection is a connection failure (exit 4)\n${describeRun(upgradeArgs(viaProxy), result)}`);
        console.log(`      cut trial ${trial}: cut ${severed} connection(s) ${delay} ms into step ${step}, left at ${state.versions?.[0] ?? 'base'}; "${message.trim()}"`);
      }
    } finally {
      await proxy.close();
    }
  });
});
