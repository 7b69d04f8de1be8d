// The maskers as first written: a plain loop over every character. Kept as the oracle for a
// differential fuzz test of the regex-jumping versions in src/core/chain/literals.ts.

function blank(chars: string[], from: number, to: number): void {
  for (let k = from; k < to; k++) if (chars[k] !== '\n') chars[k] = ' ';
}

/** JS/TS: comments become spaces; strings and code are kept at the same offsets. */
export function referenceMaskJsComments(text: string): string {
  const chars = text.split('');
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      blank(chars, i, stop);
      i = stop;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      blank(chars, i, stop);
      i = stop;
    } else if (c === '"' || c === "'" || c === '`') {
      i = skipQuoted(text, i, c, c !== '`');
    } else {
      i++;
    }
  }
  return chars.join('');
}

/** Index just past the string starting at `start` (backslash escapes; single-line unless template). */
function skipQuoted(text: string, start: number, quote: string, singleLine: boolean): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === quote) return i + 1;
    else if (singleLine && c === '\n') return i;
    else i++;
  }
  return text.length;
}

/**
 * Python: comments and the contents of triple-quoted strings become spaces (a docstring that quotes
 * `revision = 'x'` must not count); single-line strings are kept.
 */
export function referenceMaskPython(text: string): string {
  const chars = text.split('');
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i];
    if (c === '#') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      blank(chars, i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      if (text[i + 1] === c && text[i + 2] === c) {
        const close = findTripleEnd(text, i + 3, c);
        blank(chars, i + 3, close);
        i = Math.min(n, close + 3);
      } else {
        i = skipQuoted(text, i, c, true);
      }
    } else {
      i++;
    }
  }
  return chars.join('');
}

/** Offset of the closing triple quote (or the end of text). */
function findTripleEnd(text: string, from: number, q: string): number {
  let i = from;
  while (i < text.length) {
    if (text[i] === '\\') { i += 2; continue; }
    if (text[i] === q && text[i + 1] === q && text[i + 2] === q) return i;
    i++;
  }
  return text.length;
}
