// `$(database) <db> @ <rev> · N pending` for the chain of the active editor's file; click → command pick.
import * as vscode from 'vscode';
import { chainOfFile } from '../chains/chain-keys';
import type { FolderSnapshot } from '../chains/folder-snapshot';
import { statusBarText } from './status-text';
import type { WorkspaceChains } from '../chains/workspace-chains';

export class ChainStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('migrationChain.status', vscode.StatusBarAlignment.Left, 10);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly chains: WorkspaceChains) {
    this.item.name = 'Migration Chain';
    this.item.command = 'migrationChain.showCommands';
    chains.onDidChange(() => this.render(), null, this.disposables);
    vscode.window.onDidChangeActiveTextEditor(() => this.render(), null, this.disposables);
    this.render();
  }

  private current(): FolderSnapshot | undefined {
    const shown = this.chains.snapshots().filter((s) => s.chain);
    const uri = vscode.window.activeTextEditor?.document.uri;
    const folder = uri && vscode.workspace.getWorkspaceFolder(uri);
    return (uri && chainOfFile(shown, uri.fsPath, folder?.uri.toString())) ?? shown[0];
  }

  private render(): void {
    const snapshot = this.current();
    if (!snapshot) { this.item.hide(); return; }
    const { text, tooltip } = statusBarText(snapshot);
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
