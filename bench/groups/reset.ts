// Figure 7: reset of the seed chain on a database with data, in process. The all-or-nothing reset
// (drop, every migration and verify in one transaction on the locked client, then COMMIT) against
// the reset before it (the drop commits, then one transaction per migration, then verify on a fresh
// connection: `dropThenUpgrade` + `verify`, still the path of chains with a non-transactional
// migration), and the cost of a rehearsal on a scratch database (create, upgrade, verify, drop).
import { join } from 'node:path';
import { loadChain } from '../../src/core/chain/load';
import type { Chain } from '../../src/core/chain/chain';
import { upgrade } from '../../src/core/run/runner';
import { withSession } from '../../src/core/run/session';
import { rehearse } from '../../src/core/reset/rehearsal';
import { dropThenUpgrade, resetInOneTransaction } from '../../src/core/reset/native-reset';
import { verify } from '../../src/core/verify/verify';
import { REPO_ROOT } from '../lib/cli';
import type { BenchContext } from '../lib/context';
import { alternate } from '../lib/measure';
import { databaseState, withClient } from '../lib/postgres';
import { pairedRatio, type Figure } from '../lib/report';

/** A fresh database at the seed head with rows in it (untimed), `run` timed on it, then dropped. */
function onSeededDatabase(ctx: BenchContext, chain: Chain, label: string, run: (url: string) => Promise<void>) {
  const server = ctx.db!.server;
  return async (round: number) => {
    const url = await server.createDatabase('bench_reset');
    try {
      await upgrade({ chain, url });
      await withClient(url, (c) => c.query("INSERT INTO jobs (type) SELECT 'job ' || g FROM generate_series(1, 1000) AS g"));
      const started = performance.now();
      await run(url);
      const ms = performance.now() - started;
      if (round === 0) {
        const state = await databaseState(url);
        if (state.versions.join(',') !== chain.graph.heads.join(',')) throw new Error(`${label} left ${JSON.stringify(state)}`);
        const rows = await withClient(url, (c) => c.query<{ n: string }>('SELECT count(*) AS n FROM jobs'));
        if (rows.rows[0].n !== (label === 'rehearsal' ? '1000' : '0')) throw new Error(`${label} left ${rows.rows[0].n} rows in jobs`);
      }
      return ms;
    } finally {
      await server.dropDatabase(url);
    }
  };
}

async function mustVerify(chain: Chain, url: string): Promise<void> {
  const report = await verify({ chain, url });
  if (!report.ok) throw new Error(`verify failed: ${report.checks.filter((c) => !c.ok).map((c) => c.name).join(', ')}`);
}

export async function resetFigures(ctx: BenchContext): Promise<Figure[]> {
  const chain = await loadChain(join(REPO_ROOT, 'migrations'));
  const n = chain.migrations.length;
  ctx.progress(`7: reset the seed chain (${n} revisions, 1000 rows), ${ctx.runs} runs each`);
  const s = await alternate(ctx.runs, {
    allOrNothing: onSeededDatabase(ctx, chain, 'all-or-nothing', async (url) => {
      const { report } = await withSession({ url }, (session) => resetInOneTransaction(session, chain, { chain, url }));
      if (!report.ok) throw new Error('verify failed inside the all-or-nothing reset');
    }),
    twoPhase: onSeededDatabase(ctx, chain, 'drop then upgrade', async (url) => {
      await withSession({ url }, (session) => dropThenUpgrade(session, chain));
      await mustVerify(chain, url);
    }),
    rehearsal: onSeededDatabase(ctx, chain, 'rehearsal', async (url) => {
      await rehearse({ url }, async (scratchUrl) => {
        await upgrade({ chain, url: scratchUrl });
        await mustVerify(chain, scratchUrl);
      });
    }),
  });
  return [
    {
      group: 7,
      name: `reset the seed chain, ${n} revisions, all-or-nothing (in process)`,
      unit: 'ms',
      ours: s.allOrNothing.median,
      baseline: { name: 'drop, then upgrade', value: s.twoPhase.median },
      ratio: pairedRatio(s.allOrNothing, s.twoPhase),
      goals: [],
      note: 'the price of the guarantee: drop + migrations + verify in one transaction vs the drop committed first (no goal)',
    },
    {
      group: 7,
      name: 'rehearsal of the seed chain on a scratch database',
      unit: 'ms',
      ours: s.rehearsal.median,
      baseline: { name: 'all-or-nothing reset', value: s.allOrNothing.median },
      ratio: pairedRatio(s.rehearsal, s.allOrNothing),
      goals: [],
      note: 'create the scratch database, upgrade, verify, drop it; paid before the real reset of a chain with a non-transactional migration (no goal)',
    },
  ];
}
