// Reading a `.env` file as python-dotenv reads it: the library an Alembic env.py (load_dotenv,
// pydantic-settings) reads the same file with, so the URL we connect to is the one env.py sees.
// Written after python-dotenv 1.x's parser.py and variables.py (BSD-3-Clause): the `dotenv` npm
// package parses differently (`val#ue` loses `#ue`, escapes in double quotes are kept) and
// dotenv-expand expands `$VAR` and turns `pa$$word` into `pa$`, which python-dotenv leaves alone
// (docs/dependencies.md). test/unit/dotenv-python.test.ts compares every value with the real
// python-dotenv on a corpus of lines.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MigrationChainError } from './errors';

/** One variable of a `.env` file, expanded. */
export interface DotenvEntry {
  value: string;
  /** 1-based line of the variable's name. */
  line: number;
  /**
   * `${NAME}` references that were set nowhere (neither earlier in the file nor in the
   * environment) and had no `:-default`; python-dotenv expands them to the empty string.
   */
  unset: string[];
}

export interface DotenvFile {
  file: string;
  entries: ReadonlyMap<string, DotenvEntry>;
}

// python-dotenv's regular expressions, sticky so that each matches at the reader's position.
const MULTILINE_WHITESPACE = /\s*/y;
const WHITESPACE = /[^\S\r\n]*/y;
const EXPORT = /(?:export[^\S\r\n]+)?/y;
const SINGLE_QUOTED_KEY = /'([^']+)'/y;
const UNQUOTED_KEY = /([^=#\s]+)/y;
const EQUAL_SIGN = /(=[^\S\r\n]*)/y;
const SINGLE_QUOTED_VALUE = /'((?:\\.|[^'\\])*)'/sy;
const DOUBLE_QUOTED_VALUE = /"((?:\\.|[^"\\])*)"/sy;
const UNQUOTED_VALUE = /([^\r\n]*)/y;
const COMMENT = /(?:[^\S\r\n]*#[^\r\n]*)?/y;
const END_OF_LINE = /[^\S\r\n]*(?:\r\n|\n|\r|$)/y;
const REST_OF_LINE = /[^\r\n]*(?:\r|\n|\r\n)?/y;
const DOUBLE_QUOTE_ESCAPES = /\\[\\'"abfnrtv]/g;
const SINGLE_QUOTE_ESCAPES = /\\[\\']/g;
const POSIX_VARIABLE = /\$\{([^}:]*)(?::-([^}]*))?\}/g;
const ESCAPE_CHARS: Record<string, string> = { '\\': '\\', '\'': '\'', '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

class ParseMiss extends Error {}

class Reader {
  pos = 0;
  constructor(readonly text: string) {}
  get line(): number {
    return (this.text.slice(0, this.pos).match(/\r\n|\n|\r/g)?.length ?? 0) + 1;
  }
  hasNext(): boolean {
    return this.pos < this.text.length;
  }
  peek(count: number): string {
    return this.text.slice(this.pos, this.pos + count);
  }
  read(re: RegExp): string[] {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) throw new ParseMiss();
    this.pos += m[0].length;
    return m.slice(1);
  }
}

interface Binding { key: string; value: string | undefined; line: number }

function parseValue(reader: Reader): string {
  const char = reader.peek(1);
  if (char === '\'') return reader.read(SINGLE_QUOTED_VALUE)[0].replace(SINGLE_QUOTE_ESCAPES, (e) => ESCAPE_CHARS[e[1]]);
  if (char === '"') return reader.read(DOUBLE_QUOTED_VALUE)[0].replace(DOUBLE_QUOTE_ESCAPES, (e) => ESCAPE_CHARS[e[1]]);
  if (char === '' || char === '\n' || char === '\r') return '';
  return reader.read(UNQUOTED_VALUE)[0].replace(/\s+#.*/, '').trimEnd();
}

/** python-dotenv's parse_binding: a line it cannot read is skipped (python-dotenv warns and goes on). */
function parseBinding(reader: Reader): Binding | undefined {
  const start = reader.pos;
  try {
    reader.read(MULTILINE_WHITESPACE);
    if (!reader.hasNext()) return undefined;
    reader.read(EXPORT);
    const line = reader.line;
    const first = reader.peek(1);
    let key: string | undefined;
    if (first === '#') key = undefined;
    else key = reader.read(first === '\'' ? SINGLE_QUOTED_KEY : UNQUOTED_KEY)[0];
    reader.read(WHITESPACE);
    let value: string | undefined;
    if (reader.peek(1) === '=') {
      const [equalSign] = reader.read(EQUAL_SIGN);
      // `KEY= # comment` is empty; `KEY=#value` keeps the `#`.
      value = equalSign.length > 1 && reader.peek(1) === '#' ? '' : parseValue(reader);
    }
    reader.read(COMMENT);
    reader.read(END_OF_LINE);
    return key === undefined ? undefined : { key, value, line };
  } catch (err) {
    if (!(err instanceof ParseMiss)) throw err;
    reader.pos = start;
    reader.read(REST_OF_LINE);
    return undefined;
  }
}

/**
 * The variables of a `.env` text, `${NAME}` and `${NAME:-default}` expanded as load_dotenv does:
 * from the environment first (it wins, as in load_dotenv without override), then from the lines
 * above. `$NAME` without braces is kept as it is, as python-dotenv keeps it.
 */
export function parseDotenv(text: string, environ: NodeJS.ProcessEnv = {}): Map<string, DotenvEntry> {
  const reader = new Reader(text.replace(/^\ufeff/, ''));
  const out = new Map<string, DotenvEntry>();
  while (reader.hasNext()) {
    const before = reader.pos;
    const binding = parseBinding(reader);
    if (binding?.value !== undefined) out.set(binding.key, { ...expand(binding.value, environ, out), line: binding.line });
    else if (binding) out.delete(binding.key); // `KEY` alone: python-dotenv's None, no value
    if (reader.pos === before) break; // defensive: every binding consumes text
  }
  return out;
}

function expand(value: string, environ: NodeJS.ProcessEnv, above: ReadonlyMap<string, DotenvEntry>): { value: string; unset: string[] } {
  const unset: string[] = [];
  const expanded = value.replace(POSIX_VARIABLE, (_ref, name: string, fallback: string | undefined) => {
    const found = environ[name] ?? above.get(name)?.value;
    if (found !== undefined) return found;
    if (fallback === undefined) unset.push(name);
    return fallback ?? '';
  });
  return { value: expanded, unset };
}

/** A `.env` file read and expanded; undefined when it does not exist. Other read errors are typed `io`. */
export function readDotenvFile(file: string, environ: NodeJS.ProcessEnv = {}): DotenvFile | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new MigrationChainError('io', `Cannot read ${file}: ${code ?? (err as Error).message}.`, 'Fix the file\'s permissions, or give the URL another way.');
  }
  return { file, entries: parseDotenv(text, environ) };
}

/**
 * Where to look for `name` (`.env`), nearest first: `start`, then each parent folder up to and
 * including `stop`. With no `stop`, up to the repository root (the first folder holding `.git`),
 * or `start` alone outside a repository: python-dotenv's find_dotenv walks up the same way, and
 * env.py files commonly read `../.env`.
 */
export function dotenvSearchPath(start: string, name = '.env', stop?: string): string[] {
  const from = path.resolve(start);
  const until = stop !== undefined ? path.resolve(stop) : repositoryRoot(from);
  if (!until || !isInside(from, until)) return [path.resolve(from, name)];
  const out: string[] = [];
  for (let dir = from; ; dir = path.dirname(dir)) {
    out.push(path.resolve(dir, name));
    if (dir === until || path.dirname(dir) === dir) break;
  }
  return out;
}

function repositoryRoot(from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function isInside(dir: string, ancestor: string): boolean {
  const rel = path.relative(ancestor, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
