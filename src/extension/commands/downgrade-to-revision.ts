import { chooseFolder, chooseRevision } from './command-args';
import type { CommandFactory } from './deps';
import { migrate, revisionChoices } from './migrate';

export const downgradeToRevision: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg);
  const applied = revisionChoices(snapshot, snapshot.status ? ['applied', 'edited'] : ['no-status']);
  const choices = [...applied, { revision: 'base', label: 'base', description: 'undo every revision' }];
  const revision = await chooseRevision(snapshot, arg, choices, 'Downgrade to which revision (it stays applied)?');
  return migrate(deps, snapshot, 'down', revision);
};
