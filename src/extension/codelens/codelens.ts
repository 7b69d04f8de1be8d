// CodeLens on the revision line of each migration file, rendered from the folder snapshot
// (codelens-model.ts). Refreshes whenever the data source or the settings change.
import * as vscode from 'vscode';
import { lensesFor } from './codelens-model';
import { migrationFileGlob } from '../core';
import type { EnvironmentsView } from '../environments/environments-view';
import type { SettingsReader } from '../settings/settings';
import { findMigrationByFile } from '../chains/folder-snapshot';
import type { WorkspaceChains } from '../chains/workspace-chains';

/** What the lens needs from the Environments view: its cached statuses, never a connection per render. */
export type EnvironmentsSummary = Pick<EnvironmentsView, 'summaryLine' | 'summaryDetail' | 'readIfConfigured' | 'onDidChangeTreeData'>;

/** Every file the engine reads as a migration (its format table), and nothing else. */
export const CODELENS_SELECTOR: vscode.DocumentSelector = [{ scheme: 'file', pattern: migrationFileGlob() }];

export class ChainCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly chains: WorkspaceChains, private readonly settings: SettingsReader, private readonly environments?: EnvironmentsSummary) {
    chains.onDidChange(() => this.changed.fire(), null, this.disposables);
    settings.onDidChange(() => this.changed.fire(), null, this.disposables);
    environments?.onDidChangeTreeData(() => this.changed.fire(), null, this.disposables);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!this.settings.for(folder).codeLensEnabled) return [];
    const found = findMigrationByFile(this.chains.snapshots(), document.uri.fsPath);
    if (!found) return [];
    this.environments?.readIfConfigured(found.snapshot.folder.fsPath);
    const envLine = this.environments?.summaryLine(found.snapshot.folder.uri, found.migration.revision);
    return lensesFor(found.snapshot, found.migration, envLine).map((lens) => {
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

/** The same one line on hover over a migration's revision line, with each environment's words. */
export function environmentsHover(chains: WorkspaceChains, environments: EnvironmentsSummary): vscode.HoverProvider {
  return {
    provideHover(document, position) {
      const found = findMigrationByFile(chains.snapshots(), document.uri.fsPath);
      if (!found || position.line !== found.migration.revisionLine - 1) return undefined;
      const line = environments.summaryLine(found.snapshot.folder.uri, found.migration.revision);
      if (!line) return undefined;
      const md = new vscode.MarkdownString(`**Environments:** ${line}\n\n${environments.summaryDetail(found.snapshot.folder.uri, found.migration.revision).map((l) => `- ${l}`).join('\n')}\n\n[Show Environments Matrix](command:migrationChain.environments.showMatrix)`);
      md.isTrusted = { enabledCommands: ['migrationChain.environments.showMatrix'] };
      return new vscode.Hover(md);
    },
  };
}
