// Restricted Mode: reading and showing work untrusted; connecting or running anything does not.
import * as vscode from 'vscode';
import { UntrustedWorkspaceError } from '../core';


export function requireTrust(action: string): void {
  if (!vscode.workspace.isTrusted) throw new UntrustedWorkspaceError(action);
}
