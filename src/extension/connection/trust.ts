// Restricted Mode: reading and showing work untrusted; connecting or running anything does not.
import * as vscode from 'vscode';
import { MigrationChainError } from '../core';

export class UntrustedWorkspaceError extends MigrationChainError {
  constructor(action: string) {
    super('usage',
      `${action} is disabled in Restricted Mode: it connects to a database and runs code from this workspace. Trust the workspace to enable it.`);
  }
}

export function requireTrust(action: string): void {
  if (!vscode.workspace.isTrusted) throw new UntrustedWorkspaceError(action);
}
