// Alembic revision files, read as text (never imported): module-level `revision`,
// `down_revision` (None, a string or a tuple), `branch_labels`, `depends_on`, with or without type
// annotations; the module docstring's first paragraph is the message, as `alembic history` shows it.
import type { ParseResult } from './model';
import { assembleScriptMigration, type ScriptHeader } from './assemble';
import { normalizeLineEndings } from './checksum';
import { LineIndex, printable, stripBom } from './header';
import { PY_SYNTAX, findTripleEnd, maskPython, readLiteralSpan } from './literals';

const KEYS = ['revision', 'down_revision', 'branch_labels', 'depends_on', 'irreversible'] as const;
type Key = (typeof KEYS)[number];
// `name = ...` or `name: Annotation = ...` at column 0 or after a `;` (module level only).
const ASSIGNMENT = /(?:^|;[ \t]*)(revision|down_revision|branch_labels|depends_on|irreversible)[ \t]*(?::[^=\n]*)?=(?!=)/gm;
// `a, b = ...` / `(a, b) = ...`: a tuple assignment naming one of the keys.
const TUPLE_ASSIGNMENT = /^\(?[ \t]*\w+[ \t]*(?:,[ \t]*\w+[ \t]*)+,?[ \t]*\)?[ \t]*=(?!=)/gm;
// An indented assignment: inside a function (ignored) or inside an if/try/with/for block (unreadable).
const INDENTED_ASSIGNMENT = /^[ \t]+(revision|down_revision|branch_labels|depends_on|irreversible)[ \t]*(?::[^=\n]*)?=(?!=)/gm;
const BLOCK_OPENER = /^(?:if|elif|else|try|except|finally|with|for|while|match|case)\b/;

/**
 * Reads the header as Python would bind it where that is certain from the text — the last
 * module-level assignment wins, `;` separates statements — and turns everything else into an
 * unreadable value (an error diagnostic on its line): an expression that is not one literal
 * (a name, `+`, implicit concatenation, an f-string), a tuple assignment, an assignment inside a
 * block. A value is never guessed and a file is never silently dropped.
 */
export function parsePythonMigration(file: string, rawText: string): ParseResult {
  const text = normalizeLineEndings(stripBom(rawText));
  const masked = maskPython(text);
  const lines = new LineIndex(text);
  const header: ScriptHeader = {};
  const unreadable = (key: Key, at: number, why: string) => {
    header[key] = { literal: { kind: 'other', raw: why }, line: lines.lineAt(at) };
  };
  ASSIGNMENT.lastIndex = 0;
  for (let m = ASSIGNMENT.exec(masked); m; m = ASSIGNMENT.exec(masked)) {
    const key = m[1] as Key;
    const at = m.index + m[0].indexOf(key);
    const { literal, end } = readLiteralSpan(masked, m.index + m[0].length, PY_SYNTAX);
    if (literal.kind !== 'other' && !statementEndsAt(masked, end)) {
      unreadable(key, at, `${printable(masked.slice(m.index + m[0].length, lineEnd(masked, end)).trim(), 60)} (not a single literal)`);
    } else {
      header[key] = { literal, line: lines.lineAt(at) };
    }
  }
  TUPLE_ASSIGNMENT.lastIndex = 0;
  for (let m = TUPLE_ASSIGNMENT.exec(masked); m; m = TUPLE_ASSIGNMENT.exec(masked)) {
    for (const name of m[0].match(/\w+/g) ?? []) {
      if ((KEYS as readonly string[]).includes(name)) unreadable(name as Key, m.index, 'a tuple assignment');
    }
  }
  INDENTED_ASSIGNMENT.lastIndex = 0;
  for (let m = INDENTED_ASSIGNMENT.exec(masked); m; m = INDENTED_ASSIGNMENT.exec(masked)) {
    const opener = enclosingTopLevelLine(masked, m.index);
    if (opener !== undefined && BLOCK_OPENER.test(opener)) unreadable(m[1] as Key, m.index, `an assignment inside "${printable(opener.trim(), 30)}"`);
  }
  return assembleScriptMigration({
    file,
    format: 'py',
    text,
    header,
    fallbackMessage: docstringFirstParagraph(text),
    hasDowngrade: hasRealFunction(masked, 'downgrade'),
    hasVerify: false,
  });
}

