// Offline SQL of an upgrade (to the clicked revision, or head) in an untitled SQL document. From the
// database's current heads when connected and trusted; from base otherwise.
import * as vscode from 'vscode';
import { core } from '../core';
import { chooseFolder, requireChain, revisionRef } from './command-args';
import type { CommandFactory } from './deps';
import { headTarget } from './migrate';

export const showSql: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg);
  const chain = requireChain(snapshot);
  const target = revisionRef(arg)?.revision ?? headTarget(snapshot);
  const from = vscode.workspace.isTrusted ? snapshot.status?.heads : undefined;
  const sql = await core().renderSql({ chain, direction: 'up', target, from });
  const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: sql });
  await vscode.window.showTextDocument(doc, { preview: false });
};
