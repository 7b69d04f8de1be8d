// Figures 1 and 2: `migration-chain upgrade head` as a whole process on a fresh database, against
// the floor (a minimal pg script) and against `alembic upgrade head` on an equivalent project.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RevisionGraph } from '../../src/core/chain/graph';
import type { Migration } from '../../src/core/chain/model';
import { parseSqlMigration } from '../../src/core/chain/parse-sql';
import { timeAlembic } from '../lib/alembic';
import { REPO_ROOT, timeCli, timeNode } from '../lib/cli';
import { scratch, type BenchContext } from '../lib/context';
import { linearChain, writeAlembicProject, writeNativeChain, type GeneratedRevision } from '../lib/generate';
import { alternate, type Sample } from '../lib/measure';
import { databaseState } from '../lib/postgres';
import { atMost, fasterBy, pairedRatio, ratioAtMost, type Figure } from '../lib/report';

export const FLOOR_SCRIPT = join(__dirname, '..', 'floor.js');

/** A chain in both formats plus the floor's plan, and what a database looks like after it. */
interface Workload {
  nativeDir: string;
  alembicDir?: string;
  floorPlan: string;
  /** The state every contender must leave; `tables` unset: the first contender's count becomes it. */
  expected: { versions: string[]; tables?: number };
}

function prepareWorkload(ctx: BenchContext, name: string, revisions: GeneratedRevision[], head: string, nativeDir?: string, tables?: number): Workload {
  const root = scratch(ctx, name);
  const floorPlan = join(root, 'floor-plan.json');
  writeFileSync(floorPlan, JSON.stringify({ steps: revisions.map((r) => ({ revision: r.revision, sql: r.upgradeSql })) }));
  const alembicDir = ctx.alembic.available ? join(root, 'alembic') : undefined;
  if (alembicDir) writeAlembicProject(alembicDir, revisions);
  return {
    nativeDir: nativeDir ?? writeNativeChain(join(root, 'native'), revisions),
    alembicDir,
    floorPlan,
    expected: { versions: [head], tables },
  };
}

type Runner = (url: string) => number;

/**
 * One contender on a fresh database per run. After the warm-up run the database is checked, so a
 * contender that silently did less work can never look fast.
 */
function onFreshDatabase(ctx: BenchContext, label: string, expected: Workload['expected'], run: Runner) {
  const server = ctx.db!.server;
  return async (round: number) => {
    const url = await server.createDatabase('bench');
    try {
      const ms = run(url);
      if (round === 0) {
        const state = await databaseState(url);
        expected.tables ??= state.tables;
        if (state.versions.join(',') !== expected.versions.join(',') || state.tables !== expected.tables) {
          throw new Error(`${label} left ${JSON.stringify(state)}, expected ${JSON.stringify(expected)}`);
        }
      }
      return ms;
    } finally {
      await server.dropDatabase(url);
    }
  };
}

function contenders(ctx: BenchContext, w: Workload) {
  const cwd = scratch(ctx, 'cwd'); // no .env, no alembic.ini: only what the arguments say
  const runners: Record<string, (round: number) => Promise<number>> = {
    ours: onFreshDatabase(ctx, 'migration-chain upgrade head', w.expected,
      (url) => timeCli(['upgrade', 'head', '--dir', w.nativeDir], { cwd, url }).ms),
    floor: onFreshDatabase(ctx, 'the floor script', w.expected,
      (url) => timeNode(FLOOR_SCRIPT, [w.floorPlan], { cwd, url }).ms),
  };
  if (w.alembicDir && ctx.alembic.available) {
    const peer = ctx.alembic;
    const dir = w.alembicDir;
    runners.alembic = onFreshDatabase(ctx, 'alembic upgrade head', w.expected,
      (url) => timeAlembic(peer, dir, ['upgrade', 'head'], url).ms);
  }
  return runners;
}

const floorNote = 'floor = node + pg, one client, per migration BEGIN; statement; version-row UPDATE; COMMIT (no files, graph or lock)';

