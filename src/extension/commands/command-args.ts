// Command arguments arrive as `unknown` (a tree node, a CodeLens ref, a Uri from the explorer, or
// nothing from the palette) and are checked here before anything uses them.
import * as vscode from 'vscode';
import { CancelledError, MigrationChainError } from '../core';
import type { Chain } from '../core';
import { chainOfFile } from '../chains/chain-keys';
import type { FolderSnapshot } from '../chains/folder-snapshot';
import type { CommandDeps } from './deps';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** `{ folderUri, revision }` from a tree node or a CodeLens; undefined otherwise. */
export function revisionRef(arg: unknown): { folderUri: string; revision: string } | undefined {
  if (isRecord(arg) && typeof arg.folderUri === 'string' && typeof arg.revision === 'string' && arg.revision !== '') {
    return { folderUri: arg.folderUri, revision: arg.revision };
  }
  return undefined;
}

/**
 * The chain an argument names, the chain of the active editor's file, else the only one, else a
 * quick pick. A file (explorer Uri, active editor) picks the chain that holds it; a file of a
 * workspace folder with several chains and none holding it narrows the pick to that folder's.
 */
export async function chooseFolder(deps: CommandDeps, arg: unknown, needChain = true): Promise<FolderSnapshot> {
  // Before the first read, a folder whose chain lives in a subfolder (backend/) is known only by
  // the folder's own key: a URL stored then would land on a key no chain reads.
  await deps.chains.ready;
  const all = deps.chains.snapshots();
  let candidates = needChain ? all.filter((s) => s.chain) : all;
  if (isRecord(arg) && typeof arg.folderUri === 'string' && !(arg instanceof vscode.Uri)) {
    const s = deps.chains.snapshot(arg.folderUri);
    if (!s) throw new MigrationChainError('usage', `The folder ${arg.folderUri} is not open in this window.`);
    return s;
  }
  const file = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (file) {
    const folderUri = vscode.workspace.getWorkspaceFolder(file)?.uri.toString();
    const owner = chainOfFile(candidates, file.fsPath, folderUri);
    if (owner && (arg instanceof vscode.Uri || candidates.length > 1)) return owner;
    if (arg instanceof vscode.Uri && folderUri) {
      const ofFolder = candidates.filter((s) => (s.folder.folderUri ?? s.folder.uri) === folderUri);
      if (ofFolder.length === 0 && !needChain) {
        const s = deps.chains.snapshot(folderUri);
        if (s) return s;
      }
      if (ofFolder.length) candidates = ofFolder;
    }
  }
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) {
    throw new MigrationChainError('usage', needChain ? 'No workspace folder has a migration chain.' : 'Open a folder first.',
      needChain ? 'Create one with "Migration Chain: New Revision".' : undefined);
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((s) => ({ label: s.folder.name, description: s.migrationsDir, snapshot: s })),
    { placeHolder: 'Which chain (workspace folder or Alembic project)?' },
  );
  if (!picked) throw new CancelledError(undefined, 'No chain chosen; nothing was changed.');
  return picked.snapshot;
}

export function requireChain(snapshot: FolderSnapshot): Chain {
  if (!snapshot.chain) {
    throw new MigrationChainError('usage', `${snapshot.folder.name}: no migration chain found.`,
      snapshot.loadError ?? 'Create one with "Migration Chain: New Revision" or set migrationChain.migrationsDir.');
  }
  return snapshot.chain;
}

/** A revision of the folder's chain, from a node/lens argument or a quick pick over `choices`. */
export async function chooseRevision(
  snapshot: FolderSnapshot,
  arg: unknown,
  choices: { revision: string; label: string; description?: string }[],
  placeHolder: string,
): Promise<string> {
  const ref = revisionRef(arg);
  if (ref) return ref.revision;
  if (choices.length === 0) throw new MigrationChainError('usage', `${snapshot.folder.name}: nothing to choose from (${placeHolder.toLowerCase()}).`);
  const picked = await vscode.window.showQuickPick(
    choices.map((c) => ({ label: c.label, description: c.description, revision: c.revision })),
    { placeHolder, matchOnDescription: true },
  );
  if (!picked) throw new CancelledError(undefined, 'No revision chosen; nothing was changed.');
  return picked.revision;
}
