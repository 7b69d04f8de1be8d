// Splits a block of PostgreSQL into statements the way psql does: a `;` ends a statement unless it
// is inside a quote ('…', E'…', "…", $$…$$, $tag$…$tag$), a comment (-- …, nested /* … */), or the
// BEGIN ATOMIC … END body of a SQL-standard function. Offsets and lines let errors map back to
// the file. Unterminated quotes or comments never throw: the rest of the text is one statement.

export interface SqlStatement {
  /** The statement without leading comments/whitespace and without the terminating `;`. */
  text: string;
  /** Offset of `text` in the input. */
  offset: number;
  /** 1-based line of `text`'s first character in the input. */
  line: number;
}

export type SqlTokenKind = 'code' | 'string' | 'identifier' | 'dollar' | 'comment';

const isIdentChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(c);
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/**
 * Calls `visit(kind, start, end)` for each lexical span of `text`, in order, covering every character.
 * `code` spans are reported one character at a time only for `;`; otherwise as runs.
 */
export function scanSql(text: string, visit: (kind: SqlTokenKind, start: number, end: number) => void): void {
  const n = text.length;
  let i = 0;
  let codeStart = 0;
  const flush = (upTo: number): void => {
    if (upTo > codeStart) visit('code', codeStart, upTo);
  };
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    let end = -1;
    let kind: SqlTokenKind = 'code';
    if (c === '-' && next === '-') {
      const nl = text.indexOf('\n', i);
      end = nl === -1 ? n : nl;
      kind = 'comment';
    } else if (c === '/' && next === '*') {
      end = skipBlockComment(text, i);
      kind = 'comment';
    } else if (c === "'") {
      const escapes = (text[i - 1] === 'E' || text[i - 1] === 'e') && !isIdentChar(text[i - 2]);
      end = skipSingleQuoted(text, i, escapes);
      kind = 'string';
    } else if (c === '"') {
      end = skipDoubled(text, i, '"');
      kind = 'identifier';
    } else if (c === '$' && !isIdentChar(text[i - 1])) {
      const m = DOLLAR_TAG.exec(text.slice(i, i + 64));
      if (m) {
        const close = text.indexOf(m[0], i + m[0].length);
        end = close === -1 ? n : close + m[0].length;
        kind = 'dollar';
      }
    }
    if (end === -1) {
      i++;
      continue;
    }
    flush(i);
    visit(kind, i, end);
    i = end;
    codeStart = end;
  }
  flush(n);
}

function skipBlockComment(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    if (text[i] === '/' && text[i + 1] === '*') { depth++; i += 2; }
    else if (text[i] === '*' && text[i + 1] === '/') { depth--; i += 2; if (depth === 0) return i; }
    else i++;
  }
  return text.length;
}

function skipSingleQuoted(text: string, start: number, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (backslashEscapes && c === '\\') { i += 2; continue; }
    if (c === "'") {
      if (text[i + 1] === "'") { i += 2; continue; }
      return i + 1;
    }
    i++;
  }
  return text.length;
}

function skipDoubled(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) { i += 2; continue; }
      return i + 1;
    }
    i++;
  }
  return text.length;
}

const WORD = /[A-Za-z_][A-Za-z0-9_$]*/g;
const ROUTINE_START = /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE)\b/i;

export function splitSqlStatements(text: string): SqlStatement[] {
  const out: SqlStatement[] = [];
  let firstCode = -1; // offset of the first significant character of the current statement (-1: only comments/whitespace so far)
  let codeSoFar = ''; // the statement's code words so far, only kept while deciding BEGIN ATOMIC handling
  let routine: boolean | undefined;
  let blockDepth = 0;

  const finish = (end: number): void => {
    if (firstCode !== -1) {
      const raw = text.slice(firstCode, end).trimEnd();
      if (raw !== '') out.push({ text: raw, offset: firstCode, line: 0 });
    }
    firstCode = -1;
    codeSoFar = '';
    routine = undefined;
    blockDepth = 0;
  };

  scanSql(text, (kind, start, end) => {
    if (kind === 'comment') return;
    if (kind !== 'code') {
      if (firstCode === -1) firstCode = start;
      return;
    }
    let segStart = start;
    for (let i = start; i < end; i++) {
      const c = text[i];
      if (c === ';') {
        trackWords(segStart, i);
        if (blockDepth > 0) { segStart = i + 1; continue; }
        finish(i);
        segStart = i + 1;
      } else if (firstCode === -1 && !/\s/.test(c)) {
        firstCode = i;
      }
    }
    trackWords(segStart, end);
  });
  finish(text.length);

  // psql tracks BEGIN … END only inside CREATE FUNCTION/PROCEDURE (SQL-standard bodies, PG 14+).
  function trackWords(from: number, to: number): void {
    if (routine === false || to <= from) return;
    const chunk = text.slice(from, to);
    if (routine === undefined) {
      codeSoFar += ` ${chunk}`;
      if (ROUTINE_START.test(codeSoFar)) routine = true;
      else if (/\S/.test(codeSoFar) && !/^\s*(?:CREATE(?:\s+OR(?:\s+REPLACE)?)?)?\s*$/i.test(codeSoFar)) routine = false;
      if (routine !== true) return;
    }
    WORD.lastIndex = 0;
    for (let m = WORD.exec(chunk); m; m = WORD.exec(chunk)) {
      const w = m[0].toUpperCase();
      if (w === 'BEGIN' || w === 'CASE') blockDepth++;
      else if (w === 'END' && blockDepth > 0) blockDepth--;
    }
  }

  // Lines in one pass over the text, in offset order.
  let line = 1;
  let pos = 0;
  for (const s of out) {
    for (let k = text.indexOf('\n', pos); k !== -1 && k < s.offset; k = text.indexOf('\n', k + 1)) line++;
    pos = s.offset;
    s.line = line;
  }
  return out;
}