export async function upgradeChainFigures(ctx: BenchContext): Promise<Figure[]> {
  const n = ctx.sizes.upgradeChain;
  ctx.progress(`1: generating ${n} trivial revisions (native .sql and Alembic .py)`);
  const chain = linearChain(n);
  const w = prepareWorkload(ctx, 'upgrade-chain', chain, chain[n - 1].revision, undefined, n);
  ctx.progress(`1: upgrade ${n} revisions, ${ctx.runs} runs each (fresh database per run)`);
  const s = await alternate(ctx.runs, contenders(ctx, w)) as Record<string, Sample>;
  const figures: Figure[] = [{
    group: 1,
    name: `upgrade ${n} trivial revisions (CLI process)`,
    unit: 'ms',
    ours: s.ours.median,
    baseline: { name: 'floor', value: s.floor.median },
    ratio: pairedRatio(s.ours, s.floor),
    goals: [ratioAtMost(1.2, pairedRatio(s.ours, s.floor), 'the floor')],
    note: floorNote,
  }];
  figures.push({
    group: 1,
    name: `upgrade ${n} trivial revisions vs alembic`,
    unit: 'ms',
    ours: s.ours.median,
    baseline: { name: 'alembic', value: s.alembic?.median },
    ratio: pairedRatio(s.ours, s.alembic),
    goals: [],
    note: s.alembic ? 'for orientation (no goal); alembic runs with transaction_per_migration=True' : alembicMissing(ctx),
  });
  return figures;
}

/** The seed's chain (migrations/) as the .sql files are, and as an equivalent Alembic project. */
function seedRevisions(): { dir: string; revisions: GeneratedRevision[]; head: string } {
  const dir = join(REPO_ROOT, 'migrations');
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const f of files) {
    const file = join(dir, f);
    const parsed = parseSqlMigration(file, readFileSync(file, 'utf8'));
    if (!parsed.ok) throw new Error(`${file} does not parse: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
    migrations.push(parsed.migration);
  }
  const graph = new RevisionGraph(migrations);
  if (graph.heads.length !== 1) throw new Error(`the seed chain in ${dir} has ${graph.heads.length} heads, expected 1`);
  // Parents first: the floor script applies its steps in list order.
  const revisions = graph.topologicalOrder().map((id): GeneratedRevision => {
    const m = graph.get(id)!;
    return { revision: id, parents: m.downRevisions, message: m.message, upgradeSql: m.upgrade?.text ?? '', downgradeSql: m.downgrade?.text ?? '' };
  });
  return { dir, revisions, head: graph.heads[0] };
}

export async function seedUpgradeFigures(ctx: BenchContext): Promise<Figure[]> {
  const seed = seedRevisions();
  const w = prepareWorkload(ctx, 'seed', seed.revisions, seed.head, seed.dir);
  ctx.progress(`2: upgrade the seed chain (${seed.revisions.length} revisions), ${ctx.runs} runs each`);
  const s = await alternate(ctx.runs, contenders(ctx, w)) as Record<string, Sample>;
  return [
    {
      group: 2,
      name: `upgrade the seed chain, ${seed.revisions.length} revisions (CLI process)`,
      unit: 'ms',
      ours: s.ours.median,
      baseline: { name: 'alembic', value: s.alembic?.median },
      ratio: pairedRatio(s.ours, s.alembic),
      goals: [atMost(150, 'ms', s.ours.median), fasterBy(2, pairedRatio(s.ours, s.alembic), 'alembic')],
      note: s.alembic ? undefined : alembicMissing(ctx),
    },
    {
      group: 2,
      name: 'upgrade the seed chain vs the floor',
      unit: 'ms',
      ours: s.ours.median,
      baseline: { name: 'floor', value: s.floor.median },
      ratio: pairedRatio(s.ours, s.floor),
      goals: [],
      note: 'for orientation (no goal)',
    },
  ];
}

export function alembicMissing(ctx: BenchContext): string {
  return ctx.alembic.available ? 'alembic failed' : `alembic not measured: ${ctx.alembic.reason}`;
}
