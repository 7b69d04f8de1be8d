// The lint in the editor: Problems entries (rule id linking to its docs page), a CodeLens over each
// risky statement, a hover with the full explanation, and quick fixes for the safe rewrites. All
// rendered from LintService's data.
import * as vscode from 'vscode';
import { describeEffect, describeRelationEffect } from '../core';
import type { AnalysedStatement, LintFinding } from '../core';
import { findMigrationByFile } from '../chains/folder-snapshot';
import type { WorkspaceChains } from '../chains/workspace-chains';
import type { LintService } from './lint-service';

export const LINT_SOURCE = 'Migration Chain lint';
const SELECTOR: vscode.DocumentSelector = [{ scheme: 'file', pattern: '**/*.sql' }];
// Alembic revisions show the lens and hover too (their statements sit on `def upgrade`); the quick
// fixes stay on .sql, since they insert SQL.
const EXPLAINED: vscode.DocumentSelector = [...SELECTOR, { scheme: 'file', pattern: '**/*.py' }];

export function registerLint(service: LintService, chains: WorkspaceChains, extensionUri: vscode.Uri): vscode.Disposable[] {
  const docs = (rule: string) => vscode.Uri.joinPath(extensionUri, 'docs', 'lint', `${rule}.md`);
  const collection = vscode.languages.createDiagnosticCollection('migrationChain.lint');
  const lensChanged = new vscode.EventEmitter<void>();
  const render = () => {
    collection.clear();
    for (const [file, lintOfFile] of service.allFiles()) {
      const list: vscode.Diagnostic[] = [];
      for (const s of lintOfFile.statements) for (const f of s.findings) list.push(findingDiagnostic(f, docs(f.rule)));
      for (const p of lintOfFile.problems) {
        const d = new vscode.Diagnostic(new vscode.Range(p.line - 1, 0, p.line - 1, Number.MAX_SAFE_INTEGER), p.message,
          p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        d.source = LINT_SOURCE;
        d.code = p.code;
        list.push(d);
      }
      for (const n of lintOfFile.notLinted) {
        const d = new vscode.Diagnostic(new vscode.Range(n.line - 1, 0, n.line - 1, Number.MAX_SAFE_INTEGER),
          `Revision ${n.revision} not linted: ${n.reason}`, vscode.DiagnosticSeverity.Information);
        d.source = LINT_SOURCE;
        d.code = 'not-linted';
        list.push(d);
      }
      collection.set(vscode.Uri.file(file), list);
    }
    lensChanged.fire();
  };
  const statementAt = (document: vscode.TextDocument, position: vscode.Position): AnalysedStatement | undefined =>
    service.forFile(document.uri.fsPath)?.statements.find((s) => s.findings.length > 0 && rangeOf(s).contains(position));

  return [
    collection,
    lensChanged,
    service.onDidChange(render),
    vscode.languages.registerCodeLensProvider(EXPLAINED, {
      onDidChangeCodeLenses: lensChanged.event,
      provideCodeLenses(document) {
        const lintOfFile = service.forFile(document.uri.fsPath);
        return (lintOfFile?.statements ?? []).filter((s) => s.findings.length > 0 && s.effect).map((s) => {
          const first = s.findings[0];
          return new vscode.CodeLens(new vscode.Range(s.statement.line - 1, 0, s.statement.line - 1, 0), {
            title: `$(warning) ${describeEffect(s.effect!, lintOfFile!.facts) ?? first.rule}`,
            tooltip: s.findings.map((f) => `${f.rule}: ${f.message}`).join('\n\n'),
            command: 'vscode.open',
            arguments: [docs(first.rule)],
          });
        });
      },
    }),
    vscode.languages.registerHoverProvider(EXPLAINED, {
      provideHover(document, position) {
        const s = statementAt(document, position);
        if (!s) return undefined;
        const facts = service.forFile(document.uri.fsPath)?.facts;
        const md = new vscode.MarkdownString(undefined, true);
        md.appendMarkdown('**Migration Chain: lock risk**\n\n');
        for (const r of s.effect?.relations ?? []) md.appendMarkdown(`- ${describeRelationEffect(r, facts)}\n`);
        if (s.effect && !s.effect.transactional) md.appendMarkdown('- cannot run inside a transaction block\n');
        md.appendMarkdown('\n');
        for (const f of s.findings) md.appendMarkdown(`**${f.rule}** (${f.severity}): ${escape(f.message)} [docs](${docs(f.rule).toString()})\n\n`);
        for (const note of s.effect?.notes ?? []) md.appendMarkdown(`_${escape(note)}_\n\n`);
        const version = facts?.serverMajor !== undefined ? `PostgreSQL ${facts.serverMajor} (${facts.versionSource})` : 'PostgreSQL version unknown: answers for 11';
        md.appendMarkdown(`_${version}_`);
        return new vscode.Hover(md, rangeOf(s));
      },
    }),
    vscode.languages.registerCodeActionsProvider(SELECTOR, {
      provideCodeActions(document, range) {
        const actions: vscode.CodeAction[] = [];
        for (const s of service.forFile(document.uri.fsPath)?.statements ?? []) {
          if (!rangeOf(s).intersection(range)) continue;
          for (const f of s.findings) {
            if (!f.fix) continue;
            const action = new vscode.CodeAction(f.fix.title, vscode.CodeActionKind.QuickFix);
            action.edit = new vscode.WorkspaceEdit();
            action.edit.replace(document.uri, rangeOf(s), f.fix.replacement);
            const found = findMigrationByFile(chains.snapshots(), document.uri.fsPath);
            if (f.fix.nonTransactional && found?.migration.transactional) {
              action.edit.insert(document.uri, new vscode.Position(found.migration.revisionLine, 0), '-- transactional: false\n');
            }
            action.diagnostics = vscode.languages.getDiagnostics(document.uri)
              .filter((d) => d.source === LINT_SOURCE && codeValue(d) === f.rule && d.range.intersection(rangeOf(s)));
            action.isPreferred = f.rule !== 'require-lock-timeout';
            actions.push(action);
          }
        }
        return actions;
      },
    }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  ];
}

function findingDiagnostic(f: LintFinding, docs: vscode.Uri): vscode.Diagnostic {
  const severity = f.severity === 'error' ? vscode.DiagnosticSeverity.Error
    : f.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
  const d = new vscode.Diagnostic(new vscode.Range(f.line - 1, f.column, f.endLine - 1, f.endColumn), f.message, severity);
  d.source = LINT_SOURCE;
  d.code = { value: f.rule, target: docs };
  return d;
}

function rangeOf(s: AnalysedStatement): vscode.Range {
  return new vscode.Range(s.statement.line - 1, s.statement.column, s.endLine - 1, s.endColumn);
}

function codeValue(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : c === undefined ? undefined : String(c);
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]<>]/g, (c) => `\\${c}`);
}
