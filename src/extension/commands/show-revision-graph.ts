// "Show Revision Graph": the chain as a picture (view title, palette, a revision's context menu).
import { MigrationChainError } from '../core';
import { GraphPanel } from '../graph/graph-panel';
import { chooseFolder, revisionRef } from './command-args';
import type { CommandFactory } from './deps';

export const showRevisionGraph: CommandFactory = (deps) => async (arg?: unknown) => {
  if (!deps.extensionUri) throw new MigrationChainError('usage', 'The revision graph needs the extension\'s own folder (not available here).');
  const snapshot = await chooseFolder(deps, arg);
  const panel = GraphPanel.show({ ...deps, extensionUri: deps.extensionUri }, snapshot.folder.uri, revisionRef(arg)?.revision);
  deps.log.info(`Revision graph of ${snapshot.folder.name} opened${panel.view ? '' : ' (laying out)'}.`);
};
