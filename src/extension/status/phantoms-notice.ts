// Says so when the local database has revisions from another git branch applied ("phantoms": the
// recorded heads name revisions the working tree has no file for), once per folder and set of such
// heads, with an action that runs Undo Revisions from Another Branch (behind its modal). Noticed on
// every refresh, and a refresh is asked for whenever a git repository's HEAD moves (VS Code's git
// extension API; a checkout changes the files, but the watcher may see them one by one).
import * as vscode from 'vscode';
import { core } from '../core';
import type { FolderSnapshot } from '../chains/folder-snapshot';
import type { Log } from '../output/log';
import type { SettingsReader } from '../settings/settings';
import type { WorkspaceChains } from '../chains/workspace-chains';

export const UNDO_PHANTOMS_COMMAND = 'migrationChain.undoPhantoms';

/** The notification's text: `2 revisions from another branch are applied here (app_dev): f2…, f1….` */
export function phantomMessage(count: number, database: string, revisions: readonly string[] = []): string {
  const names = revisions.length ? `: ${revisions.slice(0, 3).join(', ')}${revisions.length > 3 ? ` and ${revisions.length - 3} more` : ''}` : '';
  return `${count} revision${count === 1 ? '' : 's'} from another branch ${count === 1 ? 'is' : 'are'} applied here (${database})${names}.`;
}

export class PhantomNotice implements vscode.Disposable {
  private readonly told = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly chains: WorkspaceChains, private readonly settings: SettingsReader, private readonly log: Log) {
    chains.onDidChange(() => { for (const s of chains.snapshots()) void this.check(s); }, null, this.disposables);
    this.watchGit();
  }

  private async check(s: FolderSnapshot): Promise<void> {
    const unknown = s.status?.unknown.map((u) => u.revision).sort() ?? [];
    if (!unknown.length || !s.chain || !vscode.workspace.isTrusted) return;
    const key = `${s.folder.uri}\u0000${unknown.join(',')}`;
    if (this.told.has(key)) return;
    this.told.add(key);
    try {
      const { url, target } = await this.chains.connect(s.folder.uri, 'Revisions from another branch');
      const protectedPatterns = this.settings.for(this.chains.workspaceFolder(s.folder.uri)).protectedDatabases;
      const report = await core().findPhantoms({ chain: s.chain, url, protectedPatterns });
      if (!report.phantoms.length) return;
      const stuck = report.phantoms.filter((p) => p.downgradeSql === null);
      const action = report.refusal || stuck.length ? undefined : 'Undo Them…';
      const message = phantomMessage(report.phantoms.length, target.database, report.phantoms.map((p) => p.revision))
        + (report.refusal ? ` Not undone here: ${report.refusal}.`
          : stuck.length ? ` Cannot be undone without their files: ${stuck.map((p) => `${p.revision} (${p.unavailable})`).join('; ')}.`
            : ' Undo them with the downgrade kept when they were applied?');
      const choice = await vscode.window.showWarningMessage(message, ...(action ? [action] : []));
      if (choice === action && action) await vscode.commands.executeCommand(UNDO_PHANTOMS_COMMAND, { folderUri: s.folder.uri });
    } catch (err) {
      this.log.warn(`Could not look for revisions from another branch: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Refresh when any repository's HEAD changes (branch switch, checkout), if the git extension is there. */
  private watchGit(): void {
    const git = vscode.extensions.getExtension<GitExtension>('vscode.git');
    if (!git) return;
    const hook = (api: GitApi) => {
      const heads = new Map<GitRepository, string | undefined>();
      const watch = (repo: GitRepository) => {
        heads.set(repo, repo.state.HEAD?.commit);
        this.disposables.push(repo.state.onDidChange(() => {
          const now = repo.state.HEAD?.commit;
          if (now === heads.get(repo)) return;
          heads.set(repo, now);
          void this.chains.refresh();
        }));
      };
      api.repositories.forEach(watch);
      this.disposables.push(api.onDidOpenRepository(watch));
    };
    const start = () => { try { hook(git.exports.getAPI(1)); } catch (err) { this.log.warn(`git extension API unavailable: ${String(err)}`); } };
    if (git.isActive) start();
    else void Promise.resolve(git.activate()).then(start, () => undefined);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

// The few parts of the git extension's API (extensions/git/src/api/git.d.ts) used here.
interface GitExtension { getAPI(version: 1): GitApi }
interface GitApi { repositories: GitRepository[]; onDidOpenRepository: vscode.Event<GitRepository> }
interface GitRepository { state: { HEAD: { commit?: string } | undefined; onDidChange: vscode.Event<void> } }
