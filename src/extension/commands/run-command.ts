// The one error wrapper every command goes through. A declined confirmation or a Cancel is
// "aborted" (info message); a refusal in Restricted Mode says why; anything else is "failed": an
// error notification with "Show Output", the stack in the channel, and for SQL errors a diagnostic at
// the failing line. Nothing is swallowed; the outcome is also returned (tests read it).
import * as vscode from 'vscode';
import { MigrationChainError, SqlError } from '../core';
import type { ChainDiagnostics } from '../problems/diagnostics';
import type { Log } from '../output/log';
import { UntrustedWorkspaceError } from '../core';

export type Outcome =
  | { status: 'done'; message?: string }
  | { status: 'aborted'; message: string }
  | { status: 'refused'; message: string }
  | { status: 'failed'; message: string; code?: string };

export interface WrapperDeps {
  log: Log;
  diagnostics: ChainDiagnostics;
}

export type CommandBody = (...args: unknown[]) => Promise<string | void>;

export function runCommand(deps: WrapperDeps, title: string, body: CommandBody): (...args: unknown[]) => Promise<Outcome> {
  return async (...args: unknown[]) => {
    try {
      const message = await body(...args);
      if (message) {
        deps.log.info(`${title}: ${message}`);
        void vscode.window.showInformationMessage(message);
      }
      return { status: 'done', message: message || undefined };
    } catch (err) {
      return report(deps, title, err);
    }
  };
}

function report(deps: WrapperDeps, title: string, err: unknown): Outcome {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof MigrationChainError && (err.code === 'confirmation' || err.code === 'cancelled')) {
    deps.log.info(`${title}: ${message}`);
    void vscode.window.showInformationMessage(message);
    return { status: 'aborted', message };
  }
  if (err instanceof UntrustedWorkspaceError) {
    deps.log.warn(`${title}: ${message}`);
    void vscode.window.showWarningMessage(message, 'Manage Workspace Trust').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return { status: 'refused', message };
  }
  const hint = err instanceof MigrationChainError && err.hint ? ` ${err.hint}` : '';
  deps.log.error(`${title} failed: ${message}${hint}`);
  if (err instanceof Error && !(err instanceof MigrationChainError)) deps.log.error(err);
  if (err instanceof SqlError && err.location) {
    deps.diagnostics.setRunProblems('sql', [{
      file: err.location.file,
      line: err.location.line,
      column: err.location.column,
      message: `${err.revision}: ${message}`,
      code: err.pg.code ?? 'sql',
    }]);
  }
  void vscode.window.showErrorMessage(`${title} failed: ${message}`, 'Show Output').then((choice) => {
    if (choice) deps.log.show();
  });
  return { status: 'failed', message, code: err instanceof MigrationChainError ? err.code : undefined };
}
