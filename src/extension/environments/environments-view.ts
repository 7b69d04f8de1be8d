// The Environments view: the environments of the first workspace folder with a chain (its
// migration-chain.environments.json, or the implicit `default`), each read with the engine's fleet
// status. Nothing connects in Restricted Mode. URLs are resolved here, registered with the output
// channel's redactor, and handed only to the engine.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { core, ENVIRONMENTS_FILE, MigrationChainError, type Chain, type EnvironmentsConfig, type FleetTarget } from '../core';
import type { Log } from '../output/log';
import type { FolderSnapshot } from '../chains/folder-snapshot';
import type { WorkspaceChains } from '../chains/workspace-chains';
import {
  environmentNode, memberNodes, MEMBER_PAGE, presentEnvironment, presentMember, type EnvironmentEntry, type EnvironmentNode, type NodeView,
} from './environments-model';
import { environmentsDetail, environmentsLine } from './matrix-model';

export const ENVIRONMENTS_VIEW_ID = 'migrationChain.environments';

/** SecretStorage key of an environment's URL (per workspace folder, like the folder's own URL). */
export function environmentSecretKey(folderUri: string, environment: string): string {
  return `migrationChain.environment:${folderUri}:${environment}`;
}

export class EnvironmentsView implements vscode.TreeDataProvider<EnvironmentNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private entries: EnvironmentEntry[] = [];
  private config: EnvironmentsConfig | undefined;
  private configError: string | undefined;
  private reading: Promise<void> | undefined;
  private again: Promise<void> | undefined;
  /** Set when the view first asks for its items: nothing connects before someone looks. */
  private requested = false;

  private readonly watcher: vscode.FileSystemWatcher;

  constructor(private readonly deps: { log: Log; secrets: vscode.SecretStorage; chains: WorkspaceChains }) {
    this.watcher = vscode.workspace.createFileSystemWatcher(`**/${ENVIRONMENTS_FILE}`);
    const changed = () => void this.refreshIfShown();
    this.watcher.onDidChange(changed);
    this.watcher.onDidCreate(changed);
    this.watcher.onDidDelete(changed);
  }

  /** The folder whose environments are shown: the first with a chain. */
  folder(): FolderSnapshot | undefined {
    return this.deps.chains.snapshots().find((s) => s.chain);
  }

  /** The same folder, for a command that needs it: a usage error when no folder has a chain. */
  requireFolder(): FolderSnapshot & { chain: Chain } {
    const folder = this.folder();
    if (!folder?.chain) throw new MigrationChainError('usage', 'No workspace folder with a migration chain.');
    return folder as FolderSnapshot & { chain: Chain };
  }

  getChildren(node?: EnvironmentNode): EnvironmentNode[] {
    if (!node) {
      if (!this.requested) {
        this.requested = true;
        void this.refresh();
      }
      return this.entries.map(environmentNode);
    }
    const entry = this.entry(node.environment);
    return node.kind === 'environment' && entry ? memberNodes(entry) : [];
  }

  getTreeItem(node: EnvironmentNode): vscode.TreeItem {
    const entry = this.entry(node.environment);
    if (node.kind === 'more') {
      const item = new vscode.TreeItem(`Show ${Math.min(MEMBER_PAGE, node.remaining)} more (${node.remaining} not shown)…`);
      item.id = node.id;
      item.command = { command: 'migrationChain.environments.showMore', title: 'Show More', arguments: [node] };
      return item;
    }
    const view = entry && (node.kind === 'environment' ? presentEnvironment(entry) : presentMember(entry, node.member));
    if (!view) return new vscode.TreeItem(node.kind === 'member' ? node.member : node.environment);
    return toTreeItem(node, view);
  }

  /** Every environment as last read (the matrix and the CodeLens render from these; nothing connects). */
  all(): readonly EnvironmentEntry[] {
    return this.entries;
  }

  /**
   * The one-line "dev ✓ · staging ✓ · prod ○" for a revision of the view's folder, from the statuses
   * last read; undefined without an environments file (the implicit environment is the folder's own
   * database, which the other lenses already describe) or before the first read.
   */
  summaryLine(folderUri: string, revision: string): string | undefined {
    const folder = this.folder();
    if (!folder?.chain || folder.folder.uri !== folderUri || !this.config?.file) return undefined;
    return environmentsLine(folder.chain, this.entries, revision);
  }

  /** The hover's lines for the same revision: one per environment, with the cell's words. */
  summaryDetail(folderUri: string, revision: string): string[] {
    const folder = this.folder();
    if (!folder?.chain || folder.folder.uri !== folderUri || !this.config?.file) return [];
    return environmentsDetail(folder.chain, this.entries, revision);
  }

  /** For the CodeLens: a folder with an environments file has its environments read once, even if the view stays closed. */
  readIfConfigured(folderPath: string): void {
    if (!this.requested && vscode.workspace.isTrusted && fs.existsSync(path.join(folderPath, ENVIRONMENTS_FILE))) void this.ensureRead();
  }

  /** Reads the environments once if nobody has looked yet (the matrix can open before the view). */
  ensureRead(): Promise<void> {
    if (this.requested) return this.reading ?? Promise.resolve();
    this.requested = true;
    return this.refresh();
  }

  entry(name: string): EnvironmentEntry | undefined {
    return this.entries.find((e) => e.name === name);
  }

  /** The message when the environments file is broken (shown in the view's message area). */
  problem(): string | undefined {
    return this.configError;
  }

  showMore(environment: string): void {
    const e = this.entry(environment);
    if (e) { e.shown += MEMBER_PAGE; this.changed.fire(); }
  }

  /**
   * Re-reads the file and every environment's status. A call while a read runs gets one more read
   * after it (shared by every such call): the running read may predate the change this call is for.
   */
  refresh(): Promise<void> {
    if (!this.reading) {
      this.reading = this.read().finally(() => { this.reading = undefined; });
      return this.reading;
    }
    this.again ??= this.reading.then(() => { this.again = undefined; return this.refresh(); });
    return this.again;
  }

  /** After a run or an edit of the environments file: re-read only what someone has already looked at. */
  refreshIfShown(): Promise<void> {
    return this.requested ? this.refresh() : Promise.resolve();
  }

  /** The URL and members of `environment`; `forRun`: its `directUrl` when it has one, as the CLI's `env upgrade` reads it. */
  async targets(environment: string, forRun = false): Promise<{ config: EnvironmentsConfig; targets: FleetTarget[]; folder: FolderSnapshot }> {
    const folder = this.requireFolder();
    const api = core();
    const config = api.loadEnvironments(folder.folder.fsPath);
    const env = api.findEnvironment(config, environment);
    const url = await (forRun ? api.resolveEnvironmentRunUrl : api.resolveEnvironmentUrl)(env, {
      root: folder.folder.fsPath,
      env: process.env,
      secret: (name) => Promise.resolve(this.deps.secrets.get(environmentSecretKey(folder.folder.uri, name))),
      defaultUrl: async () => (await this.deps.chains.connect(folder.folder.uri, 'Reading an environment')).url,
    });
    this.deps.log.rememberUrl(url);
    return { config, targets: await api.expandTargets(env, url), folder };
  }

  private async read(): Promise<void> {
    await this.deps.chains.ready;
    const folder = this.folder();
    if (!folder?.chain || !vscode.workspace.isTrusted) {
      this.entries = [];
      this.changed.fire();
      return;
    }
    const api = core();
    try {
      this.config = api.loadEnvironments(folder.folder.fsPath);
      this.configError = undefined;
    } catch (err) {
      this.config = undefined;
      this.configError = err instanceof Error ? err.message : String(err);
      this.entries = [];
      this.changed.fire();
      return;
    }
    // Each environment keeps its last status until the new one is in: a re-read never blanks what
    // the view, the matrix and the lens line show.
    const previous = new Map(this.entries.map((e) => [e.name, e]));
    this.entries = this.config.environments.map((e) => ({
      name: e.name,
      protected: e.protected,
      urlSource: api.describeUrlSource(e.url),
      tenantSet: e.tenants ? (e.tenants.kind === 'schemas' ? `schemas matching ${e.tenants.pattern}` : e.tenants.pattern ? `databases matching ${e.tenants.pattern}` : 'databases from a query') : undefined,
      shown: previous.get(e.name)?.shown ?? MEMBER_PAGE,
      status: previous.get(e.name)?.status,
      error: previous.get(e.name)?.error,
    }));
    this.changed.fire();
    const chain = folder.chain;
    await Promise.all(this.entries.map(async (entry) => {
      try {
        const { targets } = await this.targets(entry.name);
        entry.status = await api.fleetStatus({ environment: entry.name, chain, targets });
        entry.error = undefined;
      } catch (err) {
        entry.status = undefined;
        entry.error = err instanceof Error ? err.message : String(err);
      }
      this.changed.fire();
    }));
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}

/** The view's tree, with a broken environments file shown as the view's message. */
export function createEnvironmentsTree(view: EnvironmentsView): vscode.Disposable {
  const tree = vscode.window.createTreeView(ENVIRONMENTS_VIEW_ID, { treeDataProvider: view });
  const listener = view.onDidChangeTreeData(() => { tree.message = view.problem(); });
  return vscode.Disposable.from(listener, tree);
}

function toTreeItem(node: EnvironmentNode, view: NodeView): vscode.TreeItem {
  const item = new vscode.TreeItem(view.label, view.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = view.description;
  item.tooltip = new vscode.MarkdownString(view.tooltip);
  item.iconPath = new vscode.ThemeIcon(view.icon.id, view.icon.color ? new vscode.ThemeColor(view.icon.color) : undefined);
  item.contextValue = view.contextValue;
  return item;
}
