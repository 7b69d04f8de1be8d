// When saving a revision's file may re-apply it (downgrade + upgrade on the folder's database): the
// rules, as pure functions of the chain, the target and what the database says, so they are tested
// without a server (test/unit/reapply-rules.test.ts) and reapply.ts asks them before anything runs.
// Re-apply is for the revision being written: the chain's single head, nobody built on it, on a local
// database no protected pattern names, applied there, and with a downgrade to go back with.
import type { Chain } from '../chain/chain';
import { canDowngrade } from '../chain/formats';
import type { Migration } from '../chain/model';
import type { DatabaseTarget } from '../db/client';
import { confirmationLevel } from '../db/protected';

export type ReapplyRefusalCode =
  /** The saved file is not a revision of this chain (not a migration, or it did not parse). */
  | 'not-a-revision'
  /** The chain has errors (duplicate ids, missing parents): nothing runs on a broken chain. */
  | 'chain-errors'
  /** The database is not on this machine. */
  | 'remote'
  /** A protected pattern names the database or its host. */
  | 'protected'
  /** The chain has several heads: "the newest revision" is not one file. */
  | 'several-heads'
  /** Other revisions have it as a parent. */
  | 'not-head'
  /** A merge revision: going back means two parents. */
  | 'merge'
  /** No downgrade, or declared irreversible. */
  | 'irreversible'
  /** The database does not have it applied (or has other heads beside it). */
  | 'not-applied'
  /** Another run holds the migration lock. */
  | 'locked';

export interface ReapplyRefusal {
  code: ReapplyRefusalCode;
  message: string;
  revision?: string;
}

/** What the file alone allows: the revision it defines, or why it may not be re-applied anywhere. */
export function fileRule(chain: Chain, file: string): { migration: Migration } | { refusal: ReapplyRefusal } {
  const migration = chain.migrations.find((m) => m.file === file);
  if (!migration) return { refusal: { code: 'not-a-revision', message: `${file} is not a revision of this chain.` } };
  const revision = migration.revision;
  const refuse = (code: ReapplyRefusalCode, message: string) => ({ refusal: { code, message, revision } });
  const errors = chain.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return refuse('chain-errors', `Not re-applied: the chain has ${errors.length} error(s) (${errors[0].message}).`);
  const children = chain.migrations.filter((m) => m.downRevisions.includes(revision) || m.dependsOn.includes(revision)).map((m) => m.revision);
  if (children.length) return refuse('not-head', `Not re-applied: ${revision} is not the newest revision; ${children.join(', ')} build${children.length === 1 ? 's' : ''} on it.`);
  const heads = chain.graph.heads;
  if (heads.length !== 1) return refuse('several-heads', `Not re-applied: the chain has ${heads.length} heads (${heads.join(', ')}); re-apply works on a chain with one head.`);
  if (migration.downRevisions.length > 1) return refuse('merge', `Not re-applied: ${revision} is a merge of ${migration.downRevisions.join(' and ')}.`);
  if (migration.irreversible) return refuse('irreversible', `Not re-applied: ${revision} is declared irreversible (${migration.irreversible.reason}), so it cannot be downgraded first.`);
  if (!canDowngrade(migration)) return refuse('irreversible', `Not re-applied: ${revision} has no downgrade, so it cannot be undone before it runs again. Write its downgrade first.`);
  return { migration };
}

/** What the database allows: only a local database no protected pattern names. */
export function databaseRule(target: DatabaseTarget, protectedPatterns: readonly string[]): ReapplyRefusal | undefined {
  const level = confirmationLevel(target, protectedPatterns);
  if (level.protectedBy) return { code: 'protected', message: `Not re-applied: ${target.database} matches the protected pattern "${level.protectedBy}".` };
  if (level.remote) return { code: 'remote', message: `Not re-applied: ${target.host} is not a local database (re-apply on save runs on localhost, 127.0.0.1, ::1 or a Unix socket only).` };
  return undefined;
}

/** How the run goes, from the recorded heads: downgrade + upgrade, the upgrade alone, or a refusal. */
export type StateDecision =
  | { kind: 'reapply' }
  /** A previous re-apply of this revision stopped at its parent (its upgrade failed): upgrade it again. */
  | { kind: 'upgrade-only' }
  | { kind: 'refused'; refusal: ReapplyRefusal };

/**
 * `resume` names the revision whose last re-apply left the database at its parent: then the parent as
 * the only head is the state that re-apply itself made, and the upgrade runs again.
 */
export function stateRule(migration: Migration, heads: readonly string[], lockHeldBy: string | undefined, resume?: string): StateDecision {
  const revision = migration.revision;
  if (lockHeldBy) return { kind: 'refused', refusal: { code: 'locked', message: `Not re-applied: another run holds the migration lock (${lockHeldBy}).`, revision } };
  if (heads.length === 1 && heads[0] === revision) return { kind: 'reapply' };
  const parents = [...migration.downRevisions].sort();
  if (resume === revision && sameSet(heads, parents)) return { kind: 'upgrade-only' };
  const at = heads.length ? heads.join(', ') : 'base';
  return {
    kind: 'refused',
    refusal: {
      code: 'not-applied', revision,
      message: heads.includes(revision)
        ? `Not re-applied: the database has other heads beside ${revision} (${at}).`
        : `Not re-applied: ${revision} is not applied to this database (it is at ${at}). Upgrade to it once; later saves re-apply it.`,
    },
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((x, i) => x === b[i]);
}
