// The graph's edits as plans, checked before anything is written: re-parent a revision, remove one
// parent link of a merge, merge two heads. Each plan names the file and its new down_revision;
// the caller shows it, asks, and applies the text edit (the editor as an undoable WorkspaceEdit).
// The refusal rules are the engine's: a revision applied by a database is moved only when the
// person confirms, knowing which databases recorded it.
import * as path from 'node:path';
import type { Chain } from '../chain/chain';
import { MigrationChainError } from '../errors';
import { newRevisionId } from '../authoring/create-revision';
import { renderSqlMigration, slugify } from '../authoring/template';

export interface ParentChange {
  revision: string;
  file: string;
  /** 1-based line of the down_revision header (the revision line when there is none). */
  line: number;
  from: string[];
  to: string[];
}

function migrationOf(chain: Chain, revision: string) {
  const m = chain.graph.get(revision);
  if (!m) throw new MigrationChainError('usage', `${revision} is not a revision of the chain in ${chain.dir}.`);
  return m;
}

/** The change that makes `onto` the only parent of `revision`; refuses cycles, merges and no-ops. */
export function planReparent(chain: Chain, revision: string, onto: string): ParentChange {
  const m = migrationOf(chain, revision);
  if (!chain.graph.has(onto)) throw new MigrationChainError('usage', `${onto} is not a revision of the chain; a revision can only be put after an existing one.`);
  if (onto === revision) throw new MigrationChainError('usage', `${revision} cannot be its own parent.`);
  if (chain.graph.descendants(revision).has(onto)) {
    throw new MigrationChainError('usage', `${onto} comes after ${revision} (it is one of its descendants): re-parenting would make a cycle.`);
  }
  if (m.downRevisions.length > 1) {
    throw new MigrationChainError('usage', `${revision} is a merge of ${m.downRevisions.join(', ')}; moving it would drop the merge.`,
      'Use "Remove this parent link" to drop one parent, or edit its down_revision by hand.');
  }
  if (m.downRevisions.length === 1 && m.downRevisions[0] === onto) {
    throw new MigrationChainError('usage', `${revision} already follows ${onto}; nothing to change.`);
  }
  return { revision, file: m.file, line: m.downRevisionLine, from: [...m.downRevisions], to: [onto] };
}

/** The change that drops `parent` from a merge's parents (a revision's only parent cannot be removed). */
export function planRemoveParent(chain: Chain, revision: string, parent: string): ParentChange {
  const m = migrationOf(chain, revision);
  if (!m.downRevisions.includes(parent)) throw new MigrationChainError('usage', `${parent} is not a parent of ${revision}.`);
  if (m.downRevisions.length < 2) {
    throw new MigrationChainError('usage', `${parent} is the only parent of ${revision}; removing it would start a second base.`,
      'Re-parent the revision instead.');
  }
  return { revision, file: m.file, line: m.downRevisionLine, from: [...m.downRevisions], to: m.downRevisions.filter((p) => p !== parent) };
}

/** Where a revision is applied: the names of the databases (or environments) whose applied set holds it. */
export function appliedIn(revision: string, places: readonly { name: string; applied: ReadonlySet<string> }[]): string[] {
  return places.filter((p) => p.applied.has(revision)).map((p) => p.name);
}

export interface NewFile {
  file: string;
  revision: string;
  text: string;
}

/** A merge revision of two heads, as a new `.sql` file (not written: the caller creates it). */
export function planMergeOfHeads(chain: Chain, heads: readonly [string, string], message?: string): NewFile {
  for (const h of heads) {
    migrationOf(chain, h);
    if (!chain.graph.heads.includes(h)) throw new MigrationChainError('usage', `${h} is not a head of the chain (heads: ${chain.graph.heads.join(', ')}).`);
  }
  if (heads[0] === heads[1]) throw new MigrationChainError('usage', 'A merge needs two different heads.');
  const revision = newRevisionId(chain);
  const text = message ?? `merge ${heads[0]} and ${heads[1]}`;
  const slug = slugify(text);
  const file = path.join(path.resolve(chain.dir), slug ? `${revision}_${slug}.sql` : `${revision}.sql`);
  return { file, revision, text: renderSqlMigration({ revision, parents: [...heads], message: text }) };
}
