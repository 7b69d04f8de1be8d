// The words of the "Accept Current File" and "Re-parent…" modals. No `vscode`.
import type { DatabaseTarget, Migration, RevisionStatus } from '../core';
import { targetLines, type Confirmation } from './confirm-text';
import { formatWhen } from '../chains/folder-snapshot';

export function acceptConfirmation(target: DatabaseTarget, m: Migration, status: RevisionStatus | undefined, file: string): Confirmation {
  const when = formatWhen(status?.appliedAt);
  const recorded = status?.appliedChecksum
    ? `Applied${when ? ` ${when}` : ''} with checksum ${status.appliedChecksum.slice(0, 12)}; the file's checksum is now ${m.checksum.slice(0, 12)}.`
    : `Applied without a recorded checksum (by Alembic, or before the audit log existed); the file's checksum is ${m.checksum.slice(0, 12)}.`;
  return {
    message: `Accept the current file of ${m.revision} as applied to ${target.database}?`,
    detail: [
      ...targetLines(target),
      '',
      `File: ${file}`,
      recorded,
      '',
      'Nothing is run: the edit is NOT applied to the database. Accept only after checking that the database already matches the file.',
    ].join('\n'),
    button: 'Accept',
  };
}

export interface ReparentPlan {
  /** The first revision of the moved branch: its down_revision is rewritten. */
  root: Migration;
  onto: string;
  /** The file as shown (relative to the workspace folder). */
  file: string;
  /** What the applied-set check rests on. */
  basis: string;
}

export function reparentConfirmation(p: ReparentPlan): Confirmation {
  const from = p.root.downRevisions.length ? p.root.downRevisions.join(', ') : '(none: a base)';
  return {
    message: `Re-parent ${p.root.revision} onto ${p.onto}? This rewrites ${p.file}.`,
    detail: [
      `File: ${p.file}, line ${p.root.downRevisionLine}`,
      `down_revision: ${from} → ${p.onto}`,
      'Nothing else in the file changes.',
      '',
      p.basis,
    ].join('\n'),
    button: 'Re-parent',
  };
}
