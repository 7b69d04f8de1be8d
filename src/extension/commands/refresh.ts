import { isRecord } from './command-args';
import type { CommandFactory } from './deps';

/** Re-reads files and status: of the folder a node/lens names, else of every folder. */
export const refresh: CommandFactory = (deps) => async (arg?: unknown) => {
  const folderUri = isRecord(arg) && typeof arg.folderUri === 'string' ? arg.folderUri : undefined;
  await deps.chains.refresh(folderUri);
};
