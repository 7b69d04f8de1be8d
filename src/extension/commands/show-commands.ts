import * as vscode from 'vscode';
import { COMMANDS, ITEM_ONLY, type CommandId } from './titles';
import type { CommandFactory } from './deps';

/** The status bar's click: every palette command of the extension in one pick. */
export const showCommands: CommandFactory = () => async () => {
  const ids = (Object.keys(COMMANDS) as CommandId[])
    .filter((id) => !ITEM_ONLY.includes(id) && id !== 'migrationChain.showCommands');
  const picked = await vscode.window.showQuickPick(ids.map((id) => ({ label: COMMANDS[id], id })), { placeHolder: 'Migration Chain' });
  if (picked) await vscode.commands.executeCommand(picked.id);
};
