// The options of a run through an Alembic project's own Alembic (core/alembic): the command from
// migrationChain.alembic.command or found (venv, python -m alembic, PATH), the URL under
// migrationChain.envVariable, narration into the output channel, Cancel as the abort signal.
import { core, type AlembicOptions, type AlembicProject, type Chain, type OfflineAlembic } from './core';
import type { Log } from './log';
import type { Settings } from './settings-model';

export async function alembicOptions(o: {
  project: AlembicProject; chain: Chain; url: string; settings: Settings; workspaceFolder: string; log: Log; signal?: AbortSignal;
}): Promise<AlembicOptions> {
  const command = await core().resolveAlembicCommand({ configured: o.settings.alembicCommand, projectDir: o.project.dir, stopDir: o.workspaceFolder });
  return {
    chain: o.chain, url: o.url, project: o.project, command,
    envVariable: o.settings.envVariable,
    logger: o.log, signal: o.signal,
    lockTimeoutMs: o.settings.lockTimeoutSeconds * 1000,
    applicationName: 'migration-chain vscode',
  };
}

/** How to start the project's Alembic for offline SQL (Show SQL, the run preview): no URL needed. */
export async function offlineAlembic(o: { project: AlembicProject; settings: Settings; workspaceFolder: string; log: Log; url?: string; signal?: AbortSignal }): Promise<OfflineAlembic> {
  const command = await core().resolveAlembicCommand({ configured: o.settings.alembicCommand, projectDir: o.project.dir, stopDir: o.workspaceFolder });
  return { project: o.project, command, envVariable: o.settings.envVariable, logger: o.log, signal: o.signal, ...(o.url ? { url: o.url } : {}) };
}
