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
  private disposed = false;
  /** The last view posted (tests read it). */
  view: GraphView | undefined;
  /** PNG rasterizations asked of the webview, by request id. */
  private readonly rasters = new Map<number, { resolve: (base64: string) => void; reject: (err: Error) => void }>();
  private rasterId = 0;
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
    // A render that was under way when the panel closed (an edit's refresh) has nowhere to go.
    if (this.disposed) return;
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
      case 'exportPng':
        return run('Export PNG', () => this.exportPng());
      case 'png':
        this.answerRaster(message);
        return Promise.resolve(undefined);
      case 'copyId':
        return run('Copy Revision Id', async () => {
          const node = this.view?.nodes.find((n) => n.id === message.id);
          await vscode.env.clipboard.writeText(node?.revision ?? message.id);
          this.deps.log.info(`Revision graph: copied ${node?.revision ?? message.id}`);
        });
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
    const when = found.deletedIn ? `until commit ${found.deletedIn.slice(0, 12)} deleted it` : 'in HEAD and was deleted from the working tree since';
    const choice = await vscode.window.showWarningMessage(`Restore ${found.path} from git?`, {
      modal: true,
      detail: `It defined ${revision} ${when}. The file is created again with its last committed text; Undo removes it.`,
    }, 'Restore');
    if (choice !== 'Restore') throw new ConfirmationError('Restore cancelled; nothing was changed.');
    await createFileUndoably(found.file, found.text);
    await this.afterEdit(revision);
    return `Restored ${found.path} (${revision}) from ${found.deletedIn ? `${found.deletedIn.slice(0, 12)}^` : 'HEAD'}.`;
  }

  private saveTarget(extension: 'svg' | 'png'): Thenable<vscode.Uri | undefined> {
    const snapshot = this.snapshot();
    return vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(path.join(snapshot.folder.fsPath, this.focus ? `chain-${this.focus}.${extension}` : `chain.${extension}`)),
      filters: { [extension.toUpperCase()]: [extension] },
      title: `Export the revision graph as ${extension.toUpperCase()}`,
    });
  }

  /** The export's SVG (the whole graph or the focused part, with the badges shown) and its size. */
  private exportedSvg(): { svg: string; width: number; height: number } {
    const snapshot = this.snapshot();
    const marks = new Map<string, NodeMark[]>((this.view?.nodes ?? []).map((n) => [n.id, n.marks]));
    const layout = layoutFor(snapshot, this.focus);
    const options = { marks, title: this.view?.title };
    return { svg: core().renderGraph('svg', layout, options), ...core().svgSize(layout, options) };
  }

  private async exportSvg(): Promise<string | void> {
    const target = await this.saveTarget('svg');
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, Buffer.from(this.exportedSvg().svg, 'utf8'));
    return `Exported the graph to ${target.fsPath}.`;
  }

  /**
   * The same SVG as Export SVG, drawn on a canvas by the webview (the browser renders it with the
   * editor's own fonts, and the extension ships no rasterizer); the bytes come back as a message
   * and are checked to be a PNG before anything is written.
   */
  private async exportPng(): Promise<string | void> {
    const target = await this.saveTarget('png');
    if (!target) return;
    const { svg, width, height } = this.exportedSvg();
    const scale = core().pngScale({ width, height });
    const bytes = Buffer.from(await this.rasterize(svg, width, height, scale), 'base64');
    const size = core().pngHeader(bytes, 'The graph\'s canvas');
    await vscode.workspace.fs.writeFile(target, bytes);
    const scaled = scale < 1 ? ` The graph is ${width}×${height} px, more than a canvas holds, so it was drawn at ${Math.round(scale * 100)}%: use Focus, or Export SVG for the whole chain at full size.` : '';
    return `Exported the graph to ${target.fsPath} (${size.width}×${size.height} px).${scaled}`;
  }

  private rasterize(svg: string, width: number, height: number, scale: number): Promise<string> {
    const id = ++this.rasterId;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.rasters.delete(id);
        reject(new MigrationChainError('io', 'The graph\'s webview did not draw the PNG within 60 s.', 'Try again with the graph visible, or use Export SVG.'));
      }, 60_000);
      this.rasters.set(id, {
        resolve: (b) => { clearTimeout(timer); resolve(b); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      void this.post({ type: 'rasterize', id, svg, width, height, scale });
    });
  }

  private answerRaster(message: Extract<WebviewMessage, { type: 'png' }>): void {
    const waiting = this.rasters.get(message.id);
    if (!waiting) return;
    this.rasters.delete(message.id);
    if ('error' in message) waiting.reject(new MigrationChainError('io', `The graph's webview could not draw the PNG: ${message.error}`, 'Use Export SVG instead.'));
    else waiting.resolve(message.base64);
  }

  private environments() {
    return this.deps.environments.folder()?.folder.uri === this.folderUri ? this.deps.environments.all() : [];
  }

  dispose(): void {
    this.disposed = true;
    if (GraphPanel.current === this) GraphPanel.current = undefined;
    clearTimeout(this.timer);
    for (const r of this.rasters.values()) r.reject(new MigrationChainError('cancelled', 'The revision graph was closed before the PNG was drawn.'));
    this.rasters.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}
