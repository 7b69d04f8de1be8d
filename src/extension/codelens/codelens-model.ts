// What the CodeLens on a migration's revision line says, as plain data. Status comes from the
// folder's snapshot (one getStatus per refresh), never from a query per file.
import type { Migration } from '../core';
import { headAdvice, movedHead } from '../problems/head-advice';
import { formatWhen, missingParents, revisionProblems, type FolderSnapshot } from '../chains/folder-snapshot';

export interface LensView {
  /** 1-based line. */
  line: number;
  title: string;
  tooltip?: string;
  command?: string;
  args?: unknown[];
}

/** The argument an item command receives from a lens: the same keys as a tree node. */
export interface RevisionRef {
  folderUri: string;
  revision: string;
}

export const NOT_TRANSACTIONAL = '⚠ Not transactional — may partially apply';

/** On a head of a chain with several: per other head, re-parent (when safe) or merge. */
function headAdviceLenses(snapshot: FolderSnapshot, m: Migration, ref: RevisionRef): LensView[] {
  const line = m.revisionLine;
  return headAdvice(snapshot).filter((a) => a.heads.includes(m.revision)).flatMap((a): LensView[] => {
    const other = a.heads[0] === m.revision ? a.heads[1] : a.heads[0];
    if (a.advice === 'reparent-safe') {
      return movedHead(a) === m.revision
        ? [{ line, title: `⑂ Re-parent onto ${other}`, tooltip: a.reason, command: 'migrationChain.reparent', args: [{ ...ref, onto: other }] }]
        : [];
    }
    return [{ line, title: `⑂ Merge required with ${other} — Merge Heads`, tooltip: a.reason, command: 'migrationChain.mergeHeads', args: [ref] }];
  });
}

/**
 * `environments` is the one-line summary across the environments file's environments ("dev ✓ ·
 * staging ✓ · prod ○"), from the Environments view's last read; it opens the matrix.
 */
export function lensesFor(snapshot: FolderSnapshot, m: Migration, environments?: string): LensView[] {
  const line = m.revisionLine;
  const ref: RevisionRef = { folderUri: snapshot.folder.uri, revision: m.revision };
  const chain = snapshot.chain;
  const lenses: LensView[] = [];
  if (environments) {
    lenses.push({ line, title: environments, tooltip: 'Per environment: ✓ applied · ○ pending · ⚠ edited after apply · ? unknown. Opens the environments matrix.', command: 'migrationChain.environments.showMatrix' });
  }

  const missing = chain ? missingParents(chain, m) : [];
  for (const parent of missing) {
    lenses.push({ line, title: `✗ Parent ${parent} not found`, tooltip: `down_revision names ${parent}, which no migration file defines` });
  }
  if (!missing.length && chain) {
    const problems = revisionProblems(chain, m.revision);
    if (problems.length) lenses.push({ line, title: `✗ ${problems[0]}`, tooltip: problems.join('\n') });
  }

  if (!m.transactional) {
    lenses.push({ line, title: NOT_TRANSACTIONAL, tooltip: 'This migration runs without a transaction: if a statement fails, the ones before it stay applied. Upgrades through it ask for the database name.' });
  }
  lenses.push(...headAdviceLenses(snapshot, m, ref));

  const status = snapshot.status?.revisions.get(m.revision);
  if (!snapshot.status) {
    const d = snapshot.disconnected;
    if (d?.reason === 'untrusted') {
      lenses.push({ line, title: 'Restricted Mode — Trust the workspace to see status', command: 'workbench.trust.manage' });
    } else if (d?.reason === 'error' || d?.reason === 'bad-url') {
      lenses.push({ line, title: '✗ No status — Retry', tooltip: d.message, command: 'migrationChain.refresh', args: [ref] });
    } else {
      lenses.push({ line, title: 'Not connected — Set Database URL', command: 'migrationChain.setDatabaseUrl', args: [ref] });
    }
    return lenses;
  }
  // A broken revision (its problems are lensed above) still shows its database state.
  switch (status?.state) {
    case 'applied': {
      const when = formatWhen(status?.appliedAt);
      lenses.push({ line, title: when ? `✓ Applied ${when}` : '✓ Applied' });
      // Applied below the current head: undo what is above it (an Alembic project's own Alembic does it).
      lenses.push({ line, title: '↓ Downgrade to here', tooltip: `Downgrade ${snapshot.status.target.database} to ${m.revision}: undo the revisions above it; this one stays applied`, command: 'migrationChain.downgradeToHere', args: [ref] });
      break;
    }
    case 'pending':
      lenses.push({ line, title: '○ Pending — Upgrade to here', tooltip: `Upgrade ${snapshot.status.target.database} to ${m.revision}`, command: 'migrationChain.upgradeToHere', args: [ref] });
      break;
    case 'current':
      lenses.push({ line, title: '★ Current head', tooltip: `${snapshot.status.target.database} is at ${m.revision}` });
      break;
    case 'edited': {
      const when = formatWhen(status?.appliedAt);
      lenses.push({ line, title: `⚠ Edited after apply${when ? ` (applied ${when})` : ''}`, tooltip: 'The upgrade text changed after this revision was applied (checksum differs from the audit table)' });
      lenses.push({ line, title: 'Accept Current File', tooltip: 'Record the current file as applied (nothing is run; asks first)', command: 'migrationChain.acceptCurrentFile', args: [ref] });
      break;
    }
    default:
      break;
  }
  return lenses;
}
