// The PostgreSQL parser (libpg-query: the server's own grammar compiled to WebAssembly), loaded on
// first use so that activating the extension or starting the CLI for another command never pays
// for it. Loading compiles ~1.7 MB of WebAssembly once per process; parsing is synchronous after.
// Answers are kept per statement text: the editor re-lints the whole pending chain on every status
// refresh and save, and most of a parse's cost is copying the tree out of WebAssembly as JSON. The
// kept trees are shared, so nothing may change them (freezing them would cost a third of a first
// lint; test/unit/lint-rules.test.ts lints every example twice instead).
import type { ParseResult, RawStmt } from 'libpg-query';

interface PgQuery {
  loadModule(): Promise<void>;
  parseSync(sql: string): ParseResult;
}

export interface ParseFailure {
  message: string;
  /** 0-based character offset in the statement, when the parser reports one. */
  offset?: number;
}

export type ParseOutcome = { ok: true; stmts: readonly RawStmt[] } | { ok: false; error: ParseFailure };

export interface PgParser {
  /** The statements of `sql` (one or more), or why PostgreSQL's grammar rejects it. Shared between callers: read only. */
  parse(sql: string): ParseOutcome;
}

/**
 * SQL text kept, in characters (the oldest statements go first). A tree takes about 20 times its
 * text on the heap, so this is some 25 MB: ten thousand typical statements, a long pending chain.
 */
const KEPT_CHARS = 1_000_000;
const kept = new Map<string, ParseOutcome>();
let keptChars = 0;

/** Forgets the kept answers (the bench measures a first lint). */
export function clearParseCache(): void {
  kept.clear();
  keptChars = 0;
}

function keep(sql: string, outcome: ParseOutcome): void {
  if (sql.length > KEPT_CHARS) return;
  for (const oldest of kept.keys()) {
    if (keptChars + sql.length <= KEPT_CHARS) break;
    kept.delete(oldest);
    keptChars -= oldest.length;
  }
  kept.set(sql, outcome);
  keptChars += sql.length;
}

let loading: Promise<PgParser> | undefined;
let loaded: PgParser | undefined;
let loadMs: number | undefined;

/** Loads the parser once per process (concurrent callers share the load). */
export function loadPgParser(): Promise<PgParser> {
  loading ??= (async () => {
    const started = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require('libpg-query') as PgQuery;
    await lib.loadModule();
    loadMs = performance.now() - started;
    loaded = makeParser(lib);
    return loaded;
  })();
  return loading;
}

/** The parser if it is already loaded (editor re-lints stay synchronous once it is). */
export function loadedPgParser(): PgParser | undefined {
  return loaded;
}

/** How long the last load took in this process (bench figure). */
export function parserLoadMs(): number | undefined {
  return loadMs;
}

function makeParser(lib: PgQuery): PgParser {
  return {
    parse(sql) {
      const known = kept.get(sql);
      if (known) return known;
      const outcome = parseOnce(lib, sql);
      keep(sql, outcome);
      return outcome;
    },
  };
}

function parseOnce(lib: PgQuery, sql: string): ParseOutcome {
  try {
    return { ok: true, stmts: lib.parseSync(sql).stmts ?? [] };
  } catch (err) {
    const e = err as { message?: string; sqlDetails?: { cursorPosition?: number } };
    const cursor = e.sqlDetails?.cursorPosition;
    return { ok: false, error: { message: e.message ?? String(err), ...(cursor !== undefined && cursor >= 0 ? { offset: utf8OffsetToIndex(sql, cursor) } : {}) } };
  }
}


/** libpg-query reports byte offsets into the UTF-8 text. */
export function utf8OffsetToIndex(text: string, byteOffset: number): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    if (bytes >= byteOffset) return i;
    const code = text.codePointAt(i)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (code >= 0x10000) i++;
  }
  return text.length;
}
