// Figure 6: the extension's bundle size, whether pg/umzug stay unloaded until the first database
// call, and the activation time in the real extension host, which this group starts.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, timeNode } from '../lib/cli';
import { scratch, type BenchContext } from '../lib/context';
import { linearChain, writeNativeChain } from '../lib/generate';
import { atMost, type Figure, type Goal } from '../lib/report';

const PROBE = join(__dirname, '..', 'lazy-probe.js');
const EXTENSION_BUNDLE = join(REPO_ROOT, 'dist', 'extension.js');
const CLI_BUNDLE = join(REPO_ROOT, 'dist', 'cli.js');
/** What the launcher dist/cli.js loads (through a V8 code cache). */
const CLI_MAIN_BUNDLE = join(REPO_ROOT, 'dist', 'cli-main.js');
/** Where the extension-host suite's activation test records `{ activationMs }` (see bench/README.md). */
const ACTIVATION_RECORD = join(REPO_ROOT, '.test-artifacts', 'activation.json');
/** The extension-host runner (tsc output) and the title of the test that records the activation. */
const HOST_RUNNER = join(REPO_ROOT, 'out', 'test', 'extension', 'run.js');
const ACTIVATION_TEST = 'activated quickly';
const ONE_MB = 1_000_000;

interface Stage { stage: string; pg: boolean; umzug: boolean; net: boolean; ms?: number }

type ProbeResult = { stages: Stage[]; activate?: string };
const lastLine = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!) as ProbeResult;

function probe(args: string[], url?: string): ProbeResult {
  return lastLine(timeNode(PROBE, args, { cwd: REPO_ROOT, url }).stdout);
}

/** A CLI command with the probe preloaded; returns what was loaded when the process exited. */
function probeCliCommand(args: string[], url?: string): Stage {
  return lastLine(timeNode(CLI_BUNDLE, args, { cwd: REPO_ROOT, url, nodeArgs: ['-r', PROBE] }).stdout).stages[1];
}

function loadedText(s: Stage): string {
  const loaded = [s.pg && 'pg', s.umzug && 'umzug', s.net && 'net/tls'].filter(Boolean);
  return loaded.length ? `loaded: ${loaded.join(', ')}` : 'nothing loaded';
}

function lazyGoal(s: Stage): Goal {
  return { text: 'pg, umzug, net not loaded', met: !s.pg && !s.umzug && !s.net };
}

function sizeFigure(name: string, file: string, withGoal: boolean): Figure {
  const size = existsSync(file) ? statSync(file).size : undefined;
  return {
    group: 6, name, unit: 'bytes', ours: size,
    goals: withGoal ? [atMost(ONE_MB, 'bytes', size)] : [],
    note: size === undefined ? `${file} does not exist (npm run build)` : undefined,
    failed: size === undefined && withGoal,
  };
}

export async function extensionFigures(ctx: BenchContext): Promise<Figure[]> {
  const figures: Figure[] = [
    sizeFigure('extension bundle dist/extension.js (minified)', EXTENSION_BUNDLE, true),
    sizeFigure('CLI bundle dist/cli-main.js (loaded by the 2 kB launcher dist/cli.js)', CLI_MAIN_BUNDLE, false),
  ];

  ctx.progress('6: lazy loading of pg/umzug (bundle and core)');
  if (existsSync(EXTENSION_BUNDLE)) {
    const ext = probe(['extension', EXTENSION_BUNDLE]);
    for (const s of ext.stages.slice(1)) {
      figures.push({ group: 6, name: `extension: ${s.stage}`, unit: 'ms', ours: s.ms, display: `${loadedText(s)}${s.ms === undefined ? '' : ` (${s.ms.toFixed(1)} ms)`}`, goals: [lazyGoal(s)] });
    }
    if (ext.activate) figures.push({ group: 6, name: 'extension: require bundle', unit: 'ms', goals: [], failed: true, note: ext.activate });
  }

  const chainDir = writeNativeChain(join(scratch(ctx, 'lazy'), 'native'), linearChain(20));
  const url = ctx.db ? await ctx.db.server.createDatabase('bench_lazy') : undefined;
  try {
    if (existsSync(CLI_BUNDLE)) {
      // The same bundling as the extension: a file-only command should not initialise pg, and a
      // connecting one must (which shows that a `net` request is what inlined pg leaves behind).
      const history = probeCliCommand(['history', '--dir', chainDir]);
      figures.push({ group: 6, name: 'CLI bundle: history (files only)', unit: 'ms', display: loadedText(history), goals: [], note: 'for orientation: a file-only command that needs no driver' });
      if (url) {
        const status = probeCliCommand(['status', '--dir', chainDir], url);
        figures.push({ group: 6, name: 'CLI bundle: status (connects)', unit: 'ms', display: loadedText(status), goals: [{ text: 'net requested (probe control for bundles)', met: status.net }] });
      }
    }
    const core = probe(['core', chainDir], url);
    for (const s of core.stages.slice(1)) {
      const isDbCall = s.stage.startsWith('getStatus');
      figures.push({
        group: 6, name: `core (tsc output): ${s.stage}`, unit: 'ms', ours: s.ms,
        display: `${loadedText(s)} (${s.ms?.toFixed(1)} ms)`,
        // The database call must load pg: that shows the probe can see it at all.
        goals: isDbCall ? [{ text: 'pg loaded now (probe control)', met: s.pg }] : [lazyGoal(s)],
      });
    }
  } finally {
    if (url) await ctx.db!.server.dropDatabase(url);
  }

  figures.push(activationFigure(ctx));
  return figures;
}

/**
 * Starts the real extension host (test/extension/run.js, the fixture workspace, only the activation
 * test) and reads the time that test records. The record is removed first, so a figure is always
 * this run's. BENCH_HOST=0 skips it (the row then says so and counts as not measured).
 */
function activationFigure(ctx: BenchContext): Figure {
  const name = 'activation in the real extension host (start → activate() resolved)';
  const goal = (ms?: number): Goal[] => [ms === undefined ? { text: '≤ 50 ms', met: undefined } : atMost(50, 'ms', ms)];
  if (process.env.BENCH_HOST === '0') return { group: 6, name, unit: 'ms', goals: goal(), note: 'not measured: BENCH_HOST=0' };
  ctx.progress('6: activation in the real extension host (npm run test:extension, the activation test only)');
  rmSync(ACTIVATION_RECORD, { force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, MC_TEST_GREP: ACTIVATION_TEST, MC_TEST_WORKSPACES: 'fixture' };
  delete env.NODE_OPTIONS; // a profiler or loader from the caller's shell would distort the figure
  const host = spawnSync(process.execPath, [HOST_RUNNER], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 10 * 60_000 });
  const ms = existsSync(ACTIVATION_RECORD) ? (JSON.parse(readFileSync(ACTIVATION_RECORD, 'utf8')) as { activationMs?: unknown }).activationMs : undefined;
  if (typeof ms !== 'number') {
    const tail = `${host.stdout ?? ''}${host.stderr ?? ''}`.trim().split('\n').slice(-2).join(' … ');
    return { group: 6, name, unit: 'ms', goals: goal(), failed: true, note: `the extension host ran (exit ${host.status ?? host.signal}) but recorded no activation time: ${tail}` };
  }
  return { group: 6, name, unit: 'ms', ours: ms, goals: goal(ms), note: 'this run: the extension host started by the bench' };
}
