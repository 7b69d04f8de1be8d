// `.js` / `.cjs` / `.mjs` migrations. NEVER required or imported: a workspace may be untrusted and
// loading a module runs it. The header values are read from the text as literals.
import type { ParseResult } from './model';
import { assembleScriptMigration, type ScriptHeader } from './assemble';
import { normalizeLineEndings } from './checksum';
import { LineIndex, stripBom } from './header';
import { JS_SYNTAX, maskJsComments, readLiteral, type Literal } from './literals';

const KEYS = ['revision', 'down_revision', 'message', 'transactional', 'branch_labels', 'depends_on', 'irreversible'] as const;

/** Where `name` is assigned/exported, earliest first: exports.x =, export const x =, { x: ... }. */
function definitionPattern(name: string): RegExp {
  return new RegExp(
    String.raw`(?:\b(?:module\.)?exports\.(${name})\s*=(?![=>])` +
    String.raw`|\bexport\s+(?:const|let|var)\s+(${name})\b\s*(?::[^=;]*)?=(?![=>])` +
    String.raw`|[{,]\s*(?:(${name})|'(${name})'|"(${name})")\s*:)`,
    'g',
  );
}
const PATTERNS = new Map(KEYS.map((k) => [k, definitionPattern(k)]));

function findDefinition(masked: string, name: string): { keyOffset: number; valueOffset: number } | undefined {
  const re = PATTERNS.get(name as (typeof KEYS)[number]) ?? definitionPattern(name);
  re.lastIndex = 0;
  const m = re.exec(masked);
  if (!m) return undefined;
  const keyOffset = m.index + m[0].indexOf(name);
  return { keyOffset, valueOffset: m.index + m[0].length };
}

const FUNCTION_VALUE = /^\s*(?:async\b|function\b|\(|[A-Za-z_$][\w$]*\s*=>)/;

/** Whether the module text defines a function called `name` (declaration, export, or object method). */
export function definesFunction(masked: string, name: string): boolean {
  const declared = new RegExp(
    String.raw`\bfunction\s*\*?\s*${name}\s*\(` +
    String.raw`|\bexport\s*\{[^}]*\b${name}\b[^}]*\}` +
    String.raw`|[{,;]\s*(?:async\s+)?${name}\s*\([^)]*\)\s*\{`,
  );
  if (declared.test(masked)) return true;
  const def = findDefinition(masked, name);
  return def !== undefined && FUNCTION_VALUE.test(masked.slice(def.valueOffset, def.valueOffset + 200));
}

export function parseJsMigration(file: string, rawText: string): ParseResult {
  const text = normalizeLineEndings(stripBom(rawText));
  const masked = maskJsComments(text);
  const lines = new LineIndex(text);
  const header: ScriptHeader = {};
  for (const key of KEYS) {
    const def = findDefinition(masked, key);
    if (!def) continue;
    const literal: Literal = readLiteral(masked, def.valueOffset, JS_SYNTAX);
    header[key] = { literal, line: lines.lineAt(def.keyOffset) };
  }
  return assembleScriptMigration({
    file,
    format: 'js',
    text,
    header,
    hasDowngrade: definesFunction(masked, 'downgrade'),
    hasVerify: definesFunction(masked, 'verify'),
  });
}
