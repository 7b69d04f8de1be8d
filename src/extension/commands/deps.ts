// What a command may use. Factories take this as an argument, so a test can pass fakes.
import type * as vscode from 'vscode';
import type { ChainDiagnostics } from '../problems/diagnostics';
import type { EnvironmentsView } from '../environments/environments-view';
import type { Log } from '../output/log';
import type { CommandBody } from './run-command';
import type { SettingsReader } from '../settings/settings';
import type { WorkspaceChains } from '../chains/workspace-chains';

export interface CommandDeps {
  log: Log;
  settings: SettingsReader;
  secrets: vscode.SecretStorage;
  chains: WorkspaceChains;
  diagnostics: ChainDiagnostics;
  environments: EnvironmentsView;
  /** The extension's folder (the graph webview loads its script from dist/webview/). */
  extensionUri?: vscode.Uri;
  /** Lint errors and warnings of a migration file, for the graph's badges. */
  lintCounts?: (file: string) => { errors: number; warnings: number } | undefined;
  /** The last stairway outcome per revision of a chain, for the graph's badges. */
  stairwayOutcomes?: (folderUri: string) => ReadonlyMap<string, 'passed' | 'failed'> | undefined;
}

export type CommandFactory = (deps: CommandDeps) => CommandBody;
