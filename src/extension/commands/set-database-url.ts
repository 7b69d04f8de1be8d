// Stores the folder's database URL in SecretStorage (typed into a password box; never logged).
import * as vscode from 'vscode';
import { CancelledError, core } from '../core';
import { secretKey } from '../connection/database-url';
import { urlInputFeedback } from '../connection/url-input';
import { chooseFolder } from './command-args';
import type { CommandFactory } from './deps';

export const setDatabaseUrl: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg, false);
  const url = await vscode.window.showInputBox({
    title: `Database URL for ${snapshot.folder.name}`,
    prompt: 'postgresql://user:password@host:5432/database — stored in the OS keychain (SecretStorage), never in settings',
    placeHolder: 'postgresql://user:password@localhost:5432/app',
    // The box masks the whole text; the message under it shows the URL with only the password
    // masked, so a wrong host or database is seen before it is stored (url-input.ts).
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => {
      const feedback = urlInputFeedback(v, (u) => core().parseDatabaseUrl(u));
      return {
        message: feedback.message,
        severity: feedback.severity === 'error' ? vscode.InputBoxValidationSeverity.Error : vscode.InputBoxValidationSeverity.Info,
      };
    },
  });
  if (url === undefined) throw new CancelledError(undefined, 'Set Database URL cancelled; nothing was stored.');
  const trimmed = url.trim();
  const target = core().parseDatabaseUrl(trimmed);
  deps.log.rememberUrl(trimmed);
  await deps.secrets.store(secretKey(snapshot.folder.uri), trimmed);
  // The Environments view shows this database too: re-read it now, not at its next refresh (it kept
  // "unreachable: wrong password" for minutes after the URL was fixed).
  await Promise.all([deps.chains.refresh(snapshot.folder.uri), deps.environments.refreshIfShown()]);
  return `${snapshot.folder.name}: database set to ${target.display}.`;
};
