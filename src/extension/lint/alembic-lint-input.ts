// Alembic `.py` revisions in the editor: their SQL comes from the project's own Alembic in offline
// mode (`alembic upgrade --sql`, the CLI's path), which executes the project's Python, so only in a
// trusted workspace; in the background, once the files have settled after a save (the chain is
// re-read from disk, never per keystroke). One answer is kept per folder while the pending `.py`
// revisions and their texts are unchanged; while a newer run is under way the previous one stands.
import * as vscode from 'vscode';
import { CancelledError, core, lintEngine, type AlembicProject, type Chain, sqlFromAlembic } from '../core';
import type { FolderSnapshot } from '../chains/folder-snapshot';
import type { Log } from '../output/log';
import type { SettingsReader } from '../settings/settings';
import type { WorkspaceChains } from '../chains/workspace-chains';

type ChainApi = ReturnType<typeof lintEngine.chain>;
/** The offline SQL of a folder's `.py` revisions, as the lint takes it. */
export type PyLintInput = Awaited<ReturnType<ChainApi['offlineLintInput']>>;
type OfflineAlembic = Awaited<ReturnType<Parameters<ChainApi['offlineLintInput']>[2]>>;

/** After the last save: a burst of saves (Save All, a formatter) starts one Alembic process. */
const SETTLE_MS = 800;

interface FolderEntry {
  key: string;
  input?: PyLintInput;
  timer?: NodeJS.Timeout;
  running?: AbortController;
}

export class AlembicLintInputs implements vscode.Disposable {
  private readonly entries = new Map<string, FolderEntry>();

  /** `updated`: a run finished with a new answer (the caller lints again). */
  constructor(private readonly deps: { chains: WorkspaceChains; settings: SettingsReader; log: Log; updated: () => void }) {}

  /**
   * What to lint the folder's `.py` revisions with now: the last offline SQL (possibly from before
   * the latest save), or undefined when there is none yet or the folder may not run Alembic. Starts
   * a background run when the pending `.py` revisions or their texts changed.
   */
  inputFor(snapshot: FolderSnapshot, revisions: readonly string[]): PyLintInput | undefined {
    const project = snapshot.alembicProject;
    const chain = snapshot.chain;
    if (!project || !chain || !vscode.workspace.isTrusted) return undefined;
    const py = revisions.map((r) => chain.graph.get(r)).filter((m) => m !== undefined && sqlFromAlembic(m));
    if (!py.length) return undefined;
    const key = `${project.iniFile}|${py.map((m) => `${m!.revision}:${m!.checksum}`).join(',')}`;
    let entry = this.entries.get(snapshot.folder.uri);
    if (!entry) this.entries.set(snapshot.folder.uri, entry = { key: '' });
    if (entry.key !== key) {
      entry.key = key;
      this.start(entry, key, snapshot, chain, project, [...revisions]);
    }
    return entry.input;
  }

  private start(entry: FolderEntry, key: string, snapshot: FolderSnapshot, chain: Chain, project: AlembicProject, revisions: string[]): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.running?.abort();
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      const abort = new AbortController();
      entry.running = abort;
      void this.run(snapshot, chain, project, revisions, abort.signal).then((input) => {
        if (entry.running === abort) entry.running = undefined;
        if (!input || entry.key !== key) return; // cancelled, failed, or the files changed again meanwhile
        entry.input = input;
        this.deps.updated();
      });
    }, SETTLE_MS);
  }

  private async run(snapshot: FolderSnapshot, chain: Chain, project: AlembicProject, revisions: string[], signal: AbortSignal): Promise<PyLintInput | undefined> {
    const started = performance.now();
    try {
      // Offline mode needs only the dialect, but many env.py files read the URL at import: give it when there is one.
      const url = snapshot.connection ? await this.deps.chains.connect(snapshot.folder.uri, 'Lint Alembic revisions').then((c) => c.url, () => undefined) : undefined;
      const input = await lintEngine.chain().offlineLintInput(chain, revisions, () => this.offlineAlembic(snapshot, project, url, signal));
      this.deps.log.debug(`lint: Alembic's offline SQL for ${snapshot.folder.name} in ${Math.round(performance.now() - started)} ms`);
      return input;
    } catch (err) {
      if (!(err instanceof CancelledError)) this.deps.log.warn(`lint of ${snapshot.folder.name}'s Alembic revisions failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  private async offlineAlembic(snapshot: FolderSnapshot, project: AlembicProject, url: string | undefined, signal: AbortSignal): Promise<OfflineAlembic> {
    const settings = this.deps.settings.for(this.deps.chains.workspaceFolder(snapshot.folder.uri));
    return {
      project,
      command: await core().resolveAlembicCommand({ configured: settings.alembicCommand, projectDir: project.dir, stopDir: snapshot.folder.fsPath, flaskMigrate: !!project.flaskMigrate }),
      envVariable: settings.envVariable,
      signal,
      logger: this.deps.log,
      ...(url ? { url } : {}),
    };
  }

  dispose(): void {
    for (const entry of this.entries.values()) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.running?.abort();
    }
  }
}
