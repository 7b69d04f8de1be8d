// The chain tree: a view over WorkspaceChains. It holds no state: its change event is the data
// source's, and every item is rendered from the latest snapshot by tree-model.ts.
import * as vscode from 'vscode';
import type { FolderSnapshot } from '../chains/folder-snapshot';
import type { WorkspaceChains } from '../chains/workspace-chains';
import { childNodes, folderNode, parentNode, presentNode, tooltipFor, type TreeNode } from './tree-model';

export const VIEW_ID = 'migrationChain.chain';

export class ChainTreeProvider implements vscode.TreeDataProvider<TreeNode> {
  readonly onDidChangeTreeData: vscode.Event<void>;

  constructor(private readonly chains: WorkspaceChains) {
    this.onDidChangeTreeData = chains.onDidChange;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) {
      // Empty when no folder has migrations, so that the viewsWelcome content shows.
      return this.chains.snapshots().filter(isShown).map(folderNode);
    }
    if (node.kind !== 'folder' && node.kind !== 'run') return [];
    const snapshot = this.chains.snapshot(node.folderUri);
    return snapshot ? childNodes(snapshot, node) : [];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    if (node.kind === 'folder') return undefined;
    const snapshot = this.chains.snapshot(node.folderUri);
    return snapshot ? parentNode(node, snapshot) : undefined;
  }

  /** Tooltips are built on hover only: a revision's needs its children, file path and problems. */
  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    const snapshot = this.chains.snapshot(node.folderUri);
    if (item.tooltip === undefined && snapshot) item.tooltip = new vscode.MarkdownString(tooltipFor(node, snapshot));
    return item;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const snapshot = this.chains.snapshot(node.folderUri);
    if (!snapshot) return new vscode.TreeItem('(folder closed)');
    const view = presentNode(node, snapshot);
    const state = view.expanded ? vscode.TreeItemCollapsibleState.Expanded
      : view.collapsed ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(view.label, state);
    item.id = node.id;
    item.description = view.description;
    if (view.tooltip !== undefined) item.tooltip = new vscode.MarkdownString(view.tooltip);
    item.iconPath = new vscode.ThemeIcon(view.icon.id, view.icon.color ? new vscode.ThemeColor(view.icon.color) : undefined);
    item.contextValue = view.contextValue;
    if (view.open) item.command = { command: 'migrationChain.openFile', title: 'Open File', arguments: [node] };
    else if (view.command) item.command = { command: view.command, title: view.label, arguments: [node] };
    return item;
  }
}

function isShown(s: FolderSnapshot): boolean {
  return !!s.migrationsDir || !!s.loadError;
}
