// Figures 3 and 4: read-only commands as whole processes — status with N revisions applied, and
// the history of an Alembic project with merges — against the same commands of alembic.
import { join } from 'node:path';
import { timeAlembic } from '../lib/alembic';
import { timeCli, timeNode } from '../lib/cli';
import { scratch, type BenchContext } from '../lib/context';
import { historyWithMerges, linearChain, writeAlembicProject, writeNativeChain } from '../lib/generate';
import { alternate, type Sample } from '../lib/measure';
import { atMost, fasterBy, pairedRatio, type Figure } from '../lib/report';
import { alembicMissing, FLOOR_SCRIPT } from './upgrade';

/** A measurement that printed something other than expected is a broken figure, not a fast one. */
function expectIn(output: string, needles: readonly string[], label: string): void {
  const missing = needles.filter((n) => !output.includes(n));
  if (missing.length) throw new Error(`${label} did not print ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` (+${missing.length - 3} more)` : ''}:\n${output.slice(0, 400)}`);
}

export async function statusFigures(ctx: BenchContext): Promise<Figure[]> {
  const n = ctx.sizes.upgradeChain;
  const root = scratch(ctx, 'status');
  const chain = linearChain(n);
  const head = chain[n - 1].revision;
  const nativeDir = writeNativeChain(join(root, 'native'), chain);
  const alembicDir = ctx.alembic.available ? join(root, 'alembic') : undefined;
  if (alembicDir) writeAlembicProject(alembicDir, chain);
  const cwd = scratch(ctx, 'cwd');

  const server = ctx.db!.server;
  const url = await server.createDatabase('bench_status');
  try {
    ctx.progress(`3: applying ${n} revisions once, then status/current, ${ctx.runs} runs each`);
    timeCli(['upgrade', 'head', '--dir', nativeDir], { cwd, url });
    const check = (label: string) => (out: string, round: number) => { if (round === 0) expectIn(out, [head], label); };
    const checkStatus = check('migration-chain status');
    const checkCurrent = check('migration-chain current');
    const checkAlembic = check('alembic current');
    const runners: Record<string, (round: number) => number> = {
      floor: (round) => { const r = timeNode(FLOOR_SCRIPT, ['--read'], { cwd, url }); check('the floor script')(r.stdout, round); return r.ms; },
      status: (round) => { const r = timeCli(['status', '--dir', nativeDir], { cwd, url }); checkStatus(r.stdout, round); return r.ms; },
      current: (round) => { const r = timeCli(['current', '--dir', nativeDir], { cwd, url }); checkCurrent(r.stdout, round); return r.ms; },
    };
    const peer = ctx.alembic;
    if (peer.available && alembicDir) {
      runners.alembic = (round) => { const r = timeAlembic(peer, alembicDir, ['current'], url); checkAlembic(r.stdout, round); return r.ms; };
    }
    const s = await alternate(ctx.runs, runners) as Record<string, Sample>;
    const note = s.alembic ? undefined : alembicMissing(ctx);
    return [
      {
        group: 3, name: 'status vs the floor (node + pg: connect, read the version rows)', unit: 'ms',
        ours: s.status.median, baseline: { name: 'floor', value: s.floor.median }, ratio: pairedRatio(s.status, s.floor), goals: [],
        note: 'for orientation (no goal): what any Node client pays for a process, pg and a connection',
      },
      {
        group: 3, name: `status with ${n} applied (CLI process)`, unit: 'ms',
        ours: s.status.median, baseline: { name: 'alembic current', value: s.alembic?.median }, ratio: pairedRatio(s.status, s.alembic),
        goals: [atMost(80, 'ms', s.status.median), fasterBy(5, pairedRatio(s.status, s.alembic), 'alembic current')],
        note,
      },
      {
        group: 3, name: `current with ${n} applied (CLI process)`, unit: 'ms',
        ours: s.current.median, baseline: { name: 'alembic current', value: s.alembic?.median }, ratio: pairedRatio(s.current, s.alembic),
        goals: [atMost(80, 'ms', s.current.median), fasterBy(5, pairedRatio(s.current, s.alembic), 'alembic current')],
        note,
      },
    ];
  } finally {
    await server.dropDatabase(url);
  }
}

export async function historyFigures(ctx: BenchContext): Promise<Figure[]> {
  const n = ctx.sizes.history;
  const revisions = historyWithMerges(n);
  const merges = revisions.filter((r) => r.parents.length > 1).length;
  const project = join(scratch(ctx, 'history'), 'alembic');
  const versions = writeAlembicProject(project, revisions);
  const ids = revisions.map((r) => r.revision);
  const cwd = scratch(ctx, 'cwd');
  ctx.progress(`4: history of ${n} Alembic .py revisions (${merges} merges), ${ctx.runs} runs each`);
  const runners: Record<string, (round: number) => number> = {
    node: () => timeNode('-e', ['0'], { cwd }).ms,
    ours: (round) => {
      const r = timeCli(['history', '--dir', versions], { cwd });
      if (round === 0) expectIn(r.stdout, ids, 'migration-chain history');
      return r.ms;
    },
  };
  const peer = ctx.alembic;
  if (peer.available) {
    runners.alembic = (round) => {
      const r = timeAlembic(peer, project, ['history']);
      if (round === 0) expectIn(r.stdout, ids, 'alembic history');
      return r.ms;
    };
  }
  const s = await alternate(ctx.runs, runners) as Record<string, Sample>;
  return [{
    group: 4, name: `history of ${n} Alembic .py revisions, ${merges} merges (CLI process)`, unit: 'ms',
    ours: s.ours.median, baseline: { name: 'alembic history', value: s.alembic?.median }, ratio: pairedRatio(s.ours, s.alembic),
    goals: [fasterBy(5, pairedRatio(s.ours, s.alembic), 'alembic history')],
    note: s.alembic ? undefined : alembicMissing(ctx),
  }, {
    group: 4, name: 'history vs a bare `node -e 0`', unit: 'ms',
    ours: s.ours.median, baseline: { name: 'node -e 0', value: s.node.median }, ratio: pairedRatio(s.ours, s.node), goals: [],
    note: 'for orientation (no goal): the process start-up every Node CLI pays',
  }];
}
