// Group 13: runs through a connection pooler (real PgBouncer, Debian's package, as the tests start
// it). `migration-chain upgrade head` of the seed chain and of the long chain through PgBouncer in
// transaction mode (lease + transaction-level locks) and session mode, against the same upgrade on
// a direct connection (the session lock) measured in the same rounds; and the start-up of 8
// instances at once (time until every one has exited 0) through the transaction pooler, against the
// same 8 on a direct connection and one instance alone through the pooler, in the same rounds.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startPgBouncer, type Bouncer } from '../../test/support/pgbouncer';
import { CLI_BUNDLE } from '../lib/cli';
import { scratch, type BenchContext } from '../lib/context';
import { linearChain, writeNativeChain } from '../lib/generate';
import { alternate, type Sample } from '../lib/measure';
import { databaseState } from '../lib/postgres';
import { pairedRatio, type Figure } from '../lib/report';
import { REPO_ROOT } from '../lib/cli';

const INSTANCES = 8;

/** `migration-chain upgrade head` as a process, async (the start-up figure runs several at once). */
function runCli(args: string[], cwd: string, url: string): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url };
  delete env.NODE_OPTIONS;
  delete env.NODE_EXTRA_CA_CERTS;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BUNDLE, ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`upgrade exited ${code}: ${stderr.slice(-400)}`))));
  });
}

export async function poolerFigures(ctx: BenchContext): Promise<Figure[]> {
  const server = ctx.db!.server;
  const cwd = scratch(ctx, 'pooler-cwd');
  const seedDir = join(REPO_ROOT, 'migrations');
  const n = ctx.sizes.upgradeChain;
  const longDir = writeNativeChain(join(scratch(ctx, 'pooler-long'), 'native'), linearChain(n, 'pooled'));
  ctx.progress('13: starting PgBouncer (transaction and session pooling)');
  const tx = await startPgBouncer(server, 'transaction', { poolSize: 4 });
  const session = await startPgBouncer(server, 'session', { poolSize: 12 });
  try {
    // After the warm-up round each contender's database is checked: pooled and direct must leave the same tables.
    const expected = new Map<string, number>();
    const upgradeVia = (dir: string, through: Bouncer | undefined) => async (round: number) => {
      const url = await server.createDatabase('bench_pool');
      try {
        const ms = await runCli(['upgrade', 'head', '--dir', dir], cwd, through ? through.pooledUrl(url) : url);
        if (round === 0) {
          const state = await databaseState(url);
          const want = expected.get(dir) ?? state.tables;
          expected.set(dir, want);
          if (state.tables !== want) throw new Error(`the upgrade ${through ? `through PgBouncer (${through.mode})` : 'direct'} left ${state.tables} tables, the direct one ${want}`);
        }
        return ms;
      } finally {
        await server.dropDatabase(url);
      }
    };
    ctx.progress(`13: upgrade the seed chain direct / transaction pooler / session pooler, ${ctx.runs} runs each`);
    const seed = await alternate(ctx.runs, { direct: upgradeVia(seedDir, undefined), transaction: upgradeVia(seedDir, tx), session: upgradeVia(seedDir, session) }) as Record<string, Sample>;
    ctx.progress(`13: upgrade ${n} revisions direct / transaction pooler, ${ctx.runs} runs each`);
    const long = await alternate(ctx.runs, { direct: upgradeVia(longDir, undefined), transaction: upgradeVia(longDir, tx) }) as Record<string, Sample>;

    ctx.progress(`13: start-up of ${INSTANCES} instances at once, direct / transaction pooler, and one pooled instance, ${ctx.runs} runs`);
    const instancesAtOnce = (through: Bouncer | undefined) => async () => {
      const url = await server.createDatabase('bench_pool');
      try {
        const started = performance.now();
        await Promise.all(Array.from({ length: INSTANCES }, () => runCli(['upgrade', 'head', '--dir', seedDir, '--wait', '120'], cwd, through ? through.pooledUrl(url) : url)));
        return performance.now() - started;
      } finally {
        await server.dropDatabase(url);
      }
    };
    const startup = await alternate(ctx.runs, {
      one: async () => {
        const url = await server.createDatabase('bench_pool');
        try {
          return await runCli(['upgrade', 'head', '--dir', seedDir], cwd, tx.pooledUrl(url));
        } finally {
          await server.dropDatabase(url);
        }
      },
      fleet: instancesAtOnce(tx),
      fleetDirect: instancesAtOnce(undefined),
    }) as Record<string, Sample>;

    const note = 'PgBouncer 1.18 (Debian) on loopback, default_pool_size 4 (transaction) / 12 (session); direct = the session advisory lock, pooled = lease + transaction-level lock per step';
    return [
      { group: 13, name: 'upgrade the seed chain through PgBouncer (transaction) vs direct', unit: 'ms', ours: seed.transaction.median,
        baseline: { name: 'direct', value: seed.direct.median }, ratio: pairedRatio(seed.transaction, seed.direct), goals: [], note },
      { group: 13, name: 'upgrade the seed chain through PgBouncer (session) vs direct', unit: 'ms', ours: seed.session.median,
        baseline: { name: 'direct', value: seed.direct.median }, ratio: pairedRatio(seed.session, seed.direct), goals: [] },
      { group: 13, name: `upgrade ${n} revisions through PgBouncer (transaction) vs direct`, unit: 'ms', ours: long.transaction.median,
        baseline: { name: 'direct', value: long.direct.median }, ratio: pairedRatio(long.transaction, long.direct), goals: [] },
      { group: 13, name: `start-up: ${INSTANCES} instances' upgrade head at once (seed chain), transaction pooler vs direct`, unit: 'ms',
        ours: startup.fleet.median, baseline: { name: `${INSTANCES} instances direct`, value: startup.fleetDirect.median }, ratio: pairedRatio(startup.fleet, startup.fleetDirect), goals: [],
        note: 'time until every instance has exited 0; one applies, the others wait (lease through the pooler, session lock direct) and find nothing to do' },
      { group: 13, name: `start-up: ${INSTANCES} instances' upgrade head at once (seed chain, transaction pooler) vs one instance`, unit: 'ms',
        ours: startup.fleet.median, baseline: { name: 'one instance', value: startup.one.median }, ratio: pairedRatio(startup.fleet, startup.one), goals: [],
        note: `every instance exits 0; one applies, ${INSTANCES - 1} wait for the lease and find nothing to do` },
    ];
  } finally {
    await tx.stop();
    await session.stop();
  }
}
