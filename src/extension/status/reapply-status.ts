// The status bar item of re-apply on save: shown only while the mode is on for the active editor's
// folder (`$(sync) Re-apply on save`), spinning while a re-apply runs; its tooltip is the last
// result, and a click turns the mode off (Toggle Re-apply on Save).
import * as vscode from 'vscode';
import type { ReapplyOnSave } from '../chains/reapply-on-save';
import type { SettingsReader } from '../settings/settings';
import { reapplyStatusText } from './status-text';

export const TOGGLE_REAPPLY_COMMAND = 'migrationChain.toggleReapplyOnSave';

export class ReapplyStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('migrationChain.reapplyOnSave', vscode.StatusBarAlignment.Left, 9);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly reapply: ReapplyOnSave, settings: SettingsReader) {
    this.item.name = 'Migration Chain: Re-apply on Save';
    this.item.command = TOGGLE_REAPPLY_COMMAND;
    settings.onDidChange(() => this.render(), null, this.disposables);
    reapply.onDidChangeState(() => this.render(), null, this.disposables);
    vscode.window.onDidChangeActiveTextEditor(() => this.render(), null, this.disposables);
    this.render();
  }

  /** What the item shows now (undefined: hidden); tests read it. */
  shown(): { text: string; tooltip: string } | undefined {
    return this.current;
  }

  private current: { text: string; tooltip: string } | undefined;

  private render(): void {
    const on = this.reapply.enabledFor(vscode.window.activeTextEditor?.document.uri);
    const shown = reapplyStatusText(on, this.reapply.running, this.reapply.last);
    this.current = shown;
    if (!shown) { this.item.hide(); return; }
    this.item.text = shown.text;
    this.item.tooltip = shown.tooltip;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
