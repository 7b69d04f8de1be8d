// Lazy access to the engine. Commands require it on first use so that starting the process costs
// only what the chosen command needs; the types come from the engine itself, so they cannot drift.

export type Core = typeof import('../core');
export type { ChainStatus, DatabaseDescription, DatabaseTarget, HeldLock, ResetPreview, RevisionState, RunPlan, RunPlanStep, RunResult, VerifyReport } from '../core';

let cached: Core | undefined;

/** The whole engine (database commands). */
export function loadCore(): Core {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the engine is required on first use, so a command loads only what it needs
  cached ??= require('../core') as Core;
  return cached;
}

/**
 * The file side of the engine (parse, graph, new revisions): `check`, `history`, `heads`,
 * `revision` and `merge` load nothing else, so a pre-commit hook stays fast.
 */
export function loadChainApi(): typeof import('../core/chain') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the engine is required on first use, so a command loads only what it needs
  return require('../core/chain') as typeof import('../core/chain');
}

/** Merge advice for several heads (pure; reads no database and loads no driver). */
export function loadAdviceApi(): typeof import('../core/advice/heads') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the engine is required on first use, so a command loads only what it needs
  return require('../core/advice/heads') as typeof import('../core/advice/heads');
}
