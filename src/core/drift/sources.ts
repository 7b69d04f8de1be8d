// Which migration made a schema object: the first migration (in upgrade order) whose upgrade text
// names it. Text search is a heuristic, so an entry without a match simply has no link; a nested
// object with a generated name (prospects_pkey) falls back to the migration that made its table.
import * as fs from 'node:fs/promises';
import type { Migration } from '../chain/model';
import { LineIndex } from '../chain/header';
import type { SchemaDiffEntry } from '../schema/diff';

export type ObjectSource = NonNullable<SchemaDiffEntry['source']>;

interface SearchableText {
  migration: Migration;
  text: string;
  /** File line of the text's first line. */
  firstLine: number;
  lines: LineIndex;
}

/** Upgrade text per migration, parents first: the `.sql` upgrade section, or the whole `.js` / `.py` file. */
export async function upgradeTexts(migrations: readonly Migration[]): Promise<SearchableText[]> {
  const out: SearchableText[] = [];
  for (const m of migrations) {
    let text: string;
    let firstLine = 1;
    if (m.upgrade) {
      text = m.upgrade.text;
      firstLine = m.upgrade.line;
    } else {
      try {
        text = await fs.readFile(m.file, 'utf8');
      } catch {
        continue; // a file that vanished since the chain was read just gets no links
      }
    }
    out.push({ migration: m, text, firstLine, lines: new LineIndex(text) });
  }
  return out;
}

/** Adds `source` to each entry whose object a migration names. Entries keep their order. */
export function linkSources(entries: readonly SchemaDiffEntry[], texts: readonly SearchableText[]): SchemaDiffEntry[] {
  const cache = new Map<string, ObjectSource | undefined>();
  const find = (word: string, after?: string): ObjectSource | undefined => {
    const key = `${word}\u0000${after ?? ''}`;
    if (!cache.has(key)) cache.set(key, firstMention(texts, word, after));
    return cache.get(key);
  };
  return entries.map((e) => {
    const source = sourceOf(e, find);
    return source ? { ...e, source } : { ...e };
  });
}

function sourceOf(e: SchemaDiffEntry, find: (word: string, after?: string) => ObjectSource | undefined): ObjectSource | undefined {
  switch (e.kind) {
    case 'column': {
      const [table, column] = splitNested(e.name);
      return find(column, table) ?? find(table);
    }
    case 'constraint':
    case 'index':
    case 'trigger': {
      const [table, name] = splitNested(e.name);
      return find(name) ?? find(table);
    }
    case 'function':
      return find(e.name.replace(/\(.*$/s, ''));
    default:
      return find(e.name);
  }
}

function splitNested(name: string): [string, string] {
  const dot = name.indexOf('.');
  return dot === -1 ? [name, name] : [name.slice(0, dot), name.slice(dot + 1)];
}

/**
 * The first place `word` appears as a whole identifier (case-insensitive: unquoted SQL names fold
 * to lower case). With `after` (a column's table), only mentions following the table's first
 * mention in the same migration count, so `status` finds the prospects column, not the jobs one.
 */
function firstMention(texts: readonly SearchableText[], word: string, after?: string): ObjectSource | undefined {
  const re = identifierPattern(word, 'g');
  const anchor = after === undefined ? undefined : identifierPattern(after, '');
  for (const t of texts) {
    let from = 0;
    if (anchor) {
      const a = anchor.exec(t.text);
      if (!a) continue;
      from = a.index + a[0].length;
    }
    re.lastIndex = from;
    const m = re.exec(t.text);
    if (!m) continue;
    const offset = m.index + m[1].length;
    return { revision: t.migration.revision, file: t.migration.file, line: t.firstLine + t.lines.lineAt(offset) - 1 };
  }
  return undefined;
}

function identifierPattern(word: string, flags: string): RegExp {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_$])${escaped}(?![A-Za-z0-9_$])`, `i${flags}`);
}
