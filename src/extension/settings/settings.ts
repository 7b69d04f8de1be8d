// Settings read in one place and re-read on change: consumers ask `for(folder)` every time and
// subscribe to `onDidChange`; nothing caches a value in a constructor.
import * as vscode from 'vscode';
import type { Log } from '../output/log';
import { parseSettings, type Settings } from './settings-model';

export type { Settings } from './settings-model';

export const SECTION = 'migrationChain';

export class SettingsReader implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.ConfigurationChangeEvent>();
  readonly onDidChange = this.changed.event;
  private readonly reported = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly log: Log) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) {
        this.reported.clear();
        this.changed.fire(e);
      }
    });
  }

  /** Resource-scoped: each workspace folder may point at its own database and migrations. */
  for(folder?: vscode.WorkspaceFolder): Settings {
    const config = vscode.workspace.getConfiguration(SECTION, folder?.uri);
    const { settings, problems } = parseSettings((key) => config.get(key));
    for (const p of problems) {
      if (!this.reported.has(p)) {
        this.reported.add(p);
        this.log.warn(p);
      }
    }
    return settings;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
