// Re-apply on save (migrationChain.reapplyOnSave, off by default): a save of a revision's file waits
// for the chain's refresh (workspace-chains.ts, so the edit is in the chain) and hands the file to the
// engine's one call, core reapplyHead, through the chain's engine (chain-engine.ts); the rules (the
// single head, applied, local and unprotected, the lock free) are the core's. Saves coalesce: one
// re-apply runs at a time and, while it runs, only the last save waits behind it. The result is
// shown here: a status-bar message when applied, the failing statement on its line in Problems, a
// refusal said once per revision and reason. A failed upgrade leaves the database at the parent;
// the next save of that file resumes with the upgrade.
import * as vscode from 'vscode';
import { core, type ReapplyResult } from '../core';
import type { ChainDiagnostics } from '../problems/diagnostics';
import type { Log } from '../output/log';
import type { SettingsReader } from '../settings/settings';
import { chainEngineFor, runSettings } from './chain-engine';
import { findMigrationByFile, shortRevision } from './folder-snapshot';
import type { WorkspaceChains } from './workspace-chains';

/** Refusals that are no news for the file saved (another revision of the chain, not a revision at all): logged only. */
const QUIET = new Set(['not-a-revision', 'not-head']);

export interface ReapplyDeps {
  chains: WorkspaceChains;
  settings: SettingsReader;
  log: Log;
  diagnostics: ChainDiagnostics;
}

export class ReapplyOnSave implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly stateChanged = new vscode.EventEmitter<void>();
  /** Fires when a run starts or ends (the status bar item spins meanwhile). */
  readonly onDidChangeState = this.stateChanged.event;
  /** The save waiting behind the running re-apply (the last one wins). */
  private next: { file: string; key: string } | undefined;
  private loop: Promise<void> | undefined;
  /** Per chain: the revision whose last re-apply stopped at its parent. */
  private readonly resume = new Map<string, string>();
  private readonly told = new Set<string>();
  /** The last result (tests and the status bar's tooltip read it). */
  last: ReapplyResult | undefined;

  constructor(private readonly deps: ReapplyDeps) {
    vscode.workspace.onDidSaveTextDocument((d) => this.saved(d.uri), null, this.disposables);
    this.disposables.push(this.stateChanged);
  }

  get running(): boolean {
    return this.loop !== undefined;
  }

  /** Whether the mode is on for the folder of `uri` (the first folder when none). */
  enabledFor(uri?: vscode.Uri): boolean {
    const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : vscode.workspace.workspaceFolders?.[0];
    return this.deps.settings.for(folder).reapplyOnSave;
  }

  /** Resolves when no re-apply is running or waiting. */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  private saved(uri: vscode.Uri): void {
    if (uri.scheme !== 'file' || !this.enabledFor(uri)) return;
    if (!vscode.workspace.isTrusted) {
      // Restricted Mode: nothing connects; said once, not on every save.
      if (!this.told.has('untrusted')) { this.told.add('untrusted'); this.deps.log.warn('Re-apply on save is off in Restricted Mode: trust the workspace to use it.'); }
      return;
    }
    const found = findMigrationByFile(this.deps.chains.snapshots(), uri.fsPath);
    if (!found) return;
    this.next = { file: uri.fsPath, key: found.snapshot.folder.uri };
    this.loop ??= this.drain();
  }

  private async drain(): Promise<void> {
    this.stateChanged.fire();
    try {
      while (this.next) {
        const job = this.next;
        this.next = undefined;
        await this.run(job.file, job.key);
      }
    } finally {
      this.loop = undefined;
      this.stateChanged.fire();
    }
  }

  private async run(file: string, key: string): Promise<void> {
    const { chains, log } = this.deps;
    try {
      // The save reported its file to the chain's folder at once; re-reading the changed files puts the edit in the chain.
      await chains.reread(key);
      const snapshot = chains.snapshot(key);
      const folder = chains.workspaceFolder(key);
      if (!snapshot?.chain || !folder) return;
      const connection = await chains.connect(key, 'Re-apply on Save');
      const url = connection.url;
      const settings = this.deps.settings.for(folder);
      const base = { alembicProject: snapshot.alembicProject, workspaceFolder: folder.uri.fsPath, settings };
      const run = runSettings(connection, settings, log);
      const result = await core().reapplyHead({
        chain: snapshot.chain, file, url, protectedPatterns: settings.protectedDatabases,
        engineFor: (chain) => chainEngineFor({ ...base, chain }),
        settings: { logger: run.logger, applicationName: 'migration-chain vscode (re-apply)', statementLockTimeoutMs: run.statementLockTimeoutMs },
        resume: this.resume.get(key),
      });
      this.last = result;
      this.show(result, key);
      if (result.outcome !== 'refused') await chains.reread(key);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.error(`Re-apply on save failed: ${message}`);
      void vscode.window.showErrorMessage(`Re-apply on save failed: ${message}`);
    }
  }

  private show(r: ReapplyResult, key: string): void {
    const { log, diagnostics } = this.deps;
    switch (r.outcome) {
      case 'applied': {
        this.resume.delete(key);
        diagnostics.clearRunProblems('reapply');
        const how = r.downgradedWith === 'none' ? 'upgraded' : 're-applied';
        const text = `${shortRevision(r.revision)} ${how} on ${r.database} in ${Math.round(r.durationMs)} ms`;
        log.info(`Re-apply on save: ${text}${r.downgradedWith === 'stored' ? ' (undone with the downgrade kept when it was applied)' : ''}.`);
        vscode.window.setStatusBarMessage(`$(check) ${text}`, 5000);
        return;
      }
      case 'failed': {
        if (r.state === 'at-parent') this.resume.set(key, r.revision);
        else this.resume.delete(key);
        diagnostics.setRunProblems('reapply', [{
          file: r.file, line: r.line, column: r.column, message: `${r.revision}: ${r.message}`,
          code: (r.error as { pg?: { code?: string } }).pg?.code ?? 'reapply',
        }]);
        log.error(`Re-apply on save: ${r.message}`);
        void vscode.window.showErrorMessage(`Re-apply on save: ${r.message}`, 'Show Output').then((choice) => { if (choice) log.show(); });
        return;
      }
      case 'refused': {
        log.info(`Re-apply on save: ${r.message}`);
        if (QUIET.has(r.code)) return;
        if (r.code === 'locked') { vscode.window.setStatusBarMessage(`$(lock) ${r.message}`, 5000); return; }
        // Said once per chain, revision and reason: every save of a file not applied would repeat it.
        const said = `${key}\u0000${r.revision ?? ''}\u0000${r.code}`;
        if (this.told.has(said)) return;
        this.told.add(said);
        void vscode.window.showInformationMessage(r.message);
      }
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
