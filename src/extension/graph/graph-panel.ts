// The revision graph webview: one panel for one chain. The extension host lays the chain out (one
// core call, asynchronously with respect to the editor's UI, which runs in another process) and
// posts the result; the webview draws only the rows on screen. Every message from the webview is
// checked (protocol.ts) and every edit goes through graph-edits.ts's modal and undoable edit.
import { randomBytes } from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import { ConfirmationError, core, MigrationChainError, type NodeMark } from '../core';
import type { CommandDeps } from '../commands/deps';
import { runCommand, type Outcome } from '../commands/run-command';
import { parseWebviewMessage, type GraphView, type HostMessage, type WebviewMessage } from '../../webview/graph/protocol';
import { applyParentChange, createFileUndoably, pick } from './graph-edits';
import { graphHtml } from './graph-html';
import { buildGraphView, layoutFor } from './graph-model';

export const GRAPH_VIEW_TYPE = 'migrationChain.revisionGraph';

export interface GraphDeps extends CommandDeps {
  extensionUri: vscode.Uri;
  lintCounts?: (file: string) => { errors: number; warnings: number } | undefined;
}

export class GraphPanel implements vscode.Disposable {
  private static current: GraphPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private focus: string | undefined;
  private select: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ready = false;
  /** The last view posted (tests read it). */
  view: GraphView | undefined;
  /** Resolves after the next post (tests wait on it). */
  private posted: { promise: Promise<void>; resolve: () => void } = deferred();

  static get open(): GraphPanel | undefined {
    return GraphPanel.current;
  }

