// "Accept Current File": an applied migration whose file was edited afterwards is recorded with the
// file's current checksum, after a modal that says nothing will run.
import * as path from 'path';
import { core, MigrationChainError } from '../core';
import { confirmOrThrow } from '../confirm/confirm';
import { acceptConfirmation } from '../confirm/confirm-integrity';
import { chooseFolder, chooseRevision, requireChain } from './command-args';
import type { CommandFactory } from './deps';
import { revisionChoices } from './migrate';

export const acceptCurrentFile: CommandFactory = (deps) => async (arg?: unknown) => {
  const folderUri = (await chooseFolder(deps, arg)).folder.uri;
  const { url, target } = await deps.chains.connect(folderUri, 'Accept Current File');
  // The file may have changed since the last refresh: accept what is on disk now.
  await deps.chains.refresh(folderUri);
  const snapshot = deps.chains.snapshot(folderUri)!;
  const chain = requireChain(snapshot);
  const revision = await chooseRevision(snapshot, arg, revisionChoices(snapshot, ['edited']), 'Accept the current file of which edited revision?');
  const m = chain.graph.get(revision);
  if (!m) throw new MigrationChainError('usage', `Revision ${revision} has no file in ${snapshot.folder.name}.`);
  const status = snapshot.status?.revisions.get(revision);
  if (!status || status.state === 'pending' || status.state === 'unknown') {
    throw new MigrationChainError('usage', `${revision} is not applied to ${target.database}; there is nothing to accept.`);
  }
  await confirmOrThrow(acceptConfirmation(target, m, status, path.relative(snapshot.folder.fsPath, m.file)));
  try {
    const result = await core().acceptCurrentFile({ chain, url, revision, applicationName: 'migration-chain vscode' });
    return result.changed
      ? `Accepted the current file of ${revision}: checksum ${result.checksum.slice(0, 12)} recorded in ${target.database}.`
      : `${revision} already matched its recorded checksum; nothing was written.`;
  } finally {
    await deps.chains.refresh(folderUri);
  }
};
