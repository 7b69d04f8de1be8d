// The graph's edits, through the engine's plans and refusal rules (core/graph-view/edits.ts) and
// the same modal as "Re-parent…": the modal shows the header line before and after, and names
// every database the Environments view (or the connection) knows to have applied the revision.
// Text changes go through a WorkspaceEdit and a save, so Ctrl+Z in the file undoes them; new files
// (a merge revision, a restored parent) are created by a WorkspaceEdit too ("Undo Create File").
import * as path from 'path';
import * as vscode from 'vscode';
import { ConfirmationError, core, MigrationChainError, type ParentChange } from '../core';
import { confirmOrThrow } from '../confirm/confirm';
import type { EnvironmentEntry } from '../environments/environments-model';
import type { FolderSnapshot } from '../chains/folder-snapshot';

/** Every place known to have applied `revision`: the connected database, each environment member. */
export function appliedPlaces(snapshot: FolderSnapshot, environments: readonly EnvironmentEntry[], revision: string): string[] {
  const chain = snapshot.chain!;
  const places: { name: string; applied: ReadonlySet<string> }[] = [];
  if (snapshot.status) places.push({ name: `${snapshot.status.target.database} (connected)`, applied: chain.graph.appliedSet(snapshot.status.heads) });
  for (const e of environments) {
    for (const t of e.status?.targets ?? []) {
      // The implicit environment is usually the connected database itself: named once.
      if (t.display === snapshot.status?.target.display) continue;
      if (t.reachable && !t.error) places.push({ name: e.tenantSet ? `${e.name}:${t.id}` : e.name, applied: chain.graph.appliedSet(t.heads) });
    }
  }
  const names = core().appliedIn(revision, places);
  return names.length > 6 ? [...names.slice(0, 5), `and ${names.length - 5} more`] : names;
}

function headerLine(document: vscode.TextDocument, offset: number): string {
  return document.lineAt(document.positionAt(offset).line).text.trim();
}

/**
 * Shows the change (the down_revision line before and after, and where the revision is applied),
 * asks, then applies it as one undoable edit and saves the file. Returns the 1-based line changed.
 */
export async function applyParentChange(change: ParentChange, snapshot: FolderSnapshot, environments: readonly EnvironmentEntry[], verb: string): Promise<number> {
  const uri = vscode.Uri.file(change.file);
  const document = await vscode.workspace.openTextDocument(uri);
  const text = document.getText();
  const edit = core().downRevisionEdit(change.file, text, change.to);
  const updated = text.slice(0, edit.start) + edit.replacement + text.slice(edit.end);
  const before = headerLine(document, edit.start);
  const lineNo = document.positionAt(edit.start).line;
  const after = updated.split(/\r?\n/)[lineNo]?.trim() ?? edit.replacement;
  const applied = appliedPlaces(snapshot, environments, change.revision);
  const file = path.relative(snapshot.folder.fsPath, change.file);
  await confirmOrThrow({
    message: applied.length
      ? `${change.revision} is applied in ${applied.join(', ')}. ${verb} it anyway? This rewrites ${file}.`
      : `${verb} ${change.revision}? This rewrites ${file}.`,
    detail: [
      `File: ${file}, line ${lineNo + 1}`,
      `- ${before || '(no down_revision line)'}`,
      `+ ${after}`,
      'Nothing else in the file changes; Ctrl+Z in the file undoes it.',
      '',
      applied.length
        ? `These databases recorded ${change.revision} with its old parent(s) ${change.from.join(', ') || '(none)'}: their history would no longer match the files. Write a merge revision instead unless you will re-create them.`
        : snapshot.status || environments.some((e) => e.status)
          ? 'No database the editor knows about has applied it.'
          : 'No database is connected and no environment has been read: this is only safe if no database applied it.',
    ].join('\n'),
    button: applied.length ? `${verb} Anyway` : verb,
  });
  const workspaceEdit = new vscode.WorkspaceEdit();
  workspaceEdit.replace(uri, new vscode.Range(document.positionAt(edit.start), document.positionAt(edit.end)), edit.replacement);
  if (!(await vscode.workspace.applyEdit(workspaceEdit))) throw new MigrationChainError('io', `Could not edit ${file}.`);
  await document.save();
  return lineNo + 1;
}

/** Creates a new file through a WorkspaceEdit (undoable) and opens it. */
export async function createFileUndoably(file: string, text: string): Promise<void> {
  const uri = vscode.Uri.file(file);
  const edit = new vscode.WorkspaceEdit();
  edit.createFile(uri, { ignoreIfExists: false, overwrite: false });
  edit.insert(uri, new vscode.Position(0, 0), text);
  if (!(await vscode.workspace.applyEdit(edit))) throw new MigrationChainError('io', `Could not create ${file} (does it exist already?).`);
  const document = await vscode.workspace.openTextDocument(uri);
  await document.save();
}

export async function pick<T extends { label: string }>(items: T[], placeHolder: string): Promise<T> {
  if (items.length === 1) return items[0];
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true });
  if (!picked) throw new ConfirmationError('Nothing chosen; nothing was changed.');
  return picked;
}
