// What every group gets: sizes (full or BENCH_QUICK), run count, a scratch folder, the server, the peer.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AlembicPeer } from './alembic';
import type { BenchServer } from './postgres';
import type { Figure } from './report';
import { REPO_ROOT } from './cli';

export interface Sizes {
  /** Figure 1 and 3: revisions in the linear chain. */
  upgradeChain: number;
  /** Figure 4: Alembic .py revisions with merges. */
  history: number;
  /** Figure 5: migration files loaded in process. */
  inProcessFiles: number;
}

export interface BenchContext {
  quick: boolean;
  sizes: Sizes;
  /** Timed runs per figure (after one warm-up run). */
  runs: number;
  /** Scratch folder for generated projects (git-ignored). */
  workDir: string;
  /** undefined when no server could be started: database figures are then reported as not measured. */
  db?: BenchServer;
  dbProblem?: string;
  alembic: AlembicPeer;
  progress(message: string): void;
}

export const FULL_SIZES: Sizes = { upgradeChain: 500, history: 1000, inProcessFiles: 10_000 };
export const QUICK_SIZES: Sizes = { upgradeChain: 100, history: 200, inProcessFiles: 2_000 };

export function scratch(ctx: BenchContext, name: string): string {
  const dir = join(ctx.workDir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const DEFAULT_WORK_DIR = join(REPO_ROOT, 'bench', '.work');

/** Measures one group and returns its figures; a throw marks the group FAILED with the reason. */
export type Group = (ctx: BenchContext) => Promise<Figure[]>;
