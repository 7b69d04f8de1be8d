// Timing primitives shared by every group: repeated runs, medians, whole-process timing.
import { spawnSync } from 'node:child_process';

export interface Sample {
  /** Median of the timed runs (the warm-up run is not counted). */
  median: number;
  runs: number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times `contenders` in alternation (A B A B …) so that drift on a shared machine hits all of them
 * alike. Each contender does its own untimed set-up (e.g. a fresh database) and returns the time
 * of its timed part. One untimed warm-up round fills the OS page cache and the server's caches.
 */
export async function alternate<K extends string>(
  runs: number,
  contenders: Record<K, (round: number) => Promise<number> | number>,
): Promise<Record<K, Sample>> {
  const names = Object.keys(contenders) as K[];
  const times = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round <= runs; round++) {
    for (const name of names) {
      const ms = await contenders[name](round);
      if (round > 0) times[name].push(ms);
    }
  }
  return Object.fromEntries(names.map((n) => [n, { median: median(times[n]), runs: times[n] }])) as Record<K, Sample>;
}

export interface ProcessSpec {
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export class ProcessFailed extends Error {}

/** Wall time of a whole process from spawn to exit; a non-zero exit is a failed measurement, not a number. */
export function timeProcess(spec: ProcessSpec): { ms: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  if (result.error) throw new ProcessFailed(`${spec.command}: ${result.error.message}`);
  if (result.status !== 0) {
    const tail = `${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-8).join('\n');
    throw new ProcessFailed(`${[spec.command, ...spec.args].join(' ')} exited with ${result.status ?? result.signal}:\n${tail}`);
  }
  return { ms, stdout: result.stdout };
}

/** Times an in-process function `runs` times after one warm-up call. */
export async function timeInProcess(runs: number, fn: () => unknown): Promise<Sample> {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    await fn();
    const ms = performance.now() - started;
    if (i > 0) times.push(ms);
  }
  return { median: median(times), runs: times };
}
