// The one owner of everything the extension creates (rust-analyzer's Ctx): built in activate(),
// pushed into context.subscriptions, disposes all of it in reverse order.
import * as path from 'path';
import * as vscode from 'vscode';
import { ChainCodeLensProvider, CODELENS_SELECTOR, environmentsHover } from './codelens/codelens';
import { registerCommands } from './commands';
import { ChainDiagnostics } from './problems/diagnostics';
import { LintService } from './lint/lint-service';
import { registerLint } from './lint/lint-providers';
import { createEnvironmentsTree, EnvironmentsView } from './environments/environments-view';
import { MatrixPanel } from './environments/matrix-panel';
import { GraphPanel } from './graph/graph-panel';
import { Log } from './output/log';
import { PhantomNotice } from './status/phantoms-notice';
import { ReapplyOnSave } from './chains/reapply-on-save';
import { ReapplyStatusBar } from './status/reapply-status';
import { SettingsReader } from './settings/settings';
import { ChainStatusBar } from './status/status-bar';
import { StairwayTests } from './testing/stairway-tests';
import { ChainTreeProvider, VIEW_ID } from './tree/tree-provider';
import { WorkspaceChains } from './chains/workspace-chains';

export class Context implements vscode.Disposable {
  readonly log: Log;
  readonly settings: SettingsReader;
  readonly chains: WorkspaceChains;
  readonly diagnostics: ChainDiagnostics;
  readonly tree: ChainTreeProvider;
  readonly codeLens: ChainCodeLensProvider;
  readonly stairway: StairwayTests;
  readonly environments: EnvironmentsView;
  readonly reapply: ReapplyOnSave;
  readonly reapplyStatus: ReapplyStatusBar;
  private readonly disposables: vscode.Disposable[] = [];
  private loaded = false;
  /** How long activate() took (synchronous part; the first read of the chains follows it). */
  activationMs = 0;

  constructor(extension: vscode.ExtensionContext) {
    const own = <T extends vscode.Disposable>(d: T): T => { this.disposables.push(d); return d; };
    this.log = own(new Log());
    this.settings = own(new SettingsReader(this.log));
    this.chains = own(new WorkspaceChains({
      log: this.log, settings: this.settings, secrets: extension.secrets,
      helperScript: path.join(extension.extensionPath, 'media', 'alembic_graph.py'),
    }));
    this.diagnostics = own(new ChainDiagnostics(this.chains));
    this.tree = new ChainTreeProvider(this.chains);
    own(vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.tree, showCollapseAll: true }));
    own(new ChainStatusBar(this.chains));
    this.stairway = own(new StairwayTests({ log: this.log, chains: this.chains, settings: this.settings }));
    const lint = own(new LintService(this.chains, this.settings, this.log));
    registerLint(lint, this.chains, extension.extensionUri).forEach(own);
    this.environments = own(new EnvironmentsView({ log: this.log, secrets: extension.secrets, chains: this.chains }));
    own(createEnvironmentsTree(this.environments));
    own({ dispose: () => MatrixPanel.open?.dispose() });
    own({ dispose: () => GraphPanel.open?.dispose() });
    this.codeLens = own(new ChainCodeLensProvider(this.chains, this.settings, this.environments));
    own(vscode.languages.registerCodeLensProvider(CODELENS_SELECTOR, this.codeLens));
    own(vscode.languages.registerHoverProvider(CODELENS_SELECTOR, environmentsHover(this.chains, this.environments)));
    registerCommands({
      log: this.log, settings: this.settings, secrets: extension.secrets, chains: this.chains, diagnostics: this.diagnostics,
      environments: this.environments, extensionUri: extension.extensionUri,
      stairwayOutcomes: (folderUri) => this.stairway.lastOutcomes(folderUri),
      lintCounts: (file) => {
        const result = lint.forFile(file);
        if (!result) return undefined;
        const severities = [...result.problems.map((p) => p.severity), ...result.statements.flatMap((s) => s.findings.map((f) => f.severity))];
        return { errors: severities.filter((s) => s === 'error').length, warnings: severities.filter((s) => s === 'warning').length };
      },
    }).forEach(own);
    own(new PhantomNotice(this.chains, this.settings, this.log));
    this.reapply = own(new ReapplyOnSave({ chains: this.chains, settings: this.settings, log: this.log, diagnostics: this.diagnostics }));
    this.reapplyStatus = own(new ReapplyStatusBar(this.reapply, this.settings));
    this.chains.onDidChange(() => this.updateContextKeys(), null, this.disposables);
    this.updateContextKeys();
    // Until the first read the view says "Reading…" rather than "No migrations folder".
    void this.chains.ready.then(() => { this.loaded = true; this.updateContextKeys(); });
  }

  /** The revision graph panel when open (tests reach the bundle's instance through here). */
  graphPanel(): GraphPanel | undefined {
    return GraphPanel.open;
  }

  /** The environments matrix panel when open (tests reach the bundle's instance through here). */
  matrixPanel(): MatrixPanel | undefined {
    return MatrixPanel.open;
  }

  /** Keys the viewsWelcome content and menus read. */
  private updateContextKeys(): void {
    const snapshots = this.chains.snapshots();
    void vscode.commands.executeCommand('setContext', 'migrationChain.hasMigrations', snapshots.some((s) => s.migrationsDir));
    void vscode.commands.executeCommand('setContext', 'migrationChain.noDatabase', snapshots.some((s) => s.disconnected?.reason === 'no-url'));
    void vscode.commands.executeCommand('setContext', 'migrationChain.loaded', this.loaded);
    void vscode.commands.executeCommand('setContext', 'migrationChain.multipleHeads', snapshots.some((s) => (s.chain?.graph.heads.length ?? 0) > 1));
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) {
      try { d.dispose(); } catch (err) { console.error('Migration Chain: dispose failed', err); }
    }
  }
}
