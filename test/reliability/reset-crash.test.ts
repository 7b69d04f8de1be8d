// Crash consistency of the all-or-nothing reset: SIGKILL the CLI at random moments of `reset --yes`
// (start-up and preflight, any migration, verify and COMMIT) on a database full of data. Afterwards
// the database must be either exactly the old one (schema, rows, version and audit rows) or the
// fully reset one (the crash chain at head, consistent with its reference schema), never anything
// between. RESET_CRASH_TRIALS trials (a few in `npm test`, 50 in `npm run soak`).
import * as assert from 'node:assert/strict';
import { server } from '../support/db-hooks';
import { fingerprint, populatedDatabase, type Fingerprint } from '../support/fingerprint';
import { loadChain } from '../../src/core';
import { describeRun, killAfter, startCli } from './support/cli';
import { CRASH_CHAIN_DIR, CRASH_CHAIN_LENGTH, CRASH_CHAIN_REVISIONS } from './support/crash-chain';
import { inconsistencies, readState, waitForOtherSessionsToEnd } from './support/consistency';
import { countFromEnv, createPrng, seedFromEnv } from './support/prng';
import { referenceSchemas } from './support/references';

const HEAD = CRASH_CHAIN_REVISIONS[CRASH_CHAIN_LENGTH - 1];

describe('crash consistency (SIGKILL during an all-or-nothing reset)', function () {
  const trials = countFromEnv('RESET_CRASH_TRIALS', 3);
  this.timeout(60_000 + trials * 20_000);

  it(`every kill leaves either the old database or the fully reset one (${trials} trials)`, async () => {
    const prng = createPrng(seedFromEnv());
    const chain = await loadChain(CRASH_CHAIN_DIR);
    const references = referenceSchemas(chain);
    const args = (url: string) => ['reset', '--yes', '--dir', CRASH_CHAIN_DIR, '--url', url];

    /** Why the database is neither the old one nor the fully reset one, or 'old' / 'reset'. */
    const classify = async (url: string, before: Fingerprint): Promise<'old' | 'reset' | string> => {
      const now = await fingerprint(url);
      try {
        assert.deepEqual(now, before);
        return 'old';
      } catch {
        const state = await readState(url);
        const problems = await inconsistencies(state, CRASH_CHAIN_REVISIONS, references);
        if (state.versions?.join(',') !== HEAD) problems.push(`version ${JSON.stringify(state.versions)}, expected ${HEAD}`);
        if (now.rows.migration_chain_log?.length !== CRASH_CHAIN_LENGTH) problems.push(`${now.rows.migration_chain_log?.length} audit rows`);
        if (now.namespace?.comment !== before.namespace?.comment) problems.push('the comment on public was lost');
        return problems.length ? problems.join('\n') : 'reset';
      }
    };

    // Calibration: an uninterrupted reset, timed to its first migration and to its verify.
    const calibrationUrl = await populatedDatabase('mc_reset_crash');
    const calibrationBefore = await fingerprint(calibrationUrl);
    const calibration = startCli(args(calibrationUrl), { timeoutMs: 120_000 });
    const t0 = performance.now();
    await calibration.waitForOutput(new RegExp(`-> ${CRASH_CHAIN_REVISIONS[0]}`), 60_000);
    const startupMs = performance.now() - t0;
    await calibration.waitForOutput(/▶ Verify/, 60_000);
    const verifyAt = performance.now() - t0;
    const full = await calibration.done;
    assert.equal(full.code, 0, describeRun(args(calibrationUrl), full));
    assert.match(full.stderr, /All-or-nothing: /);
    const verifyToExitMs = full.durationMs - verifyAt;
    assert.equal(await classify(calibrationUrl, calibrationBefore), 'reset');
    await server().dropDatabase(calibrationUrl);

    const tally = { kills: 0, finishedFirst: 0, old: 0, reset: 0, mismatches: 0 };
    const failures: string[] = [];
    const landed: string[] = [];
    for (let trial = 1; trial <= trials; trial++) {
      const url = await populatedDatabase('mc_reset_crash');
      const before = await fingerprint(url);
      // One kill in five from spawn (start-up, preflight, BEGIN, the drop), three in five inside a
      // migration picked uniformly, one in five from the start of verify (verify, COMMIT, exit).
      const r = prng.next();
      const phase = r < 0.2 ? 'spawn' : r < 0.8 ? `step${prng.int(1, CRASH_CHAIN_LENGTH)}` : 'verify';
      const delay = phase === 'spawn' ? prng.int(0, Math.round(startupMs * 1.2))
        : phase === 'verify' ? prng.int(0, Math.round(verifyToExitMs * 1.2)) : prng.int(0, 40);
      const mark = phase === 'spawn' ? undefined
        : phase === 'verify' ? /▶ Verify/ : new RegExp(`-> ${CRASH_CHAIN_REVISIONS[Number(phase.slice(4)) - 1]}`);
      const result = await killAfter(startCli(args(url), { timeoutMs: 120_000 }), mark, delay);
      if (result.signal === 'SIGKILL') tally.kills++;
      else {
        tally.finishedFirst++;
        assert.equal(result.code, 0, `trial ${trial} ended before the kill, but not cleanly:\n${describeRun(args(url), result)}`);
      }
      await waitForOtherSessionsToEnd(url);
      const outcome = await classify(url, before);
      landed.push(`${phase}+${delay}→${outcome === 'old' || outcome === 'reset' ? outcome : 'MISMATCH'}`);
      if (outcome === 'old') tally.old++;
      else if (outcome === 'reset') tally.reset++;
      else {
        tally.mismatches++;
        failures.push(`trial ${trial} (seed ${prng.seed}, kill ${delay} ms after ${phase}):\n${outcome}`);
      }
      await server().dropDatabase(url);
    }

    console.log(`      reset crash: seed ${prng.seed}, ${trials} trials, ${tally.kills} kills, ${tally.finishedFirst} finished before the kill; `
      + `${tally.old} left the old database, ${tally.reset} the fully reset one, ${tally.mismatches} anything else; `
      + `uninterrupted reset ${Math.round(full.durationMs)} ms (${Math.round(startupMs)} ms to the first migration, verify+commit+exit ${Math.round(verifyToExitMs)} ms)\n`
      + `      kills (timed from + ms → outcome): ${landed.join(' ')}`);
    assert.deepEqual(failures, [], `${failures.length} states between old and reset`);
    if (trials >= 20) assert.ok(tally.old > 0 && tally.reset > 0, 'the kills never landed on both sides of the COMMIT: the timing windows are wrong');
  });
});
