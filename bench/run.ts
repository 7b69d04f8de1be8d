// `npm run bench`: every figure of issue 5, each the median of several runs next to a baseline
// measured in the same run. BENCH_QUICK=1 for a smoke run with smaller sizes; BENCH_ONLY=1,3 for
// some groups; BENCH_RUNS=N timed runs per figure; BENCH_DATABASE_URL to use an existing server.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { detectAlembic } from './lib/alembic';
import { cliAvailable } from './lib/cli';
import { DEFAULT_WORK_DIR, FULL_SIZES, QUICK_SIZES, type BenchContext, type Group } from './lib/context';
import { startBenchServer } from './lib/postgres';
import { renderTable, verdict, type Figure } from './lib/report';
import { historyFigures, statusFigures } from './groups/read-commands';
import { seedUpgradeFigures, upgradeChainFigures } from './groups/upgrade';
import { inProcessFigures } from './groups/in-process';
import { extensionFigures } from './groups/extension';
import { stairwayFigures } from './groups/stairway';
import { resetFigures } from './groups/reset';
import { lintFigures } from './groups/lint';
import { fleetFigures } from './groups/fleet';
import { alembicHelperFigures } from './groups/alembic-helper';
import { alembicProjectFigures } from './groups/alembic-projects';
import { poolerFigures } from './groups/pooler';

interface GroupSpec {
  group: number;
  title: string;
  run: Group;
  needs: { database?: 'required' | 'optional'; cli?: boolean };
}

const GROUPS: GroupSpec[] = [
  { group: 1, title: 'upgrade a long chain vs the floor', run: upgradeChainFigures, needs: { database: 'required', cli: true } },
  { group: 2, title: 'upgrade the seed chain', run: seedUpgradeFigures, needs: { database: 'required', cli: true } },
  { group: 3, title: 'status with the chain applied', run: statusFigures, needs: { database: 'required', cli: true } },
  { group: 4, title: 'history of an Alembic project', run: historyFigures, needs: { cli: true } },
  { group: 5, title: 'in-process index, CodeLens and tree', run: inProcessFigures, needs: {} },
  { group: 6, title: 'extension bundle and lazy loading', run: extensionFigures, needs: { database: 'optional' } },
  { group: 7, title: 'stairway tests', run: stairwayFigures, needs: { database: 'required', cli: true } },
  { group: 8, title: 'reset the seed chain: all-or-nothing vs drop-then-upgrade, and a rehearsal', run: resetFigures, needs: { database: 'required' } },
  { group: 9, title: 'lock-risk linter', run: lintFigures, needs: {} },
  { group: 10, title: 'tenant fleet: status and upgrade of 100 databases', run: fleetFigures, needs: { database: 'required', cli: true } },
  { group: 11, title: 'reading an Alembic project through Alembic (the helper)', run: alembicHelperFigures, needs: {} },
  { group: 12, title: 'Alembic projects: first paint of a .py chain, delegated upgrade', run: alembicProjectFigures, needs: { database: 'optional' } },
  { group: 13, title: 'through PgBouncer: upgrade vs direct, start-up of 8 instances', run: poolerFigures, needs: { database: 'required', cli: true } },
];

function selectedGroups(): GroupSpec[] {
  const only = process.env.BENCH_ONLY?.split(',').map((s) => Number(s.trim())).filter(Number.isInteger);
  return only?.length ? GROUPS.filter((g) => only.includes(g.group)) : GROUPS;
}

function machine(): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM, ${os.type()} ${os.release()}, Node ${process.versions.node}; load average at start ${load}`;
}

function unmeasured(spec: GroupSpec, reason: string, failed: boolean): Figure {
  return { group: spec.group, name: spec.title, unit: 'ms', goals: [], note: reason, failed };
}

async function main(): Promise<number> {
  const quick = process.env.BENCH_QUICK === '1';
  const runs = Number(process.env.BENCH_RUNS ?? (quick ? 3 : 5));
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`BENCH_RUNS must be a positive integer, not ${process.env.BENCH_RUNS}`);
  const groups = selectedGroups();
  const started = performance.now();
  const progress = (m: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${m}\n`);

  const ctx: BenchContext = {
    quick, runs, sizes: quick ? QUICK_SIZES : FULL_SIZES, workDir: DEFAULT_WORK_DIR,
    alembic: detectAlembic(), progress,
  };
  mkdirSync(ctx.workDir, { recursive: true });
  if (groups.some((g) => g.needs.database)) {
    progress('starting PostgreSQL');
    try {
      ctx.db = await startBenchServer();
    } catch (err) {
      ctx.dbProblem = `no PostgreSQL: ${(err as Error).message}`;
    }
  }

  const busy = os.loadavg()[0] > os.cpus().length;
  const header = [
    `Migration Chain bench — ${new Date().toISOString()}${quick ? ' — QUICK (reduced sizes, not comparable with the goals)' : ''}`,
    `machine: ${machine()}`,
    `runs: median of ${runs} timed runs after 1 warm-up, contenders alternated`,
    ctx.db
      ? `PostgreSQL: ${ctx.db.origin}; ${Object.entries(ctx.db.settings).map(([k, v]) => `${k}=${v}`).join(', ')}`
      : `PostgreSQL: ${ctx.dbProblem ?? 'not needed by the selected groups'}`,
    ctx.alembic.available ? `alembic: ${ctx.alembic.version} (${[ctx.alembic.command, ...ctx.alembic.args].join(' ')})` : `alembic: NOT AVAILABLE — ${ctx.alembic.reason}; our figures are printed alone`,
  ];
  if (process.env.NODE_EXTRA_CA_CERTS) {
    header.push('NODE_EXTRA_CA_CERTS is set in this shell: removed for every Node process timed (ours and the floors); Node 20 parses that bundle at each start, and no figure uses TLS');
  }
  if (busy) header.push(`WARNING: the machine was busy (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores): absolute times are inflated; ratios are more trustworthy`);

  const figures: Figure[] = [];
  try {
    for (const spec of groups) {
      const cliProblem = spec.needs.cli ? cliAvailable() : undefined;
      if (spec.needs.database === 'required' && !ctx.db) { figures.push(unmeasured(spec, ctx.dbProblem ?? 'no database', true)); continue; }
      if (cliProblem) { figures.push(unmeasured(spec, cliProblem, true)); continue; }
      try {
        figures.push(...await spec.run(ctx));
      } catch (err) {
        progress(`group ${spec.group} failed: ${(err as Error).stack ?? err}`);
        const lines = (err as Error).message.split('\n').map((l) => l.trim()).filter(Boolean);
        figures.push(unmeasured(spec, `failed: ${lines[0]}${lines.length > 1 ? ` … ${lines[lines.length - 1]}` : ''}`, true));
      }
    }
  } finally {
    await ctx.db?.server.stop();
  }

  const table = renderTable(figures);
  const report = [...header, '', table, '', `total bench time: ${((performance.now() - started) / 1000).toFixed(1)} s`].join('\n');
  process.stdout.write(`\n${report}\n`);
  writeFileSync(join(ctx.workDir, quick ? 'last-quick.md' : 'last.md'), `${report}\n`);
  writeFileSync(join(ctx.workDir, quick ? 'last-quick.json' : 'last.json'), JSON.stringify({ header, figures }, null, 2));
  return figures.some((f) => verdict(f) === 'FAILED') ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
