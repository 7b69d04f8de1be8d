import { chooseFolder, chooseRevision } from './command-args';
import type { CommandFactory } from './deps';
import { migrate, revisionChoices } from './migrate';

export const upgradeToRevision: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg);
  const choices = revisionChoices(snapshot, snapshot.status ? ['pending'] : ['no-status']);
  const revision = await chooseRevision(snapshot, arg, choices, 'Upgrade to which pending revision?');
  return migrate(deps, snapshot, 'up', revision);
};
