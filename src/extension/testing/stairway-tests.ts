// The Testing view: a TestController whose items are the revisions of each workspace folder's chain
// (grouped by branch), and two run profiles: the stairway of what is selected (one revision, a
// branch, several, or all), and "Run changed": only the revisions whose files changed since a git
// ref (default: the merge base with the upstream branch). Each run calls the engine once per folder;
// an Alembic project's revisions run through its own Alembic (as its reset and migrate commands do).
import * as vscode from 'vscode';
import { chainEngineFor } from '../chains/chain-engine';
import { branchGroups, core, selectRevisions, type Logger } from '../core';
import type { Log } from '../output/log';
import type { SettingsReader } from '../settings/settings';
import type { WorkspaceChains } from '../chains/workspace-chains';
import type { TESTING_COMMANDS } from './commands';
import { recordRun, type ReportedRun } from './recorded-run';
import { failureOutput, stairwayItems, stairwayMessages, type RootItemModel } from './stairway-model';

export const CONTROLLER_ID = 'migrationChain.stairway';
const RUN_ALL_COMMAND: keyof typeof TESTING_COMMANDS = 'migrationChain.runStairway';
const RUN_CHANGED_COMMAND: keyof typeof TESTING_COMMANDS = 'migrationChain.runChangedStairway';
const RUN_RANGE_COMMAND: keyof typeof TESTING_COMMANDS = 'migrationChain.runStairwayRange';

export interface StairwayTestDeps {
  log: Log;
  chains: WorkspaceChains;
  settings: SettingsReader;
}

interface FolderRun {
  run: ReturnType<typeof recordRun>;
  /** Writes to the test run's terminal (redacted, CRLF as the terminal wants). */
  out: (text: string, item?: vscode.TestItem) => void;
  /** Writes to the output channel and the test run's terminal. */
  logger: Logger;
  signal: AbortSignal;
  changed?: { ref?: string };
}

interface ItemInfo {
  folderUri: string;
  revision?: string;
}

