// The Problems panel: every chain diagnostic of every folder, plus problems from the last run
// (SQL error at the failing line) and the last verify. Re-rendered on each chain change.
import * as vscode from 'vscode';
import { adviceTitle, headAdvice, movedHead } from './head-advice';
import type { WorkspaceChains } from '../chains/workspace-chains';

export interface RunProblem {
  file: string;
  /** 1-based. */
  line: number;
  column?: number;
  message: string;
  code: string;
  severity?: 'error' | 'warning';
}

export type RunOrigin = 'sql' | 'verify' | 'drift' | 'reapply';

export class ChainDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('migrationChain');
  private readonly runProblems = new Map<RunOrigin, RunProblem[]>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly chains: WorkspaceChains) {
    chains.onDidChange(() => this.render(), null, this.disposables);
  }

  setRunProblems(origin: RunOrigin, problems: RunProblem[]): void {
    this.runProblems.set(origin, problems);
    this.render();
  }

  clearRunProblems(origin: RunOrigin): void {
    if (this.runProblems.delete(origin)) this.render();
  }

  private render(): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const add = (file: string, d: vscode.Diagnostic) => {
      const list = byFile.get(file) ?? [];
      list.push(d);
      byFile.set(file, list);
    };
    for (const snapshot of this.chains.snapshots()) {
      for (const d of snapshot.chain?.diagnostics ?? []) {
        if (!d.file) continue;
        add(d.file, make(d.line ?? 1, undefined, d.message, d.code, d.severity));
      }
      // Several heads: per pair, on the head a person would act on, what to do about it.
      for (const a of headAdvice(snapshot)) {
        const m = snapshot.chain?.graph.get(movedHead(a) ?? a.heads[1]);
        if (m) add(m.file, make(m.revisionLine, undefined, `${adviceTitle(a)}. ${a.reason}`, 'head-advice', 'warning'));
      }
    }
    for (const problems of this.runProblems.values()) {
      for (const p of problems) add(p.file, make(p.line, p.column, p.message, p.code, p.severity ?? 'error'));
    }
    this.collection.clear();
    for (const [file, list] of byFile) this.collection.set(vscode.Uri.file(file), list);
  }

  dispose(): void {
    this.collection.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function make(line: number, column: number | undefined, message: string, code: string, severity: 'error' | 'warning'): vscode.Diagnostic {
  const l = Math.max(0, line - 1);
  const c = Math.max(0, (column ?? 1) - 1);
  const d = new vscode.Diagnostic(
    new vscode.Range(l, c, l, Number.MAX_SAFE_INTEGER),
    message,
    severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  d.source = 'Migration Chain';
  d.code = code;
  return d;
}
