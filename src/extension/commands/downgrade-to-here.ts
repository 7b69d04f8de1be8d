import { MigrationChainError } from '../core';
import { chooseFolder, revisionRef } from './command-args';
import type { CommandFactory } from './deps';
import { migrate } from './migrate';

/** Undo every revision above this one; this one stays applied. */
export const downgradeToHere: CommandFactory = (deps) => async (arg?: unknown) => {
  const ref = revisionRef(arg);
  if (!ref) throw new MigrationChainError('usage', 'Downgrade to Here needs a revision: use it on a tree item, or run "Downgrade to Revision…".');
  return migrate(deps, await chooseFolder(deps, ref), 'down', ref.revision);
};
