import { chooseFolder } from './command-args';
import type { CommandFactory } from './deps';
import { headTarget, migrate } from './migrate';

export const upgradeHead: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg);
  return migrate(deps, snapshot, 'up', headTarget(snapshot));
};
