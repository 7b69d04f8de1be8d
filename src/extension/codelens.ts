// CodeLens on the revision line of each migration file, rendered from the folder snapshot
// (codelens-model.ts). Refreshes whenever the data source or the settings change.
import * as vscode from 'vscode';
import { lensesFor } from './codelens-model';
import { migrationFileGlob } from './core';
import type { SettingsReader } from './settings';
import { findMigrationByFile } from './folder-snapshot';
import type { WorkspaceChains } from './workspace-chains';

/** Every file the engine reads as a migration (its format table), and nothing else. */
export const CODELENS_SELECTOR: vscode.DocumentSelector = [{ scheme: 'file', pattern: migrationFileGlob() }];

export class ChainCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly chains: WorkspaceChains, private readonly settings: SettingsReader) {
    chains.onDidChange(() => this.changed.fire(), null, this.disposables);
    settings.onDidChange(() => this.changed.fire(), null, this.disposables);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!this.settings.for(folder).codeLensEnabled) return [];
    const found = findMigrationByFile(this.chains.snapshots(), document.uri.fsPath);
    if (!found) return [];
    return lensesFor(found.snapshot, found.migration).map((lens) => {
      const line = Math.min(Math.max(0, lens.line - 1), Math.max(0, document.lineCount - 1));
      return new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
        title: lens.title,
        tooltip: lens.tooltip,
        // A lens without a command is a label; VS Code renders an empty command id as plain text.
        command: lens.command ?? '',
        arguments: lens.args,
      });
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
