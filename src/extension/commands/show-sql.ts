// Offline SQL of an upgrade (to the clicked revision, or head) in an untitled SQL document, from the
// chain's engine. From the database's current heads when connected and trusted; from base otherwise.
// An engine that runs the project's code (an Alembic project's own `upgrade --sql` runs Python) runs
// only in a trusted workspace; a revision that cannot run offline is a comment in the script and an
// error naming it.
import * as vscode from 'vscode';
import { chainEngineFor } from '../chains/chain-engine';
import { MigrationChainError } from '../core';
import { chooseFolder, requireChain, revisionRef } from './command-args';
import type { CommandFactory } from './deps';
import { headTarget } from './migrate';

export const showSql: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg);
  const chain = requireChain(snapshot);
  const target = revisionRef(arg)?.revision ?? headTarget(snapshot);
  const from = vscode.workspace.isTrusted ? snapshot.status?.heads : undefined;
  const settings = deps.settings.for(deps.chains.workspaceFolder(snapshot.folder.uri));
  const engine = chainEngineFor({ chain, alembicProject: snapshot.alembicProject, workspaceFolder: snapshot.folder.fsPath, settings });
  if (engine.runsProjectCode && !vscode.workspace.isTrusted) {
    throw new MigrationChainError('usage', `Show SQL of an ${engine.name} project runs its ${engine.name} (Python), which Restricted Mode does not allow.`, 'Trust the workspace, then run Show SQL again.');
  }
  const { sql, error } = await engine.offlineSql({ direction: 'up', target, from: from ?? [], logger: deps.log });
  const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: sql });
  await vscode.window.showTextDocument(doc, { preview: false });
  if (error) throw error;
};