export class StairwayTests implements vscode.Disposable {
  readonly controller: vscode.TestController;
  readonly runProfile: vscode.TestRunProfile;
  readonly changedProfile: vscode.TestRunProfile;
  private readonly info = new Map<string, ItemInfo>();
  /** The last outcome per revision, per chain (the revision graph's stairway badge). */
  private readonly outcomes = new Map<string, Map<string, 'passed' | 'failed'>>();
  /** The models the items were last built from. */
  private shown = '';
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: StairwayTestDeps) {
    this.controller = vscode.tests.createTestController(CONTROLLER_ID, 'Migration Chain');
    this.disposables.push(this.controller);
    this.runProfile = this.controller.createRunProfile('Stairway', vscode.TestRunProfileKind.Run,
      (request, token) => void this.runRequest(request, token), true);
    this.changedProfile = this.controller.createRunProfile('Stairway: changed since the upstream merge base', vscode.TestRunProfileKind.Run,
      (request, token) => void this.runRequest(request, token, { ref: undefined }), false);
    this.controller.refreshHandler = () => this.deps.chains.refresh();
    deps.chains.onDidChange(() => this.sync(), null, this.disposables);
    this.disposables.push(
      vscode.commands.registerCommand(RUN_ALL_COMMAND, () => this.runAll()),
      vscode.commands.registerCommand(RUN_CHANGED_COMMAND, (ref?: unknown) => this.runAll({ ref: typeof ref === 'string' ? ref : undefined })),
      vscode.commands.registerCommand(RUN_RANGE_COMMAND, (from?: unknown, to?: unknown) =>
        this.runRange(typeof from === 'string' ? from : undefined, typeof to === 'string' ? to : undefined)),
    );
    this.sync();
  }

  /** Runs every revision (or, with `changed`, the changed ones); resolves with what the run reported. */
  runAll(changed?: { ref?: string }): Promise<ReportedRun> {
    const profile = changed ? this.changedProfile : this.runProfile;
    const tokens = new vscode.CancellationTokenSource();
    return this.runRequest(new vscode.TestRunRequest(undefined, undefined, profile), tokens.token, changed).finally(() => tokens.dispose());
  }

  /**
   * Runs FROM, TO and every revision between them (descendants of FROM that are ancestors of TO),
   * asked for with two quick picks when not given. Resolves undefined when a pick is dismissed.
   */
  async runRange(from?: string, to?: string): Promise<ReportedRun | undefined> {
    const snapshot = this.deps.chains.snapshots().find((s) => s.chain);
    const chain = snapshot?.chain;
    if (!snapshot || !chain) {
      void vscode.window.showWarningMessage('Migration Chain: no migration chain to test.');
      return undefined;
    }
    const graph = chain.graph;
    const pick = async (candidates: readonly string[], placeHolder: string) => (await vscode.window.showQuickPick(
      candidates.map((r) => ({ label: r, description: graph.get(r)?.message })), { placeHolder }))?.label;
    from ??= await pick(graph.topologicalOrder(), 'Run the stairway from this revision…');
    if (from === undefined) return undefined;
    const start = from;
    to ??= await pick(selectRevisions(graph, { from: start }), `…to this revision (${start} and its descendants)`);
    if (to === undefined) return undefined;
    const revisions = new Set(selectRevisions(graph, { from: start, to }));
    const items: vscode.TestItem[] = [];
    const visit = (item: vscode.TestItem) => {
      const info = this.info.get(item.id);
      if (info?.folderUri === snapshot.folder.uri && info.revision && revisions.has(info.revision)) items.push(item);
      item.children.forEach(visit);
    };
    this.controller.items.forEach(visit);
    const tokens = new vscode.CancellationTokenSource();
    try {
      return await this.runRequest(new vscode.TestRunRequest(items, undefined, this.runProfile), tokens.token);
    } finally {
      tokens.dispose();
    }
  }

  /** Rebuilds the items from the chains as they are now (ids are stable, so results stay attached). */
  private sync(): void {
    const snapshots = this.deps.chains.snapshots().filter((s) => s.chain);
    const models = snapshots.map((s) => stairwayItems(s.folder, s.chain!, branchGroups(s.chain!.graph), snapshots.length > 1));
    // The data source changes on every status poll; the items only when the files do.
    const shown = JSON.stringify(models);
    if (shown === this.shown) return;
    this.shown = shown;
    this.info.clear();
    this.controller.items.replace(models.map((m) => this.rootItem(m)));
  }

  private rootItem(model: RootItemModel): vscode.TestItem {
    const folderUri = model.id;
    const root = this.controller.createTestItem(model.id, model.label);
    this.info.set(root.id, { folderUri });
    model.groups.forEach((g, gi) => {
      const group = this.controller.createTestItem(g.id, g.label);
      group.sortText = String(gi).padStart(6, '0');
      this.info.set(group.id, { folderUri });
      g.revisions.forEach((r, ri) => {
        const item = this.controller.createTestItem(r.id, r.label, vscode.Uri.file(r.file));
        item.description = r.description;
        item.range = new vscode.Range(r.line - 1, 0, r.line - 1, 0);
        item.sortText = String(ri).padStart(6, '0');
        this.info.set(item.id, { folderUri, revision: r.revision });
        group.children.add(item);
      });
      root.children.add(group);
    });
    return root;
  }

  /** The revision items a request asks for, per folder. */
  private selected(request: vscode.TestRunRequest): Map<string, Map<string, vscode.TestItem>> {
    const excluded = new Set((request.exclude ?? []).map((i) => i.id));
    const out = new Map<string, Map<string, vscode.TestItem>>();
    const visit = (item: vscode.TestItem) => {
      if (excluded.has(item.id)) return;
      const info = this.info.get(item.id);
      if (info?.revision) {
        const folder = out.get(info.folderUri) ?? new Map<string, vscode.TestItem>();
        folder.set(info.revision, item);
        out.set(info.folderUri, folder);
      }
      item.children.forEach(visit);
    };
    if (request.include) request.include.forEach(visit);
    else this.controller.items.forEach(visit);
    return out;
  }

  /** What the run profiles call; resolves with what the run reported. */
  async runRequest(request: vscode.TestRunRequest, token: vscode.CancellationToken, changed?: { ref?: string }): Promise<ReportedRun> {
    const { log } = this.deps;
    const run = recordRun(this.controller.createTestRun(request, changed ? 'Stairway: changed revisions' : 'Stairway'));
    const out = (line: string, item?: vscode.TestItem) => run.appendOutput(`${log.redact(line).replace(/\r?\n/g, '\r\n')}\r\n`, undefined, item);
    const logger: Logger = {
      info: (m: string) => { log.info(m); out(m); },
      warn: (m: string) => { log.warn(m); out(`warning: ${m}`); },
      error: (m: string) => { log.error(m); out(m); },
      debug: (m: string) => log.debug(m),
    };
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    try {
      for (const [folderUri, items] of this.selected(request)) {
        if (token.isCancellationRequested) break;
        await this.runFolder(folderUri, items, { run, out, logger, signal: abort.signal, changed });
      }
    } finally {
      cancel.dispose();
      run.end();
      this.recordOutcomes(run.reported);
    }
    return run.reported;
  }

  /** The last stairway outcome of each revision of a chain that has been tested. */
  lastOutcomes(folderUri: string): ReadonlyMap<string, 'passed' | 'failed'> | undefined {
    return this.outcomes.get(folderUri);
  }

  private recordOutcomes(reported: ReportedRun): void {
    for (const item of reported.items.values()) {
      const info = this.info.get(item.id);
      if (!info?.revision || (item.state !== 'passed' && item.state !== 'failed' && item.state !== 'errored')) continue;
      const map = this.outcomes.get(info.folderUri) ?? new Map<string, 'passed' | 'failed'>();
      map.set(info.revision, item.state === 'passed' ? 'passed' : 'failed');
      this.outcomes.set(info.folderUri, map);
    }
  }

  private async runFolder(
    folderUri: string,
    items: Map<string, vscode.TestItem>,
    ctx: FolderRun,
  ): Promise<void> {
    const { run, out, logger } = ctx;
    const pending = new Map(items);
    try {
      const snapshot = this.deps.chains.snapshot(folderUri);
      const chain = snapshot?.chain;
      if (!chain) throw new Error(`${snapshot?.folder.name ?? folderUri}: no migration chain to test.`);
      let revisions = [...items.keys()];
      if (ctx.changed) {
        const c = await core().revisionsChangedSince(chain, ctx.changed.ref);
        const changedSet = new Set(c.revisions);
        revisions = revisions.filter((r) => changedSet.has(r));
        logger.info(`${revisions.length} revision(s) changed since ${c.ref}${revisions.length ? `: ${revisions.join(', ')}` : ''}.`);
        for (const r of [...pending.keys()]) if (!changedSet.has(r)) pending.delete(r);
      }
      if (revisions.length === 0) return;
      for (const r of revisions) run.enqueued(items.get(r)!);
      const { url } = await this.deps.chains.connect(folderUri, 'The stairway test');
      const settings = this.deps.settings.for(this.deps.chains.workspaceFolder(folderUri));
      // The chain's engine says how the stairway moves it (an Alembic project: its own Alembic).
      const engines = await chainEngineFor({ chain, alembicProject: snapshot.alembicProject, workspaceFolder: snapshot.folder.fsPath, settings }).stairwayEngines();
      await core().runStairway({
        chain, url, selection: { revisions }, logger, signal: ctx.signal, engines,
        onEvent: (e) => {
          if (e.kind === 'started') {
            const item = items.get(e.revision);
            if (item) run.started(item);
            return;
          }
          const item = items.get(e.result.revision);
          if (!item) return;
          pending.delete(e.result.revision);
          const r = e.result;
          if (r.outcome === 'passed' || r.outcome === 'irreversible') {
            if (r.note) out(`${r.revision}: ${r.note}`, item);
            run.passed(item, r.durationMs);
          } else if (r.outcome === 'skipped') {
            out(`${r.revision}: ${r.note ?? 'skipped'}`, item);
            run.skipped(item);
          } else {
            const detail = failureOutput(r);
            this.deps.log.error(detail);
            out(detail, item);
            run.failed(item, stairwayMessages(r).map(toTestMessage), r.durationMs);
          }
        },
      });
    } catch (err) {
      // A cancelled run reports what it did not reach as skipped (below), not as errors.
      if (!ctx.signal.aborted) {
        const message = err instanceof Error ? err.message : String(err);
        const hint = (err as { hint?: unknown }).hint;
        const text = `${message}${typeof hint === 'string' ? `\n${hint}` : ''}`;
        logger.error(`Stairway test failed: ${text}`);
        for (const item of pending.values()) run.errored(item, new vscode.TestMessage(text));
        pending.clear();
      }
    } finally {
      // Selected revisions the walk never reached (a cancelled run) are reported as skipped.
      for (const item of pending.values()) run.skipped(item);
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}

function toTestMessage(m: ReturnType<typeof stairwayMessages>[number]): vscode.TestMessage {
  const message = m.expected !== undefined || m.actual !== undefined
    ? vscode.TestMessage.diff(m.text, m.expected ?? '', m.actual ?? '')
    : new vscode.TestMessage(m.text);
  message.location = new vscode.Location(vscode.Uri.file(m.file), new vscode.Position(m.line - 1, 0));
  return message;
}
