// The chain's engine, as the editor's settings configure it: the engine itself is chosen in the core
// from the chain's project (core/engine), so no command asks which one it has. The Alembic command comes
// from migrationChain.alembic.command or is looked for from the project up to the workspace folder; the
// URL reaches env.py under migrationChain.envVariable; narration goes to the output channel.
import { core, type AlembicProject, type Chain, type ChainEngine, type RunSettings } from '../core';
import type { Log } from '../output/log';
import type { Settings } from '../settings/settings-model';

export function chainEngineFor(o: { chain: Chain; alembicProject?: AlembicProject; workspaceFolder: string; settings: Settings }): ChainEngine {
  return core().chainEngine(o.chain, o.alembicProject, {
    configured: o.settings.alembicCommand, stopDir: o.workspaceFolder, envVariable: o.settings.envVariable,
  });
}

/**
 * What every run from the editor passes: the URL and the direct URL (the engine runs what needs one
 * session on it when the URL is pooled), the output channel, Cancel, the lock settings.
 */
export function runSettings(connection: { url: string; directUrl?: string }, settings: Settings, log: Log, signal?: AbortSignal): RunSettings {
  return {
    url: connection.url, ...(connection.directUrl ? { directUrl: connection.directUrl } : {}),
    logger: log, signal, lockTimeoutMs: settings.lockTimeoutSeconds * 1000, leaseMs: settings.lockLeaseSeconds * 1000, applicationName: 'migration-chain vscode',
    ...(settings.statementLockTimeoutSeconds !== undefined ? { statementLockTimeoutMs: settings.statementLockTimeoutSeconds * 1000 } : {}),
  };
}
