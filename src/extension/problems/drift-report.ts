// The drift report as a Markdown document: the verify checks, then one section per schema object
// that differs, each linking to the migration (file and line) that creates the object. No `vscode`:
// links are plain `file://…#L<line>` URIs, which the Markdown editor and preview both open.
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { DriftReport, SchemaDiffEntry, VerifyReport } from '../core';

const CHANGE_TEXT: Record<SchemaDiffEntry['change'], string> = {
  missing: 'missing from the database (the migrations create it)',
  extra: 'extra in the database (no migration creates it)',
  changed: 'differs from the migrations',
};

export function fileLink(file: string, line: number): string {
  return `${pathToFileURL(file).href}#L${line}`;
}

export function driftMarkdown(drift: DriftReport, verify: VerifyReport | undefined, folderPath: string): string {
  const upTo = drift.baseRevision.length ? drift.baseRevision.join(' + ') : 'base';
  const lines = [
    `# Schema drift report: ${drift.target.database}`,
    '',
    `Database \`${drift.target.display}\`, compared with the migrations up to \`${upTo}\` built in the scratch database \`${drift.scratchDatabase}\` (dropped again).`,
    '',
  ];
  if (verify) {
    lines.push('## Verify', '');
    for (const c of verify.checks) {
      const where = c.file ? ` ([${rel(folderPath, c.file)}${c.line ? `:${c.line}` : ''}](${fileLink(c.file, c.line ?? 1)}))` : '';
      lines.push(`- ${c.ok ? '✔' : '✘'} ${c.name}${c.detail ? `: ${c.detail}` : ''}${where}`);
    }
    lines.push('');
  }
  lines.push('## Drift', '');
  if (drift.entries.length === 0) {
    lines.push(`**No drift**: the database schema matches the migrations up to \`${upTo}\`.`);
    return lines.join('\n') + '\n';
  }
  const n = drift.entries.length;
  lines.push(`**${n} difference${n === 1 ? '' : 's'}** between the database and the migrations up to \`${upTo}\`.`, '');
  for (const e of drift.entries) {
    lines.push(`### ${e.change} ${e.kind} \`${e.name}\``, '', CHANGE_TEXT[e.change], '');
    if (e.expected !== undefined) lines.push('Expected (migrations):', '', fence(e.expected), '');
    if (e.actual !== undefined) lines.push('Actual (database):', '', fence(e.actual), '');
    if (e.source) {
      lines.push(`Created by \`${e.source.revision}\`: [${rel(folderPath, e.source.file)}:${e.source.line}](${fileLink(e.source.file, e.source.line)})`, '');
    }
  }
  return lines.join('\n');
}

/** `file` relative to the folder when it is inside it, else as given. */
export function rel(folderPath: string, file: string): string {
  const r = path.relative(folderPath, file);
  return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : file;
}

export function fence(text: string): string {
  // A definition containing ``` must not end the block early.
  const ticks = text.includes('```') ? '````' : '```';
  return `${ticks}sql\n${text}\n${ticks}`;
}
