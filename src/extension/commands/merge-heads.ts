import * as vscode from 'vscode';
import { CancelledError, core } from '../core';
import { chooseFolder, requireChain } from './command-args';
import type { CommandFactory } from './deps';
import { openUri } from './migrate';

/** A merge revision whose parents are every current head of the chain. */
export const mergeHeads: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg);
  const chain = requireChain(snapshot);
  const heads = chain.graph.heads;
  if (heads.length < 2) return `${snapshot.folder.name} has ${heads.length} head; nothing to merge.`;
  const message = await vscode.window.showInputBox({
    title: 'Merge Heads',
    prompt: `Message for the merge of ${heads.join(', ')}`,
    value: `merge ${heads.join(' and ')}`,
  });
  if (message === undefined) throw new CancelledError(undefined, 'Merge Heads cancelled.');
  const created = await core().mergeHeads(chain.dir, { message: message.trim() || undefined });
  deps.log.info(`Created merge revision ${created.revision} of ${heads.join(', ')}: ${created.file}`);
  await deps.chains.refresh(snapshot.folder.uri);
  await openUri(created.file, deps.chains.snapshot(snapshot.folder.uri)?.chain?.graph.get(created.revision)?.revisionLine ?? 1);
};
