import { MigrationChainError } from '../core';
import { chooseFolder, revisionRef } from './command-args';
import type { CommandFactory } from './deps';
import { migrate } from './migrate';

/** From a tree item or the "Pending — Upgrade to here" lens. */
export const upgradeToHere: CommandFactory = (deps) => async (arg?: unknown) => {
  const ref = revisionRef(arg);
  if (!ref) throw new MigrationChainError('usage', 'Upgrade to Here needs a revision: use it on a tree item or a CodeLens, or run "Upgrade to Revision…".');
  return migrate(deps, await chooseFolder(deps, ref), 'up', ref.revision);
};
