// "Toggle Re-apply on Save": flips migrationChain.reapplyOnSave for the workspace (the folder of the
// active editor when the workspace has several). The save handler and the status bar item read the
// setting on each use, so the change takes effect at once.
import * as vscode from 'vscode';
import { SECTION } from '../settings/settings';
import type { CommandFactory } from './deps';

export const toggleReapplyOnSave: CommandFactory = (deps) => async () => {
  const uri = vscode.window.activeTextEditor?.document.uri;
  const folder = (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
  const on = !deps.settings.for(folder).reapplyOnSave;
  const several = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  await vscode.workspace.getConfiguration(SECTION, folder?.uri).update('reapplyOnSave', on,
    several && folder ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Workspace);
  return on
    ? 'Re-apply on save is on: saving the newest revision re-applies it to a local, unprotected database.'
    : 'Re-apply on save is off.';
};
