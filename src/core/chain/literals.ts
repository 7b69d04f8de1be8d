// Reading the few literal values a migration header needs (strings, None/null, booleans, lists)
// out of source text, without executing it: workspaces are untrusted, so `.js` and `.py` files are
// never loaded. The maskers blank out comments (keeping offsets and newlines) so a commented-out
// `revision = ...` is not mistaken for the real one.

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'list'; values: string[] }
  | { kind: 'other'; raw: string };

/**
 * Builds a masked copy of a text from kept slices and blanked ranges (same length, newlines kept).
 * Files are masked by the thousand when a chain loads: slices allocate far less than a char array.
 */
class Masker {
  private readonly parts: string[] = [];
  private kept = 0;

  constructor(private readonly text: string) {}

  blank(from: number, to: number): void {
    if (to <= from) return;
    const range = this.text.slice(from, to);
    const blanked = range.includes('\n') ? range.split('\n').map((l) => ' '.repeat(l.length)).join('\n') : ' '.repeat(range.length);
    this.parts.push(this.text.slice(this.kept, from), blanked);
    this.kept = to;
  }

  result(): string {
    return this.kept === 0 ? this.text : this.parts.join('') + this.text.slice(this.kept);
  }
}

// The scanners jump from one character that matters to the next with a regex (native code) instead
// of stepping through every character: a CLI process parses a thousand files before V8 has compiled
// a character loop, and in the interpreter that loop was most of `history`'s parse time.
const JS_SPECIAL = /[/"'`]/g;
const PY_SPECIAL = /[#"']/g;
const STRING_STOPS: Record<string, RegExp> = { '"': /[\\"\n]/g, "'": /[\\'\n]/g, '`': /[\\`]/g };
const TRIPLE_STOPS: Record<string, RegExp> = { '"': /[\\"]/g, "'": /[\\']/g };

/** Index of the next match of the global `re` at or after `from`, or the end of `text`. */
function nextMatch(re: RegExp, text: string, from: number): number {
  re.lastIndex = from;
  return re.exec(text)?.index ?? text.length;
}

/** JS/TS: comments become spaces; strings and code are kept at the same offsets. */
export function maskJsComments(text: string): string {
  const masked = new Masker(text);
  const n = text.length;
  let i = nextMatch(JS_SPECIAL, text, 0);
  while (i < n) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      masked.blank(i, stop);
      i = stop;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      masked.blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'" || c === '`') {
      i = skipQuoted(text, i, c);
    } else {
      i++;
    }
    i = nextMatch(JS_SPECIAL, text, i);
  }
  return masked.result();
}

/** Index just past the string starting at `start` (backslash escapes; single-line unless a template). */
function skipQuoted(text: string, start: number, quote: string): number {
  const stops = STRING_STOPS[quote];
  let i = start + 1;
  for (;;) {
    i = nextMatch(stops, text, i);
    if (i >= text.length) return text.length;
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === quote) return i + 1;
    else return i; // a newline ends a single-line string
  }
}

/**
 * Python: comments and the contents of triple-quoted strings become spaces (a docstring that quotes
 * `revision = 'x'` must not count); single-line strings are kept.
 */
export function maskPython(text: string): string {
  const masked = new Masker(text);
  const n = text.length;
  let i = nextMatch(PY_SPECIAL, text, 0);
  while (i < n) {
    const c = text[i];
    if (c === '#') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      masked.blank(i, stop);
      i = stop;
    } else if (text[i + 1] === c && text[i + 2] === c) {
      const close = findTripleEnd(text, i + 3, c);
      masked.blank(i + 3, close);
      i = Math.min(n, close + 3);
    } else {
      i = skipQuoted(text, i, c);
    }
    i = nextMatch(PY_SPECIAL, text, i);
  }
  return masked.result();
}

