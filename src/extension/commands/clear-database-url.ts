import { secretKey } from '../connection/database-url';
import { chooseFolder } from './command-args';
import type { CommandFactory } from './deps';

export const clearDatabaseUrl: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg, false);
  await deps.secrets.delete(secretKey(snapshot.folder.uri));
  await Promise.all([deps.chains.refresh(snapshot.folder.uri), deps.environments.refreshIfShown()]);
  return `${snapshot.folder.name}: stored database URL removed.`;
};
