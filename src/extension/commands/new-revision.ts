// A new `.sql` revision on top of the current head(s); the migrations folder is created on first use.
import * as path from 'path';
import * as vscode from 'vscode';
import { CancelledError, core } from '../core';
import { chooseFolder } from './command-args';
import type { CommandFactory } from './deps';
import { openUri } from './migrate';

export const newRevision: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg, false);
  const folder = deps.chains.workspaceFolder(snapshot.folder.uri);
  const dir = snapshot.migrationsDir
    ?? path.resolve(snapshot.folder.fsPath, deps.settings.for(folder).migrationsDir ?? 'migrations');
  const message = await vscode.window.showInputBox({
    title: 'New Revision',
    prompt: `Message for the new revision in ${path.relative(snapshot.folder.fsPath, dir) || '.'}`,
    placeHolder: 'add settings table',
    validateInput: (v) => (v.trim() ? undefined : 'A message is required'),
  });
  if (message === undefined) throw new CancelledError(undefined, 'New Revision cancelled.');
  const created = await core().createRevision(dir, { message: message.trim() });
  deps.log.info(`Created revision ${created.revision}: ${created.file}`);
  await deps.chains.refresh(snapshot.folder.uri);
  const line = deps.chains.snapshot(snapshot.folder.uri)?.chain?.graph.get(created.revision)?.revisionLine ?? 1;
  await openUri(created.file, line);
};