/** Offset of the closing triple quote (or the end of text). */
export function findTripleEnd(text: string, from: number, q: string): number {
  const stops = TRIPLE_STOPS[q];
  let i = from;
  for (;;) {
    i = nextMatch(stops, text, i);
    if (i >= text.length) return text.length;
    if (text[i] === '\\') { i += 2; continue; }
    if (text[i + 1] === q && text[i + 2] === q) return i;
    i++;
  }
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0' };

function readString(text: string, start: number, quote: string): { value: string; end: number } | undefined {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') {
      const e = text[i + 1];
      if (e === undefined) return undefined;
      value += ESCAPES[e] ?? e;
      i += 2;
    } else if (c === quote) {
      return { value, end: i + 1 };
    } else if (c === '\n' && quote !== '`') {
      return undefined;
    } else if (quote === '`' && c === '$' && text[i + 1] === '{') {
      return undefined; // an interpolated template is code, not a literal
    } else {
      value += c;
      i++;
    }
  }
  return undefined;
}

const WS = /\s/;

function skipWs(text: string, i: number): number {
  while (i < text.length && WS.test(text[i])) i++;
  return i;
}

function rawSnippet(text: string, i: number): string {
  const end = text.indexOf('\n', i);
  return text.slice(i, end === -1 ? Math.min(text.length, i + 80) : Math.min(end, i + 80)).trim();
}

export interface LiteralSyntax {
  nulls: readonly string[];
  trues: readonly string[];
  falses: readonly string[];
  /** Characters that may prefix a Python string (r'', u''); empty for JS. */
  stringPrefix: RegExp | undefined;
  listOpeners: string;
}

export const JS_SYNTAX: LiteralSyntax = {
  nulls: ['null', 'undefined'], trues: ['true'], falses: ['false'], stringPrefix: undefined, listOpeners: '[',
};
export const PY_SYNTAX: LiteralSyntax = {
  nulls: ['None'], trues: ['True'], falses: ['False'], stringPrefix: /^[rRuU]{1,2}(?=['"])/, listOpeners: '[(',
};

/** Reads one literal starting at (or after whitespace from) offset `i`. */
export function readLiteral(text: string, i: number, syntax: LiteralSyntax): Literal {
  return readLiteralSpan(text, i, syntax).literal;
}

/** readLiteral, with the offset just past the literal (`end` is where reading stopped for 'other'). */
export function readLiteralSpan(text: string, i: number, syntax: LiteralSyntax): { literal: Literal; end: number } {
  i = skipWs(text, i);
  const scalar = readScalar(text, i, syntax);
  if (scalar) return scalar;
  const other = (): { literal: Literal; end: number } => ({ literal: { kind: 'other', raw: rawSnippet(text, i) }, end: i });
  const open = text[i];
  if (open !== undefined && syntax.listOpeners.includes(open)) {
    const close = open === '[' ? ']' : ')';
    const values: string[] = [];
    let j = skipWs(text, i + 1);
    while (j < text.length && text[j] !== close) {
      const item = readScalar(text, j, syntax);
      if (!item || item.literal.kind !== 'string') return other();
      values.push(item.literal.value);
      j = skipWs(text, item.end);
      if (text[j] === ',') j = skipWs(text, j + 1);
      else if (text[j] !== close) return other();
    }
    if (j >= text.length) return other();
    return { literal: { kind: 'list', values }, end: j + 1 };
  }
  return other();
}

function readScalar(text: string, i: number, syntax: LiteralSyntax): { literal: Literal; end: number } | undefined {
  let start = i;
  if (syntax.stringPrefix) {
    const m = syntax.stringPrefix.exec(text.slice(i, i + 3));
    if (m) start += m[0].length;
  }
  const c = text[start];
  if (c === '"' || c === "'" || (c === '`' && syntax === JS_SYNTAX)) {
    const s = readString(text, start, c);
    return s ? { literal: { kind: 'string', value: s.value }, end: s.end } : undefined;
  }
  const word = /^[A-Za-z_$][\w$]*/.exec(text.slice(i, i + 40))?.[0];
  if (word === undefined) return undefined;
  const end = i + word.length;
  if (syntax.nulls.includes(word)) return { literal: { kind: 'null' }, end };
  if (syntax.trues.includes(word)) return { literal: { kind: 'bool', value: true }, end };
  if (syntax.falses.includes(word)) return { literal: { kind: 'bool', value: false }, end };
  return undefined;
}
