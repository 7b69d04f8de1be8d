import * as vscode from 'vscode';
import { MigrationChainError } from '../core';
import { revisionRef } from './command-args';
import type { CommandFactory } from './deps';

export const copyRevisionId: CommandFactory = () => async (arg?: unknown) => {
  const ref = revisionRef(arg);
  if (!ref) throw new MigrationChainError('usage', 'Copy Revision Id needs a revision from the Migration Chain tree.');
  await vscode.env.clipboard.writeText(ref.revision);
  return `Copied ${ref.revision}.`;
};
