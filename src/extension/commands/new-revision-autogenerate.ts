// "New Revision (Autogenerate)…" for an Alembic project: the project's own `alembic revision
// --autogenerate -m MSG` (its Python, trusted workspaces only, like every Alembic run), then the new
// file opens beside its offline SQL; its lint reaches Problems through the refresh like any pending
// revision's.
import * as vscode from 'vscode';
import { alembicOptions, offlineAlembic } from '../alembic';
import { core, MigrationChainError } from '../core';
import { withCancellableProgress } from '../progress';
import { chooseFolder, requireChain } from './command-args';
import type { CommandFactory } from './deps';
import { openUri } from './migrate';

export const newRevisionAutogenerate: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg);
  const chain = requireChain(snapshot);
  const project = snapshot.alembicProject;
  if (!project) {
    throw new MigrationChainError('usage', `${snapshot.folder.name}: autogenerate compares an Alembic project's models with the database; this chain has no alembic.ini.`,
      'For a native chain use "Migration Chain: New Revision from Database…".');
  }
  if (!vscode.workspace.isTrusted) {
    throw new MigrationChainError('usage', 'Autogenerate runs the project\'s Alembic (Python), which Restricted Mode does not allow.', 'Trust the workspace, then run it again.');
  }
  const { url, target } = await deps.chains.connect(snapshot.folder.uri, 'New Revision (Autogenerate)');
  const message = await vscode.window.showInputBox({
    title: 'New Revision (Autogenerate)',
    prompt: `Message for the revision Alembic writes from the models' differences with ${target.database}`,
    placeHolder: 'add phone to prospects',
    validateInput: (v) => (v.trim() ? undefined : 'A message is required'),
  });
  if (message === undefined) throw new MigrationChainError('cancelled', 'New Revision (Autogenerate) cancelled.');
  const settings = deps.settings.for(deps.chains.workspaceFolder(snapshot.folder.uri));
  const generated = await withCancellableProgress('alembic revision --autogenerate', async (signal) =>
    core().alembicAutogenerate(await alembicOptions({ project, chain, url, settings, workspaceFolder: snapshot.folder.fsPath, log: deps.log, signal }), message.trim()));
  deps.log.info(`Alembic wrote ${generated.file}`);
  await deps.chains.refresh(snapshot.folder.uri);
  const fresh = deps.chains.snapshot(snapshot.folder.uri)?.chain;
  const migration = fresh?.migrations.find((m) => m.file === generated.file);
  await openUri(generated.file, migration?.revisionLine ?? 1);
  if (fresh && migration) {
    const offline = await offlineAlembic({ project, settings, workspaceFolder: snapshot.folder.fsPath, log: deps.log, url });
    const { sql } = await core().alembicSql(offline, { chain: fresh, direction: 'up', target: migration.revision, from: migration.downRevisions });
    const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: sql });
    await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
  }
  return `Created revision ${migration?.revision ?? generated.file} with alembic revision --autogenerate; nothing applied.`;
};
