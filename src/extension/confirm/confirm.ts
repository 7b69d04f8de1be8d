// Modal, then (if asked for) the typed database name. Anything but the confirm button is a
// ConfirmationError: the command wrapper reports it as "aborted", nothing has run.
import * as vscode from 'vscode';
import { ConfirmationError } from '../core';
import type { Confirmation } from './confirm-text';

export async function confirmOrThrow(c: Confirmation): Promise<void> {
  const choice = await vscode.window.showWarningMessage(c.message, { modal: true, detail: c.detail }, c.button);
  if (choice !== c.button) throw new ConfirmationError(`${c.button} cancelled; nothing was changed.`);
  if (c.typeName === undefined) return;
  const name = c.typeName;
  const typed = await vscode.window.showInputBox({
    title: c.message,
    prompt: `Type the database name "${name}" to ${c.button.toLowerCase()} it`,
    placeHolder: name,
    ignoreFocusOut: true,
    validateInput: (v) => (v === name ? undefined : `Type ${name} exactly to confirm`),
  });
  if (typed !== name) throw new ConfirmationError(`${c.button} cancelled: the database name was not confirmed; nothing was changed.`);
}
