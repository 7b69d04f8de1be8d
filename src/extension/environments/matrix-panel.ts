// The matrix webview: one panel, re-rendered from the Environments view's statuses whenever they
// change (it never connects by itself; Refresh asks the view to read again). The document comes
// from matrixHtml(); this file only wires messages: a row opens its migration file.
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import type { EnvironmentsView } from './environments-view';
import { matrixHtml, type MatrixMessage } from './matrix-html';
import { buildMatrix, type Matrix } from './matrix-model';

export const MATRIX_VIEW_TYPE = 'migrationChain.environmentsMatrix';

export class MatrixPanel implements vscode.Disposable {
  private static current: MatrixPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** What the panel shows now (tests read it). */
  matrix: Matrix = { columns: [], rows: [] };

  /** Shows the panel (creating it once) and reads the environments if nobody has yet. */
  static async show(environments: EnvironmentsView): Promise<MatrixPanel> {
    if (MatrixPanel.current) {
      MatrixPanel.current.panel.reveal();
    } else {
      const panel = vscode.window.createWebviewPanel(MATRIX_VIEW_TYPE, 'Environments Matrix', vscode.ViewColumn.Active,
        { enableScripts: true, localResourceRoots: [], retainContextWhenHidden: false });
      MatrixPanel.current = new MatrixPanel(panel, environments);
    }
    const shown = MatrixPanel.current;
    await environments.ensureRead();
    shown.render();
    return shown;
  }

  static get open(): MatrixPanel | undefined {
    return MatrixPanel.current;
  }

  private constructor(readonly panel: vscode.WebviewPanel, private readonly environments: EnvironmentsView) {
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: MatrixMessage) => { void this.handle(m); }),
      environments.onDidChangeTreeData(() => this.render()),
    );
    this.render();
  }

  /** What a message from the webview does (public so a test can post one without a browser). */
  async handle(message: MatrixMessage): Promise<void> {
    if (message.type === 'refresh') {
      await this.environments.refresh();
      return;
    }
    // The webview is ours, but its messages are still input: only a known revision opens anything.
    if (message.type !== 'open' || typeof message.revision !== 'string') return;
    const m = this.environments.folder()?.chain?.graph.get(message.revision);
    if (!m) return;
    const line = Math.max(0, m.revisionLine - 1);
    await vscode.window.showTextDocument(vscode.Uri.file(m.file), { selection: new vscode.Range(line, 0, line, 0), viewColumn: vscode.ViewColumn.Beside });
  }

  private render(): void {
    const folder = this.environments.folder();
    this.matrix = folder?.chain ? buildMatrix(folder.chain, this.environments.all()) : { columns: [], rows: [] };
    this.panel.webview.html = matrixHtml(this.matrix, {
      nonce: randomBytes(16).toString('base64'),
      cspSource: this.panel.webview.cspSource,
      subtitle: folder ? `${folder.folder.name}: ${this.matrix.rows.length} revisions × ${this.matrix.columns.length} environments` : undefined,
    });
  }

  dispose(): void {
    if (MatrixPanel.current === this) MatrixPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
