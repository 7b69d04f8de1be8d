// CONTRACT STUB — the chain helper replaces the bodies; the signatures are what the rest of the
// engine, the CLI and the extension code against. Keep them (adding members is fine).
import type { ChainDiagnostic } from '../errors';
import type { Migration, ResolvedTarget } from './model';

export class RevisionGraph {
  /** Builds the graph; never throws on bad input: problems go to `diagnostics`. */
  constructor(readonly migrations: readonly Migration[]) {
    throw new Error('not implemented');
  }
  /** duplicate-revision, missing-parent, cycle, multiple-heads (warning) ... with file and line. */
  readonly diagnostics: ChainDiagnostic[] = [];
  get(revision: string): Migration | undefined { void revision; throw new Error('not implemented'); }
  has(revision: string): boolean { void revision; throw new Error('not implemented'); }
  /** Revisions with no parents, in file order. */
  get bases(): string[] { throw new Error('not implemented'); }
  /** Revisions with no children, sorted (stable). */
  get heads(): string[] { throw new Error('not implemented'); }
  parents(revision: string): string[] { void revision; throw new Error('not implemented'); }
  children(revision: string): string[] { void revision; throw new Error('not implemented'); }
  isMerge(revision: string): boolean { void revision; throw new Error('not implemented'); }
  isBranchPoint(revision: string): boolean { void revision; throw new Error('not implemented'); }
  /** Strict ancestors (parents, grandparents, ... and depends_on targets). */
  ancestors(revision: string): Set<string> { void revision; throw new Error('not implemented'); }
  descendants(revision: string): Set<string> { void revision; throw new Error('not implemented'); }
  /** Every revision, parents before children (deterministic). Revisions on a cycle are left out. */
  topologicalOrder(): string[] { throw new Error('not implemented'); }
  /** Revisions equal to or ancestors of any of `heads` (the "applied" set for those recorded heads). */
  appliedSet(heads: readonly string[]): Set<string> { void heads; throw new Error('not implemented'); }
  /**
   * Resolves an Alembic-style target: `head`, `heads`, `base`, full id, unique prefix, branch label,
   * `+N`/`-N` (relative to `current`), `<rev>+N`, `<rev>-N`, `<label>@head`. Throws TargetError.
   */
  resolve(target: string, current: readonly string[]): ResolvedTarget { void target; void current; throw new Error('not implemented'); }
  /**
   * Upgrade plan: revisions to apply, parents first, to reach `target` from the applied state
   * `currentHeads` (only the ancestors of target that are not yet applied).
   */
  upgradePlan(currentHeads: readonly string[], target: readonly string[]): string[] { void currentHeads; void target; throw new Error('not implemented'); }
  /**
   * Downgrade plan: revisions to undo, children first, to go from `currentHeads` down to `target`
   * (target revisions themselves stay applied; `[]` target = base, undo everything).
   */
  downgradePlan(currentHeads: readonly string[], target: readonly string[]): string[] { void currentHeads; void target; throw new Error('not implemented'); }
  /** Nearest known revisions for an unknown id (by common prefix / edit distance), for messages. */
  nearest(revision: string, count?: number): string[] { void revision; void count; throw new Error('not implemented'); }
}