// PEP 263: a `coding` comment on line 1 or 2 names the file's encoding (Alembic imports the file, so
// Python honours it); without one, Python 3 reads UTF-8.
const CODING = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/**
 * The text of a .py file as Python decodes it. Latin-1 is decoded here (Node's TextDecoder may lack
 * it); another encoding Node cannot decode falls back to UTF-8 (ids are ASCII; only a message could differ).
 */
export function decodePythonSource(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1').split('\n').slice(0, 2);
  const cookie = head.map((l) => CODING.exec(l)?.[1]).find((c) => c !== undefined)?.toLowerCase();
  if (cookie && /^(?:latin[-_]?1|iso[-_]?8859[-_]1|l1|cp819)$/.test(cookie)) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
  if (cookie && !/^utf[-_]?8/.test(cookie)) {
    try {
      return new TextDecoder(cookie).decode(bytes);
    } catch {
      // not an encoding label Node knows
    }
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** Alembic's message: the module docstring, stripped, up to its first blank line (Script.doc). */
export function docstringFirstParagraph(text: string): string | undefined {
  const m = /^(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*[rRuU]?("""|'''|"|')/.exec(text);
  if (!m) return undefined;
  const quote = m[1];
  const start = m.index + m[0].length;
  const end = quote.length === 3 ? findTripleEnd(text, start, quote[0]) : text.indexOf(quote, start);
  const body = text.slice(start, end === -1 ? undefined : end);
  return body.trim().split('\n\n')[0];
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

/** Whether only blanks (comments are masked), a `;` or the end of the line follow offset `i`. */
function statementEndsAt(masked: string, i: number): boolean {
  let j = i;
  while (masked[j] === ' ' || masked[j] === '\t') j++;
  return j >= masked.length || masked[j] === '\n' || masked[j] === ';';
}

function lineEnd(text: string, i: number): number {
  const end = text.indexOf('\n', i);
  return end === -1 ? text.length : end;
}

/** The nearest line above offset `i` that starts at column 0 (the statement the indented line belongs to). */
function enclosingTopLevelLine(masked: string, i: number): string | undefined {
  let end = masked.lastIndexOf('\n', i);
  while (end > 0) {
    const start = masked.lastIndexOf('\n', end - 1) + 1;
    const line = masked.slice(start, end);
    if (line.trim() !== '' && !/^[ \t]/.test(line)) return line;
    end = start - 1;
  }
  return undefined;
}

/** Lines of `def NAME(...)` to its last line of code (1-based); line 1 when there is none. */
export function pyFunction(text: string, name: 'upgrade' | 'downgrade'): { line: number; endLine: number; endColumn: number } {
  const lines = text.split(/\r?\n/);
  const head = new RegExp(`^(async\\s+)?def\\s+${name}\\s*\\(`);
  const start = lines.findIndex((l) => head.test(l));
  if (start < 0) return { line: 1, endLine: 1, endColumn: lines[0]?.length ?? 0 };
  let end = start;
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === '' || l.startsWith('#')) continue; // a comment at column 0 neither ends nor extends it
    if (!/^\s/.test(l) && !l.startsWith(')')) break;
    end = i;
  }
  return { line: start + 1, endLine: end + 1, endColumn: lines[end].length };
}

/** The text of a top-level `def NAME(...)` and its first file line, or undefined when the file has none. */
export function pyFunctionSource(text: string, name: 'upgrade' | 'downgrade'): { text: string; firstLine: number } | undefined {
  if (!new RegExp(`^(async\\s+)?def\\s+${name}\\s*\\(`, 'm').test(text)) return undefined;
  const fn = pyFunction(text, name);
  return { text: text.split(/\r?\n/).slice(fn.line - 1, fn.endLine).join('\n'), firstLine: fn.line };
}
