// Stores the folder's database URL in SecretStorage (typed into a password box; never logged).
import * as vscode from 'vscode';
import { CancelledError, core } from '../core';
import { secretKey } from '../connection/database-url';
import { chooseFolder } from './command-args';
import type { CommandFactory } from './deps';

export const setDatabaseUrl: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg, false);
  const url = await vscode.window.showInputBox({
    title: `Database URL for ${snapshot.folder.name}`,
    prompt: 'postgresql://user:password@host:5432/database — stored in the OS keychain (SecretStorage), never in settings',
    placeHolder: 'postgresql://user:password@localhost:5432/app',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => {
      if (!v.trim()) return 'Enter a URL';
      try { core().parseDatabaseUrl(v.trim()); return undefined; } catch (err) { return err instanceof Error ? err.message : String(err); }
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
