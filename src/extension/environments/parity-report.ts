// The parity report of two environments as a Markdown document (no vscode), in the drift report's
// shape: one section per schema object that differs, each linking to the migration (file and line)
// that creates it, and each side's recorded revision so a difference can be read as "not upgraded yet".
import type { ParityReport } from '../core';
import { fence, fileLink, rel } from '../problems/drift-report';

export function parityMarkdown(report: ParityReport, folderPath: string): string {
  const { a, b } = report;
  const heads = (s: ParityReport['a']) => s.heads.length ? s.heads.map((h) => `\`${h}\``).join(' + ') : 'base';
  const side = (s: ParityReport['a']) => `**${s.environment}**: \`${s.display}\`, schema \`${s.schema}\`, at ${heads(s)}`;
  const lines = [`# Schema parity: ${a.environment} vs ${b.environment}`, '', `- ${side(a)}`, `- ${side(b)}`, ''];
  if (report.entries.length === 0) {
    lines.push(`**No differences**: the schemas of ${a.environment} and ${b.environment} match.`);
    return lines.join('\n') + '\n';
  }
  const n = report.entries.length;
  lines.push(`**${n} difference${n === 1 ? '' : 's'}.**`, '');
  const where = { missing: `only in ${a.environment}`, extra: `only in ${b.environment}`, changed: `in both, different` } as const;
  for (const e of report.entries) {
    lines.push(`### ${e.kind} \`${e.name}\`: ${where[e.change]}`, '');
    if (e.expected !== undefined) lines.push(`${a.environment}:`, '', fence(e.expected), '');
    if (e.actual !== undefined) lines.push(`${b.environment}:`, '', fence(e.actual), '');
    lines.push(e.source
      ? `Created by \`${e.source.revision}\`: [${rel(folderPath, e.source.file)}:${e.source.line}](${fileLink(e.source.file, e.source.line)})`
      : 'No migration of the chain creates it.', '');
  }
  return lines.join('\n');
}
