// The Environments view's commands: refresh, show more members, store an environment's URL in
// SecretStorage, and upgrade an environment or a fleet behind a confirmation (a protected one needs
// its name typed; a fleet's names the count, the canary, the concurrency and the failure policy).
import * as vscode from 'vscode';
import type { CommandFactory } from '../commands/deps';
import { chainEngineFor } from '../chains/chain-engine';
import { confirmOrThrow } from '../confirm/confirm';
import { CancelledError, core, MigrationChainError } from '../core';
import { withCancellableProgress } from '../output/progress';
import { requireTrust } from '../connection/trust';
import { environmentSecretKey } from './environments-view';
import { fleetConfirmation, type EnvironmentNode } from './environments-model';

function nodeEnvironment(arg: unknown): string | undefined {
  const n = arg as Partial<EnvironmentNode> | undefined;
  return typeof n?.environment === 'string' ? n.environment : undefined;
}

async function pickEnvironment(names: string[], title: string): Promise<string> {
  const picked = names.length === 1 ? names[0] : await vscode.window.showQuickPick(names, { title });
  if (!picked) throw new CancelledError(undefined, `${title} cancelled.`);
  return picked;
}

export const refreshEnvironments: CommandFactory = (deps) => async () => {
  await deps.environments.refresh();
};

export const showMoreMembers: CommandFactory = (deps) => (arg?: unknown) => {
  const name = nodeEnvironment(arg);
  if (name) deps.environments.showMore(name);
  return Promise.resolve();
};

export const setEnvironmentUrl: CommandFactory = (deps) => async (arg?: unknown) => {
  const folder = deps.environments.folder();
  if (!folder) throw new MigrationChainError('usage', 'No workspace folder with a migration chain.');
  const api = core();
  const config = api.loadEnvironments(folder.folder.fsPath);
  const secretOnes = config.environments.filter((e) => e.url.from === 'secret').map((e) => e.name);
  if (!secretOnes.length) {
    throw new MigrationChainError('usage', `No environment in ${api.ENVIRONMENTS_FILE} takes its URL from the editor's secret storage.`,
      'Give one "url": { "from": "secret", "variable": "…" }.');
  }
  const name = nodeEnvironment(arg) ?? await pickEnvironment(secretOnes, 'Set Environment URL');
  const url = await vscode.window.showInputBox({
    title: `Database URL for environment ${name}`,
    prompt: 'Stored in the OS keychain (SecretStorage), never in a file',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => {
      try { core().parseDatabaseUrl(v.trim()); return undefined; } catch (err) { return err instanceof Error ? err.message : String(err); }
    },
  });
  if (url === undefined) throw new CancelledError(undefined, 'Set Environment URL cancelled; nothing was stored.');
  deps.log.rememberUrl(url.trim());
  await deps.secrets.store(environmentSecretKey(folder.folder.uri, name), url.trim());
  await deps.environments.refresh();
  return `Environment ${name}: URL stored (${core().parseDatabaseUrl(url.trim()).display}).`;
};

export const upgradeEnvironment: CommandFactory = (deps) => async (arg?: unknown) => {
  requireTrust('Upgrading an environment');
  const folder = deps.environments.requireFolder();
  const api = core();
  const names = api.loadEnvironments(folder.folder.fsPath).environments.map((e) => e.name);
  const name = nodeEnvironment(arg) ?? await pickEnvironment(names, 'Upgrade Environment');
  const { config, targets } = await deps.environments.targets(name, true);
  const environment = api.findEnvironment(config, name);
  const concurrency = environment.concurrency ?? config.concurrency;
  const canary = targets.length > 1 ? environment.canary ?? targets[0].id : undefined;
  const text = fleetConfirmation(name, targets.length, canary, concurrency, 'stop');
  await confirmOrThrow({ ...text, button: 'Upgrade', typeName: environment.protected ? name : undefined });
  const settings = deps.settings.for(vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(folder.folder.uri)));
  // The chain's engine, the way single-database runs get it; each target brings its own URL.
  const alembic = await chainEngineFor({ chain: folder.chain, alembicProject: folder.alembicProject, workspaceFolder: folder.folder.fsPath, settings }).fleetAlembic();
  const result = await withCancellableProgress(`Upgrading ${name}`, (signal, report) => api.upgradeFleet({
    root: folder.folder.fsPath,
    environment,
    chain: folder.chain,
    targets,
    alembic,
    concurrency,
    perServerConcurrency: environment.perServerConcurrency ?? config.perServerConcurrency,
    canary: canary ?? false,
    signal,
    logger: deps.log,
    applicationName: 'migration-chain vscode fleet',
    onProgress: (record) => {
      const finished = record.targets.filter((t) => t.state === 'done' || t.state === 'failed').length;
      report(`${finished} of ${record.targets.length}`);
    },
  }));
  await Promise.all([deps.environments.refresh(), deps.chains.refresh()]);
  const { record } = result;
  const done = record.targets.filter((t) => t.state === 'done').length;
  if (result.cancelled) throw new CancelledError(undefined, `${name}: cancelled; ${done} of ${record.targets.length} at head. Upgrade again to resume.`);
  if (result.failed.length || record.state !== 'completed') {
    const failed = result.failed.map((t) => `${t.id}: ${t.error ?? ''}`).join('; ');
    throw new MigrationChainError('sql', `${name}: ${done} of ${record.targets.length} at head; ${result.failed.length} failed${failed ? ` (${failed})` : ''}.`);
  }
  return `${name}: ${done} of ${record.targets.length} target${record.targets.length === 1 ? '' : 's'} at head.`;
};
