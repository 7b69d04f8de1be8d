// What a stairway run reports: one result per revision tested, each failure naming its step, the
// schema objects that differ, and the lines of the migration file to look at.
import type { DatabaseTarget } from '../db/client';
import type { SourceLocation } from '../errors';
import type { SchemaDiffEntry } from '../schema/diff';

/**
 * The steps of one revision's stair: `upgrade` (and its verify block), `downgrade` back to the
 * parents (compared with the parents' snapshot), `re-upgrade` (compared with the first upgrade's
 * snapshot, verify block again); `declaration` when a revision has no downgrade and says nothing.
 */
export type StairwayStep = 'upgrade' | 'verify' | 'downgrade' | 're-upgrade' | 'declaration';

export interface StairwayFinding {
  /** What this finding says, in one line (e.g. `index jobs.jobs_status_idx left behind by the downgrade`). */
  message: string;
  /** Where to fix it. */
  location: SourceLocation;
  /** The schema object, when the finding is a difference between snapshots. */
  entry?: SchemaDiffEntry;
}

export interface StairwayFailure {
  step: StairwayStep;
  /** The whole story of the failed step: a summary line, then the differences (or the error). */
  message: string;
  findings: StairwayFinding[];
}

export type RevisionOutcome =
  /** Upgrade, downgrade and re-upgrade all left the schema where it should be. */
  | 'passed'
  /** Declared irreversible: upgraded (and verified) only. */
  | 'irreversible'
  | 'failed'
  /** Not run: a revision it builds on failed to upgrade. */
  | 'skipped';

export interface RevisionResult {
  revision: string;
  file: string;
  message: string;
  /** The branch group it belongs to (see branches.ts). */
  branch: string;
  outcome: RevisionOutcome;
  failures: StairwayFailure[];
  /** Why it was skipped, or the declared reason it is irreversible. */
  note?: string;
  durationMs: number;
}

export interface StairwayReport {
  results: RevisionResult[];
  /** Revisions upgraded only to reach the tested ones (not tested themselves). */
  upgradedOnly: string[];
  /** How many times the scratch database was rebuilt after a step left it in an unknown state. */
  rebuilds: number;
  scratchDatabase: string;
  target: DatabaseTarget;
  durationMs: number;
}

/** Live progress, for the editor's test run. */
export type StairwayEvent =
  | { kind: 'started'; revision: string }
  | { kind: 'finished'; result: RevisionResult };

export function stairwayPassed(report: StairwayReport): boolean {
  return report.results.every((r) => r.outcome === 'passed' || r.outcome === 'irreversible');
}
