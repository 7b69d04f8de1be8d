// planRun: what an upgrade or downgrade would do, for confirmation modals and `--dry-run`. Reads the
// recorded heads (no lock, no changes). A downgrade preview lists the revisions to undo newest first
// and marks those without a downgrade instead of refusing, so the modal can name them.
import type { Chain } from '../chain/chain';
import { withConnection, type DatabaseTarget, parseDatabaseUrl } from '../db/client';
import { readHeads } from '../db/version-table';
import { bookkeeping, type VersionTableOptions } from '../db/bookkeeping';
import { canDowngrade } from '../chain/formats';
import type { Direction } from '../chain/model';
import { assertRunnable, planRevisions } from './plan';

export interface RunPlanStep {
  revision: string;
  message: string;
  file: string;
  transactional: boolean;
  hasDowngrade: boolean;
}

export interface RunPlan {
  target: DatabaseTarget;
  from: string[];
  to: string[];
  /** In run order: parents first for up, newest first for down. */
  steps: RunPlanStep[];
  /** Down only: revisions on the way that have no downgrade (the run would refuse). */
  irreversible?: string[];
}

export interface PlanRunOptions extends VersionTableOptions {
  chain: Chain;
  url: string;
  direction: Direction;
  target: string;
  applicationName?: string;
  /** The run goes through the project's own Alembic, which runs every format (`.py` too): no format is refused. */
  throughAlembic?: boolean;
}

export async function planRun(options: PlanRunOptions): Promise<RunPlan> {
  assertRunnable(options.chain);
  const { chain } = options;
  const target = parseDatabaseUrl(options.url);
  const heads = await withConnection(options.url, { applicationName: options.applicationName }, (c) => readHeads(c, bookkeeping(options)));
  return previewPlan(chain, target, heads, options.direction, options.target, options.throughAlembic ?? false);
}

/** The preview of a plan from known heads: the one planner (plan.ts), listing what a run would refuse for irreversibility. */
export function previewPlan(chain: Chain, target: DatabaseTarget, heads: readonly string[], direction: Direction, to: string, throughAlembic: boolean): RunPlan {
  const planned = planRevisions(chain, heads, direction, to, { irreversible: 'list', formats: throughAlembic ? 'any' : 'native' });
  const steps = planned.migrations.map((m) => ({
    revision: m.revision, message: m.message, file: m.file, transactional: m.transactional, hasDowngrade: canDowngrade(m),
  }));
  return { target, from: planned.from, to: planned.to, steps, irreversible: direction === 'down' ? planned.irreversible : [] };
}
