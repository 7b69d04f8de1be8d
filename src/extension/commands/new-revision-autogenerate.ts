// "New Revision (Autogenerate)…" for an Alembic project: the project's own `alembic revision
// --autogenerate -m MSG` (its Python, trusted workspaces only, like every Alembic run), then the new
// file opens beside its offline SQL; its lint reaches Problems through the refresh like any pending
// revision's.
import * as vscode from 'vscode';
import { chainEngineFor, runSettings } from '../chains/chain-engine';
import { CancelledError, MigrationChainError } from '../core';
import { withCancellableProgress } from '../output/progress';
import { chooseFolder, requireChain } from './command-args';
import type { CommandFactory } from './deps';
import { openUri } from './migrate';

export const newRevisionAutogenerate: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg);
  const chain = requireChain(snapshot);
  const settings = deps.settings.for(deps.chains.workspaceFolder(snapshot.folder.uri));
  const engineOf = (c: typeof chain) => chainEngineFor({ chain: c, alembicProject: snapshot.alembicProject, workspaceFolder: snapshot.folder.fsPath, settings });
  if (engineOf(chain).runsProjectCode && !vscode.workspace.isTrusted) {
    throw new MigrationChainError('usage', 'Autogenerate runs the project\'s Alembic (Python), which Restricted Mode does not allow.', 'Trust the workspace, then run it again.');
  }
  const connection = await deps.chains.connect(snapshot.folder.uri, 'New Revision (Autogenerate)');
  const { target } = connection;
  const message = await vscode.window.showInputBox({
    title: 'New Revision (Autogenerate)',
    prompt: `Message for the revision Alembic writes from the models' differences with ${target.database}`,
    placeHolder: 'add phone to prospects',
    validateInput: (v) => (v.trim() ? undefined : 'A message is required'),
  });
  if (message === undefined) throw new CancelledError('New Revision (Autogenerate) cancelled.');
  // A native chain's engine refuses here, naming New Revision from Database.
  const generated = await withCancellableProgress('alembic revision --autogenerate', (signal) =>
    engineOf(chain).autogenerate(message.trim(), runSettings(connection, settings, deps.log, signal)));
  deps.log.info(`Alembic wrote ${generated.file}`);
  await deps.chains.refresh(snapshot.folder.uri);
  const fresh = deps.chains.snapshot(snapshot.folder.uri)?.chain;
  const migration = fresh?.migrations.find((m) => m.file === generated.file);
  await openUri(generated.file, migration?.revisionLine ?? 1);
  if (fresh && migration) {
    const { sql } = await engineOf(fresh).offlineSql({ direction: 'up', target: migration.revision, from: migration.downRevisions, url: connection.url, logger: deps.log });
    const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: sql });
    await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
  }
  return `Created revision ${migration?.revision ?? generated.file} with alembic revision --autogenerate; nothing applied.`;
};
