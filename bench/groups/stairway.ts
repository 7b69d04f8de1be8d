// Figures 7: `migration-chain test` (the stairway: upgrade, downgrade, upgrade again per revision,
// three catalog snapshots each) as a whole CLI process. The seed chain against its own
// `upgrade head`; a generated 100-revision history (with merges) against `upgrade head` of the
// same files; and the time per revision at 100 against 25 revisions of the same shape, which stays
// flat when the cost is linear in revisions.
import { join } from 'node:path';
import { REPO_ROOT, timeCli } from '../lib/cli';
import { scratch, type BenchContext } from '../lib/context';
import { historyWithMerges, writeNativeChain } from '../lib/generate';
import { alternate, type Sample } from '../lib/measure';
import { atMost, pairedRatio, ratioAtMost, type Figure } from '../lib/report';

export async function stairwayFigures(ctx: BenchContext): Promise<Figure[]> {
  const server = ctx.db!.server;
  const cwd = scratch(ctx, 'stairway-cwd');
  // The stairway never changes this database (its scratch databases are created next to it).
  const url = await server.createDatabase('bench_stairway');
  const seedDir = join(REPO_ROOT, 'migrations');
  const dirs = { 25: '', 100: '' };
  for (const n of [25, 100] as const) dirs[n] = writeNativeChain(join(scratch(ctx, `stairway-${n}`), 'native'), historyWithMerges(n));

  const stairway = (dir: string) => () => timeCli(['test', '--dir', dir], { cwd, url }).ms;
  // Each upgrade gets a fresh database, as in figure 2.
  const upgrade = (dir: string) => async () => {
    const fresh = await server.createDatabase('bench_stairway_up');
    try {
      return timeCli(['upgrade', 'head', '--dir', dir], { cwd, url: fresh }).ms;
    } finally {
      await server.dropDatabase(fresh);
    }
  };

  ctx.progress(`7: stairway of the seed chain vs its upgrade, ${ctx.runs} runs each`);
  const seed = await alternate(ctx.runs, { stairway: stairway(seedDir), upgrade: upgrade(seedDir) }) as Record<string, Sample>;
  const runs = Math.min(ctx.runs, 3);
  ctx.progress(`7: stairway of 25 and 100 generated revisions, upgrade of 100, ${runs} runs each`);
  const big = await alternate(runs, { s25: stairway(dirs[25]), s100: stairway(dirs[100]), up100: upgrade(dirs[100]) }) as Record<string, Sample>;
  await server.dropDatabase(url);

  const per100 = big.s100.median / 100;
  const per25 = big.s25.median / 25;
  return [
    {
      group: 7,
      name: 'stairway of the seed chain, 4 revisions (`test`, CLI process)',
      unit: 'ms',
      ours: seed.stairway.median,
      baseline: { name: 'upgrade head', value: seed.upgrade.median },
      ratio: pairedRatio(seed.stairway, seed.upgrade),
      goals: [atMost(3000, 'ms', seed.stairway.median)],
      note: 'includes creating and dropping the scratch database',
    },
    {
      group: 7,
      name: 'stairway of 100 generated revisions with merges (CLI process)',
      unit: 'ms',
      ours: big.s100.median,
      baseline: { name: 'upgrade head', value: big.up100.median },
      ratio: pairedRatio(big.s100, big.up100),
      goals: [],
      note: `${per100.toFixed(1)} ms per revision (3 steps + 3 catalog snapshots each)`,
    },
    {
      group: 7,
      name: 'stairway time per revision: 100 vs 25 revisions',
      unit: 'ms',
      ours: per100,
      baseline: { name: 'per revision at 25', value: per25 },
      ratio: per100 / per25,
      goals: [ratioAtMost(1.25, per100 / per25, 'per revision at 25 (linear cost)')],
      note: 'a cost growing with the chain (quadratic) would give ~4x',
    },
  ];
}