  /** Shows the graph of `folderUri`'s chain, selecting `revision` when given. */
  static show(deps: GraphDeps, folderUri: string, revision?: string): GraphPanel {
    const existing = GraphPanel.current;
    if (existing && existing.folderUri === folderUri) {
      existing.panel.reveal();
      if (revision) existing.selectRevision(revision);
      return existing;
    }
    existing?.dispose();
    const root = vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview');
    const panel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, 'Revision Graph', vscode.ViewColumn.Active,
      { enableScripts: true, localResourceRoots: [root], retainContextWhenHidden: true });
    GraphPanel.current = new GraphPanel(panel, deps, folderUri, revision);
    return GraphPanel.current;
  }

  private constructor(readonly panel: vscode.WebviewPanel, private readonly deps: GraphDeps, readonly folderUri: string, select?: string) {
    this.select = select;
    const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview', 'graph.js'));
    panel.webview.html = graphHtml({ nonce: randomBytes(16).toString('base64'), cspSource: panel.webview.cspSource, scriptUri: script.toString() });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => { void this.handle(m); }),
      deps.chains.onDidChange(() => this.schedule()),
      deps.environments.onDidChangeTreeData(() => this.schedule()),
    );
  }

  /** Waits until the webview has been sent a graph after this call. */
  nextPost(): Promise<void> {
    return this.posted.promise;
  }

  selectRevision(revision: string): void {
    this.select = revision;
    void this.post({ type: 'select', id: revision });
  }

  private schedule(): void {
    if (!this.ready) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => { void this.render(); }, 100);
  }

  private snapshot() {
    const snapshot = this.deps.chains.snapshot(this.folderUri);
    if (!snapshot?.chain) throw new MigrationChainError('usage', `No migration chain in ${snapshot?.folder.name ?? this.folderUri} any more.`);
    return snapshot as typeof snapshot & { chain: NonNullable<typeof snapshot.chain> };
  }

  /** Lays the chain out and sends it; the git metadata comes from one cached `git log`. */
  async render(): Promise<void> {
    const snapshot = this.deps.chains.snapshot(this.folderUri);
    if (!snapshot?.chain) {
      await this.post({ type: 'busy', text: 'No migration chain in this folder.' });
      return;
    }
    const commits = await core().lastCommits(snapshot.chain.dir).catch((err: unknown) => {
      this.deps.log.warn(`Revision graph: no git authors (${(err as Error).message})`);
      return undefined;
    });
    const environments = this.deps.environments.folder()?.folder.uri === this.folderUri ? this.deps.environments.all() : [];
    this.view = buildGraphView({
      snapshot, environments, commits, lint: this.deps.lintCounts, stairway: this.deps.stairwayOutcomes?.(this.folderUri),
      focus: this.focus, select: this.select,
    });
    this.select = undefined;
    await this.post({ type: 'graph', view: this.view });
  }

  private async post(message: HostMessage): Promise<void> {
    await this.panel.webview.postMessage(message);
    if (message.type === 'graph') {
      const done = this.posted;
      this.posted = deferred();
      done.resolve();
    }
  }

  /** What a message from the webview does (public: the extension-host tests post through here). */
  async handle(raw: unknown): Promise<Outcome | undefined> {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.deps.log.warn(`Revision graph: ignored a malformed message from the webview: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return undefined;
    }
    return this.act(message);
  }

  private act(message: WebviewMessage): Promise<Outcome | undefined> {
    const run = (title: string, body: () => Promise<string | void>) => runCommand(this.deps, `Revision Graph: ${title}`, body)();
    switch (message.type) {
      case 'ready':
        this.ready = true;
        return this.render().then(() => undefined);
      case 'refresh':
        return run('Refresh', async () => { await this.deps.chains.refresh(this.folderUri); await this.render(); });
      case 'focus':
        this.focus = message.id ?? undefined;
        this.select = message.id ?? this.focus;
        return this.render().then(() => undefined);
      case 'open':
        return run('Open', () => this.open(message.id, message.preserveFocus === true));
      case 'reparent':
        return run('Re-parent', () => this.reparent(message.revision, message.onto));
      case 'removeParent':
        return run('Remove Parent Link', () => this.removeParent(message.revision));
      case 'mergeHeads':
        return run('Merge Heads', () => this.mergeHeads(message.revision, message.other));
      case 'restore':
        return run('Restore from Git', () => this.restore(message.revision));
      case 'exportSvg':
        return run('Export SVG', () => this.exportSvg());
    }
  }

  private async open(id: string, preserveFocus: boolean): Promise<void> {
    const snapshot = this.snapshot();
    const m = snapshot.chain.graph.get(id);
    const node = this.view?.nodes.find((n) => n.id === id);
    const file = m?.file ?? (node?.kind === 'unparsed' && node.file ? path.resolve(snapshot.folder.fsPath, node.file) : undefined);
    if (!file) throw new MigrationChainError('usage', `${id} has no file in the working tree${node?.kind === 'missing' ? ': use "Restore from git"' : ''}.`);
    const line = Math.max(0, (m?.revisionLine ?? 1) - 1);
    await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(line, 0, line, 0), viewColumn: vscode.ViewColumn.Beside, preserveFocus });
  }

  private async afterEdit(select: string): Promise<void> {
    this.select = select;
    await this.deps.chains.refresh(this.folderUri);
    await this.render();
  }

  private async reparent(revision: string, onto?: string): Promise<string> {
    const snapshot = this.snapshot();
    const graph = snapshot.chain.graph;
    if (!onto) {
      const excluded = new Set([revision, ...graph.descendants(revision), ...(graph.get(revision)?.downRevisions ?? [])]);
      const choices = graph.historyOrder().filter((r) => !excluded.has(r))
        .map((r) => ({ label: r, description: graph.get(r)?.message, revision: r }));
      if (!choices.length) throw new MigrationChainError('usage', `There is no other revision to put ${revision} after.`);
      onto = (await pick(choices, `Put ${revision} after which revision?`)).revision;
    }
    const change = core().planReparent(snapshot.chain, revision, onto);
    const line = await applyParentChange(change, snapshot, this.environments(), 'Re-parent');
    this.deps.log.info(`Revision graph: re-parented ${revision} onto ${onto} (${change.file}:${line}; was ${change.from.join(', ') || 'a base'})`);
    await this.afterEdit(revision);
    return `Re-parented ${revision} onto ${onto}. Ctrl+Z in ${path.basename(change.file)} undoes it.`;
  }

  private async removeParent(revision: string): Promise<string> {
    const snapshot = this.snapshot();
    const m = snapshot.chain.graph.get(revision);
    const parents = (m?.downRevisions ?? []).map((p) => ({ label: p, description: snapshot.chain.graph.get(p)?.message ?? '(missing)', revision: p }));
    if (parents.length < 2) {
      throw new MigrationChainError('usage', `${revision} has ${parents.length} parent${parents.length === 1 ? '' : 's'}; only a merge's parent link can be removed.`, 'Re-parent it instead.');
    }
    const parent = (await vscode.window.showQuickPick(parents, { placeHolder: `Remove which parent link of ${revision}?` }))?.revision;
    if (!parent) throw new ConfirmationError('No parent chosen; nothing was changed.');
    const change = core().planRemoveParent(snapshot.chain, revision, parent);
    await applyParentChange(change, snapshot, this.environments(), 'Remove Parent Link of');
    await this.afterEdit(revision);
    return `${revision} no longer has ${parent} as a parent.`;
  }

  private async mergeHeads(revision: string, other?: string): Promise<string> {
    const snapshot = this.snapshot();
    if (snapshot.alembicProject) {
      throw new MigrationChainError('usage', 'This is an Alembic project: its merge revisions are .py files that Alembic writes.',
        `Run \`alembic merge ${revision} <other head>\` in the project.`);
    }
    const heads = snapshot.chain.graph.heads.filter((h) => h !== revision);
    if (!snapshot.chain.graph.heads.includes(revision) || heads.length === 0) {
      throw new MigrationChainError('usage', `${revision} is not one of several heads (heads: ${snapshot.chain.graph.heads.join(', ')}).`);
    }
    other ??= (await pick(heads.map((h) => ({ label: h, description: snapshot.chain.graph.get(h)?.message, revision: h })), `Merge ${revision} with which head?`)).revision;
    const message = await vscode.window.showInputBox({ title: 'Merge these heads', prompt: `Message for the merge of ${revision} and ${other}`, value: `merge ${revision} and ${other}` });
    if (message === undefined) throw new ConfirmationError('Merge cancelled; nothing was changed.');
    const planned = core().planMergeOfHeads(snapshot.chain, [revision, other], message.trim() || undefined);
    await createFileUndoably(planned.file, planned.text);
    await this.afterEdit(planned.revision);
    await vscode.window.showTextDocument(vscode.Uri.file(planned.file), { viewColumn: vscode.ViewColumn.Beside });
    return `Created merge revision ${planned.revision} of ${revision} and ${other}.`;
  }

  private async restore(revision: string): Promise<string> {
    const snapshot = this.snapshot();
    const found = await core().findDeletedRevision(snapshot.chain.dir, revision);
    if (!found) throw new MigrationChainError('usage', `No deleted file in the git history of ${snapshot.chain.dir} defines ${revision}.`);
    const choice = await vscode.window.showWarningMessage(`Restore ${found.path} from git?`, {
      modal: true,
      detail: `It defined ${revision} until commit ${found.deletedIn.slice(0, 12)} deleted it. The file is created again with its last committed text; Undo removes it.`,
    }, 'Restore');
    if (choice !== 'Restore') throw new ConfirmationError('Restore cancelled; nothing was changed.');
    await createFileUndoably(found.file, found.text);
    await this.afterEdit(revision);
    return `Restored ${found.path} (${revision}) from ${found.deletedIn.slice(0, 12)}^.`;
  }

  private async exportSvg(): Promise<string | void> {
    const snapshot = this.snapshot();
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(path.join(snapshot.folder.fsPath, this.focus ? `chain-${this.focus}.svg` : 'chain.svg')),
      filters: { SVG: ['svg'] },
      title: 'Export the revision graph as SVG',
    });
    if (!target) return;
    const marks = new Map<string, NodeMark[]>((this.view?.nodes ?? []).map((n) => [n.id, n.marks]));
    const svg = core().renderGraph('svg', layoutFor(snapshot, this.focus), { marks, title: this.view?.title });
    await vscode.workspace.fs.writeFile(target, Buffer.from(svg, 'utf8'));
    return `Exported the graph to ${target.fsPath}.`;
  }

  private environments() {
    return this.deps.environments.folder()?.folder.uri === this.folderUri ? this.deps.environments.all() : [];
  }

  dispose(): void {
    if (GraphPanel.current === this) GraphPanel.current = undefined;
    clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}
