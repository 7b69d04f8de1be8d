// Figure 10: tenant fleets. The status of 100 tenant databases (`env status`, one CLI process), and a
// fleet upgrade of the same 100 databases with the seed chain (`env upgrade`, one CLI process,
// bounded concurrency) against the loop a team writes today: `migration-chain upgrade head` once
// per database, one after the other. Both contenders start each round from the same emptied
// databases (untimed), and the first round checks every database ended at head.
import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { DEFAULT_FLEET_CONCURRENCY } from '../../src/core/environments/config';
import { CLI_BUNDLE, REPO_ROOT, timeCli } from '../lib/cli';
import { scratch, type BenchContext } from '../lib/context';
import { alternate, timeProcess, type Sample } from '../lib/measure';
import { databaseState, withClient } from '../lib/postgres';
import { atMost, fasterBy, pairedRatio, type Figure } from '../lib/report';

const TENANTS = 100;

export async function fleetFigures(ctx: BenchContext): Promise<Figure[]> {
  const server = ctx.db!.server;
  const tenants = ctx.quick ? 20 : TENANTS;
  const seedDir = join(REPO_ROOT, 'migrations');
  const project = scratch(ctx, 'fleet');
  const prefix = `bfleet${process.pid}`;
  writeFileSync(join(project, 'migration-chain.environments.json'), JSON.stringify({
    environments: { tenants: { url: { from: 'env', variable: 'TENANTS_URL' }, tenants: { databases: { pattern: `${prefix}_*` } } } },
  }));
  ctx.progress(`7: creating ${tenants} tenant databases`);
  const urls: string[] = [];
  for (let i = 0; i < tenants; i++) urls.push(await server.createDatabase(prefix));
  // BENCH_FLEET_CONCURRENCY tries another setting; the figure names the one used.
  const concurrency = Number(process.env.BENCH_FLEET_CONCURRENCY ?? DEFAULT_FLEET_CONCURRENCY);
  const envCli = (args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, TENANTS_URL: server.adminUrl };
    delete env.DATABASE_URL;
    delete env.NODE_OPTIONS;
    delete env.NODE_EXTRA_CA_CERTS;
    return timeProcess({ command: process.execPath, args: [CLI_BUNDLE, ...args], cwd: project, env });
  };
  const emptyAll = async () => {
    for (let i = 0; i < urls.length; i += 10) {
      await Promise.all(urls.slice(i, i + 10).map((u) => withClient(u, (c) => c.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public'))));
    }
  };
  const expectHead = async (label: string) => {
    const states = await Promise.all(urls.map((u) => databaseState(u)));
    const wrong = states.filter((s) => s.versions.length !== 1 || s.tables === 0).length;
    if (wrong) throw new Error(`${label} left ${wrong} of ${urls.length} databases not at head`);
  };
  try {
    ctx.progress(`7: fleet upgrade (concurrency ${concurrency}) vs a sequential loop of upgrade head, ${tenants} databases, ${Math.min(ctx.runs, 3)} runs each`);
    const s = await alternate(Math.min(ctx.runs, 3), {
      fleet: async (round: number) => {
        await emptyAll();
        const { ms } = envCli(['env', 'upgrade', 'tenants', '--dir', seedDir, '--concurrency', String(concurrency)]);
        if (round === 0) await expectHead('env upgrade');
        return ms;
      },
      loop: async (round: number) => {
        await emptyAll();
        let total = 0;
        for (const url of urls) total += timeCli(['upgrade', 'head', '--dir', seedDir], { cwd: project, url }).ms;
        if (round === 0) await expectHead('the upgrade loop');
        return total;
      },
    }) as Record<'fleet' | 'loop', Sample>;

    ctx.progress(`7: env status of ${tenants} databases, ${ctx.runs} runs`);
    const status = await alternate(ctx.runs, {
      status: (round: number) => {
        const r = envCli(['env', 'status', 'tenants', '--dir', seedDir]);
        if (round === 0 && !r.stdout.includes(`${tenants} targets, ${tenants} at head`)) throw new Error(`env status printed:\n${r.stdout.slice(0, 400)}`);
        return r.ms;
      },
    });
    const ratio = pairedRatio(s.fleet, s.loop);
    return [
      {
        group: 10, name: `env status of ${tenants} tenant databases (CLI process)`, unit: 'ms',
        ours: status.status.median, goals: [atMost(1000, 'ms', status.status.median)],
        note: 'one process: read the environments file and the chain, list the databases, read each (16 at a time)',
      },
      {
        group: 10, name: `fleet upgrade of ${tenants} tenant databases, seed chain (CLI process)`, unit: 'ms',
        ours: s.fleet.median, baseline: { name: 'sequential upgrade head loop', value: s.loop.median }, ratio,
        goals: [fasterBy(5, ratio, 'a sequential loop')],
        note: `env upgrade --concurrency ${concurrency}${concurrency === DEFAULT_FLEET_CONCURRENCY ? ' (the default)' : ''}, canary first, on ${os.cpus().length} cores; the loop runs \`migration-chain upgrade head\` once per database${ratio ? `; speed-up ${(1 / ratio).toFixed(1)}x` : ''}`,
      },
    ];
  } finally {
    for (const url of urls) await server.dropDatabase(url);
  }
}
