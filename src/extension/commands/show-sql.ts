// Offline SQL of an upgrade (to the clicked revision, or head) in an untitled SQL document. From the
// database's current heads when connected and trusted; from base otherwise. An Alembic project's
// script is its own Alembic's `upgrade --sql`, which runs Python, so only in a trusted workspace; a
// revision that cannot run offline is a comment in the script and an error naming it.
import * as vscode from 'vscode';
import { offlineAlembic } from '../alembic';
import { core, MigrationChainError } from '../core';
import { chooseFolder, requireChain, revisionRef } from './command-args';
import type { CommandFactory } from './deps';
import { headTarget } from './migrate';

export const showSql: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg);
  const chain = requireChain(snapshot);
  const target = revisionRef(arg)?.revision ?? headTarget(snapshot);
  const from = vscode.workspace.isTrusted ? snapshot.status?.heads : undefined;
  const project = snapshot.alembicProject;
  let sql: string;
  let error: MigrationChainError | undefined;
  if (project) {
    if (!vscode.workspace.isTrusted) {
      throw new MigrationChainError('usage', 'Show SQL of an Alembic project runs its Alembic (Python), which Restricted Mode does not allow.', 'Trust the workspace, then run Show SQL again.');
    }
    const settings = deps.settings.for(deps.chains.workspaceFolder(snapshot.folder.uri));
    const alembic = await offlineAlembic({ project, settings, workspaceFolder: snapshot.folder.fsPath, log: deps.log });
    ({ sql, error } = await core().alembicSql(alembic, { chain, direction: 'up', target, from: from ?? [] }));
  } else {
    sql = await core().renderSql({ chain, direction: 'up', target, from });
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: sql });
  await vscode.window.showTextDocument(doc, { preview: false });
  if (error) throw error;
};
