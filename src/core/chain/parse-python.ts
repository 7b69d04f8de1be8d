// Alembic revision files, read as text (never imported): module-level `revision`,
// `down_revision` (None, a string or a tuple), `branch_labels`, `depends_on`, with or without type
// annotations; the module docstring's first line is the message, as `alembic history` shows it.
import type { ParseResult } from './model';
import { assembleScriptMigration, type ScriptHeader } from './assemble';
import { normalizeLineEndings } from './checksum';
import { LineIndex, stripBom } from './header';
import { PY_SYNTAX, findTripleEnd, maskPython, readLiteral } from './literals';

type Key = 'revision' | 'down_revision' | 'branch_labels' | 'depends_on' | 'irreversible';
// `name = ...` or `name: Annotation = ...` at column 0 (module level only).
const ASSIGNMENT = /^(revision|down_revision|branch_labels|depends_on|irreversible)[ \t]*(?::[^=\n]*)?=(?!=)/gm;

export function parsePythonMigration(file: string, rawText: string): ParseResult {
  const text = normalizeLineEndings(stripBom(rawText));
  const masked = maskPython(text);
  const lines = new LineIndex(text);
  const header: ScriptHeader = {};
  ASSIGNMENT.lastIndex = 0;
  for (let m = ASSIGNMENT.exec(masked); m; m = ASSIGNMENT.exec(masked)) {
    const key = m[1] as Key;
    if (header[key]) continue; // Python keeps the last binding, but a second one is almost surely a stray copy; keep the first (the line users see)
    header[key] = { literal: readLiteral(masked, m.index + m[0].length, PY_SYNTAX), line: lines.lineAt(m.index) };
  }
  return assembleScriptMigration({
    file,
    format: 'py',
    text,
    header,
    fallbackMessage: docstringFirstLine(text),
    hasDowngrade: hasRealFunction(masked, 'downgrade'),
    hasVerify: false,
  });
}

/** The first line of the module docstring, if the module starts with one. */
export function docstringFirstLine(text: string): string | undefined {
  const m = /^(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*[rRuU]?("""|'''|"|')/.exec(text);
  if (!m) return undefined;
  const quote = m[1];
  const start = m.index + m[0].length;
  const end = quote.length === 3 ? findTripleEnd(text, start, quote[0]) : text.indexOf(quote, start);
  const body = text.slice(start, end === -1 ? undefined : end);
  return body.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}

/** A module-level `def name(...)` whose body does more than `pass` / `...` / a docstring. */
export function hasRealFunction(masked: string, name: string): boolean {
  const def = new RegExp(String.raw`^(?:async[ \t]+)?def[ \t]+${name}[ \t]*\(`, 'gm');
  for (let m = def.exec(masked); m; m = def.exec(masked)) {
    // The body starts after the `:` that ends the signature (skip the parameter list first).
    let depth = 0;
    let i = m.index + m[0].length - 1;
    for (; i < masked.length; i++) {
      const c = masked[i];
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') depth--;
      else if (c === ':' && depth === 0) break;
    }
    const bodyLines: string[] = [];
    const restOfDefLine = masked.slice(i + 1, masked.indexOf('\n', i) === -1 ? undefined : masked.indexOf('\n', i));
    bodyLines.push(restOfDefLine);
    let pos = masked.indexOf('\n', i);
    while (pos !== -1) {
      const next = masked.indexOf('\n', pos + 1);
      const line = masked.slice(pos + 1, next === -1 ? undefined : next);
      if (line.trim() !== '' && !/^[ \t]/.test(line)) break; // dedent: the function ended
      bodyLines.push(line);
      pos = next;
    }
    const statements = bodyLines
      .map((l) => l.trim())
      .filter((l) => l !== '' && !/^[rRuU]?("""|''')?\s*("""|''')?$/.test(l) && !/^[rRuU]?(['"]).*\1$/.test(l));
    if (statements.some((s) => s !== 'pass' && s !== '...')) return true;
  }
  return false;
}
