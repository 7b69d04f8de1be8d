// The three renderings of `migration-chain lint`: text lines for people, JSON for scripts, and
// SARIF 2.1.0 for GitHub code scanning (one result per finding, rules with their docs pages).
import { type ChainLintResult, describeEffect, type LintFinding, LINT_RULES, docsUrl } from './core';
import { displayPath } from './print';

export function renderLintText(r: ChainLintResult, cwd: string): string {
  const lines: string[] = [];
  for (const p of r.problems) lines.push(`${displayPath(p.file, cwd)}:${p.line}: ${p.severity}: ${p.message} [${p.code}]`);
  for (const s of r.statements) {
    for (const f of s.findings) {
      lines.push(`${displayPath(f.file, cwd)}:${f.line}:${f.column + 1}: ${f.severity}: ${f.message} [${f.rule}]`);
      // The statement's first line: two findings of one rule on one file read differently.
      lines.push(`    ${firstLine(s.statement.sql)}`);
      const summary = s.effect ? describeEffect(s.effect) : undefined;
      if (summary) lines.push(`    ${summary}`);
      lines.push(`    see ${f.docs}${f.fix ? `; fix: ${f.fix.title}` : ''}`);
    }
  }
  for (const n of r.notLinted) lines.push(`${displayPath(n.file, cwd)}${n.line ? `:${n.line}` : ''}: note: revision ${n.revision} (.${n.format}) not linted: ${n.reason}`);
  const count = (sev: LintFinding['severity']) => r.findings.filter((f) => f.severity === sev).length;
  const version = r.serverMajor !== undefined ? `PostgreSQL ${r.serverMajor} (${r.versionSource})` : 'PostgreSQL version unknown (answers for 11)';
  lines.push(`lint: ${r.revisions.length} revision${r.revisions.length === 1 ? '' : 's'}, ${r.statements.length} statement${r.statements.length === 1 ? '' : 's'}, `
    + `${count('error')} error${count('error') === 1 ? '' : 's'}, ${count('warning')} warning${count('warning') === 1 ? '' : 's'}, ${count('info')} info; ${version}`);
  return lines.join('\n');
}

export function lintJson(r: ChainLintResult, cwd: string): unknown {
  return {
    serverMajor: r.serverMajor ?? null,
    versionSource: r.versionSource,
    revisions: r.revisions,
    statements: r.statements.length,
    findings: r.findings.map((f) => ({ ...f, file: displayPath(f.file, cwd) })),
    problems: r.problems.map((p) => ({ ...p, file: displayPath(p.file, cwd) })),
    notLinted: r.notLinted.map((n) => ({ ...n, file: displayPath(n.file, cwd) })),
  };
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export function lintSarif(r: ChainLintResult, cwd: string): unknown {
  const uri = (file: string) => displayPath(file, cwd).split('\\').join('/');
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'migration-chain lint',
          rules: LINT_RULES.map((rule) => ({
            id: rule.id,
            shortDescription: { text: rule.title },
            helpUri: docsUrl(rule.id),
            help: { text: `See ${docsUrl(rule.id)}` },
            defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
          })),
        },
      },
      results: [
        ...r.findings.map((f) => ({
          ruleId: f.rule,
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [{
            physicalLocation: {
              artifactLocation: { uri: uri(f.file), uriBaseId: '%SRCROOT%' },
              region: { startLine: f.line, startColumn: f.column + 1, endLine: f.endLine, endColumn: f.endColumn + 1 },
            },
          }],
        })),
        ...r.problems.map((p) => ({
          ruleId: p.code,
          level: SARIF_LEVEL[p.severity],
          message: { text: p.message },
          locations: [{ physicalLocation: { artifactLocation: { uri: uri(p.file), uriBaseId: '%SRCROOT%' }, region: { startLine: p.line } } }],
        })),
      ],
    }],
  };
}

function firstLine(text: string): string {
  const line = text.trim().split(/\r?\n/)[0].trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
