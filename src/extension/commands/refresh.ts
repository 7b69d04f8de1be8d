import type { CommandFactory } from './deps';

/** Re-reads files and status: of the folder a node/lens names, else of every folder. */
export const refresh: CommandFactory = (deps) => async (arg?: unknown) => {
  const folderUri = typeof arg === 'object' && arg !== null && typeof (arg as { folderUri?: unknown }).folderUri === 'string'
    ? (arg as { folderUri: string }).folderUri
    : undefined;
  await deps.chains.refresh(folderUri);
};
