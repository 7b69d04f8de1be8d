// What an upgrade or downgrade will do, computed from the chain and the recorded heads before
// anything changes: the ordered revisions, and every reason to refuse (a broken chain, a revision
// the files do not know, a downgrade through an irreversible revision, a format run elsewhere).
import type { Direction, Migration } from '../chain/model';
import type { Chain } from '../chain/chain';
import { ChainError, MigrationChainError, TargetError, UnknownRevisionError } from '../errors';
import { irreversible } from './step';
import { canDowngrade, formatSpec } from '../chain/formats';

export interface PlannedRun {
  direction: Direction;
  from: string[];
  /** Heads after the run. */
  to: string[];
  /** Revisions in the order they run (parents first up, children first down). */
  revisions: string[];
  migrations: Migration[];
  /** Down: revisions on the way without a downgrade (only a preview gets this far with any). */
  irreversible: string[];
}

/** Refuses a chain with errors: running a chain with duplicate or dangling revisions could apply the wrong file. */
export function assertRunnable(chain: Chain): void {
  const errors = chain.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    throw new ChainError(errors, `The migration chain in ${chain.dir} has ${errors.length} error(s):\n${errors.map(formatShort).join('\n')}`);
  }
}

function formatShort(d: { file?: string; line?: number; message: string; code: string }): string {
  return `  ${d.file ? `${d.file}${d.line ? `:${d.line}` : ''}: ` : ''}${d.message} [${d.code}]`;
}

/** Recorded heads the files do not define are an UnknownRevisionError, naming the nearest known ones. */
export function assertKnownHeads(chain: Chain, heads: readonly string[]): void {
  const unknown = heads.filter((h) => !chain.graph.has(h));
  if (unknown.length === 0) return;
  const first = unknown[0];
  const nearest = chain.graph.nearest(first, 3);
  throw new UnknownRevisionError(first, nearest,
    `The database records revision${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}, which no file in ${chain.dir} defines`
    + (nearest.length ? ` (nearest known: ${nearest.join(', ')}).` : '.'));
}

/** How strict a plan is: a run refuses what a preview only lists. */
export interface PlanChecks {
  /** A downgrade through a revision without a downgrade: refused (a run), or listed (a preview names them). */
  irreversible: 'refuse' | 'list';
  /** 'native': refuse formats this engine runs elsewhere; 'any': the project's own Alembic runs every format. */
  formats: 'native' | 'any';
}

export const RUN_CHECKS: PlanChecks = { irreversible: 'refuse', formats: 'native' };

/**
 * The one planner: the revisions an upgrade or downgrade to `target` runs from `heads`, in run
 * order, and every reason to refuse. The runner (planUpgrade/planDowngrade) and the preview of a
 * confirmation (run/preview.ts planRun) differ only in `checks`.
 */
export function planRevisions(chain: Chain, heads: readonly string[], direction: Direction, target: string, checks: PlanChecks = RUN_CHECKS): PlannedRun {
  assertKnownHeads(chain, heads);
  const resolved = chain.graph.resolve(target, heads).revisions;
  if (direction === 'down') {
    const applied = chain.graph.appliedSet(heads);
    const notApplied = resolved.filter((r) => !applied.has(r));
    if (notApplied.length > 0) {
      throw new TargetError(target, `Cannot downgrade to ${notApplied.join(', ')}: it is not applied (current: ${heads.join(', ') || 'base'}).`,
        'Use upgrade to move forward, or pick a revision from `history` that is applied.');
    }
  }
  const revisions = direction === 'up' ? chain.graph.upgradePlan(heads, resolved) : chain.graph.downgradePlan(heads, resolved);
  const migrations = revisions.map((r) => mustGet(chain, r));
  const blocked = direction === 'down' ? migrations.filter((m) => !canDowngrade(m)) : [];
  if (blocked.length > 0 && checks.irreversible === 'refuse') throw irreversible(blocked);
  if (checks.formats === 'native') assertRunnableFormats(migrations);
  return {
    direction, from: [...heads], to: chain.graph.headsAfterAll(direction, heads, revisions), revisions, migrations,
    irreversible: blocked.map((m) => m.revision),
  };
}

export function planUpgrade(chain: Chain, heads: readonly string[], target: string): PlannedRun {
  return planRevisions(chain, heads, 'up', target);
}

export function planDowngrade(chain: Chain, heads: readonly string[], target: string): PlannedRun {
  return planRevisions(chain, heads, 'down', target);
}

/** Refuses a run that includes a format this engine does not execute (formats.ts says which and why). */
export function assertRunnableFormats(migrations: readonly Migration[]): void {
  for (const m of migrations) {
    const execution = formatSpec(m).execution;
    if (execution.kind !== 'elsewhere') continue;
    const same = migrations.filter((o) => o.format === m.format);
    throw new MigrationChainError('usage', `This run includes ${execution.why}: ${same.map((o) => o.revision).join(', ')}.`, execution.hint);
  }
}

function mustGet(chain: Chain, revision: string): Migration {
  const m = chain.graph.get(revision);
  if (!m) throw new MigrationChainError('chain', `The plan names ${revision}, which the chain does not define.`);
  return m;
}
