// Compares two schema snapshots object by object. "expected" is what the migrations build, "actual"
// is the database. A missing or extra table is one entry (its columns, constraints, indexes and
// triggers are shown inside it, not repeated as entries of their own).
import { quoteLiteral } from '../db/identifiers';
import type { SourceLocation } from '../errors';
import { compareCodePoints } from '../text';
import type { ColumnSnapshot, SchemaSnapshot, SequenceSnapshot, TableSnapshot } from './snapshot';

export type SchemaObjectKind =
  | 'table' | 'column' | 'constraint' | 'index' | 'trigger' | 'sequence' | 'view' | 'enum' | 'function';

export type SchemaChange = 'missing' | 'extra' | 'changed';

export interface SchemaDiffEntry {
  kind: SchemaObjectKind;
  /** `table`, `table.column`, `table.constraint`, `table.index`, `table.trigger`, or the object's own name / signature. */
  name: string;
  /** missing: the migrations make it, the database lacks it; extra: the reverse; changed: both have it, differently. */
  change: SchemaChange;
  expected?: string;
  actual?: string;
  /** The migration that creates the object, when one can be found (filled in by the drift check). */
  source?: SourceLocation & { revision: string };
}

const KIND_ORDER: readonly SchemaObjectKind[] = ['table', 'column', 'constraint', 'index', 'trigger', 'sequence', 'view', 'enum', 'function'];

/** Differences between what the migrations build (`expected`) and the database (`actual`), sorted by kind, then name. */
export function diffSchemas(expected: SchemaSnapshot, actual: SchemaSnapshot): SchemaDiffEntry[] {
  const entries: SchemaDiffEntry[] = [];
  const exp = definitions(expected);
  const act = definitions(actual);
  const tablesOnOneSide = new Set<string>();
  for (const [key, e] of exp) if (e.kind === 'table' && !act.has(key)) tablesOnOneSide.add(e.name);
  for (const [key, a] of act) if (a.kind === 'table' && !exp.has(key)) tablesOnOneSide.add(a.name);

  const insideOneSidedTable = (d: Definition) => d.table !== undefined && tablesOnOneSide.has(d.table);
  for (const [key, e] of exp) {
    const a = act.get(key);
    if (!a) {
      if (!insideOneSidedTable(e)) entries.push({ kind: e.kind, name: e.name, change: 'missing', expected: e.display ?? e.text });
    } else if (a.text !== e.text) {
      entries.push({ kind: e.kind, name: e.name, change: 'changed', expected: e.text, actual: a.text });
    }
  }
  for (const [key, a] of act) {
    if (!exp.has(key) && !insideOneSidedTable(a)) entries.push({ kind: a.kind, name: a.name, change: 'extra', actual: a.display ?? a.text });
  }
  return entries.sort(compareEntries);
}

export function compareEntries(a: SchemaDiffEntry, b: SchemaDiffEntry): number {
  return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compareCodePoints(a.name, b.name);
}

/**
 * A readable report. `upTo` names the revision(s) the comparison was built to; an empty diff is
 * stated as such rather than printed as nothing.
 */
export function formatSchemaDiff(entries: readonly SchemaDiffEntry[], upTo: string | readonly string[] = 'head'): string {
  const rev = typeof upTo === 'string' ? upTo : upTo.length === 0 ? 'base' : upTo.join(' + ');
  if (entries.length === 0) return `No drift: the database schema matches the migrations up to ${rev}.`;
  const lines = [
    `Schema drift: ${entries.length} difference${entries.length === 1 ? '' : 's'} between the database and the migrations up to ${rev}.`,
  ];
  for (const e of entries) {
    lines.push('', `${e.kind} ${e.name}: ${describeChange(e.change)}`);
    if (e.expected !== undefined) lines.push(...labelled('expected (migrations): ', e.expected));
    if (e.actual !== undefined) lines.push(...labelled('actual (database):     ', e.actual));
    if (e.source) lines.push(`  see ${e.source.revision} (${e.source.file}:${e.source.line})`);
  }
  return lines.join('\n');
}

function describeChange(change: SchemaChange): string {
  switch (change) {
    case 'missing': return 'missing from the database (the migrations create it)';
    case 'extra': return 'extra in the database (no migration creates it)';
    case 'changed': return 'differs from the migrations';
  }
}

function labelled(label: string, text: string): string[] {
  const [first, ...rest] = text.split('\n');
  const pad = ' '.repeat(label.length + 2);
  return [`  ${label}${first}`, ...rest.map((l) => `${pad}${l}`)];
}

// --- rendering each object as one comparable text --------------------------------------------------

interface Definition {
  kind: SchemaObjectKind;
  name: string;
  /** The table a nested object belongs to. */
  table?: string;
  /** What is compared. */
  text: string;
  /** What is shown for a missing / extra object when it differs from `text` (a table's full shape). */
  display?: string;
}

function definitions(s: SchemaSnapshot): Map<string, Definition> {
  const out = new Map<string, Definition>();
  const add = (d: Definition) => out.set(`${d.kind}\u0000${d.name}`, d);
  for (const t of s.tables) {
    add({ kind: 'table', name: t.name, text: tableOwnText(t), display: renderTable(t, s) });
    for (const c of t.columns) add({ kind: 'column', name: `${t.name}.${c.name}`, table: t.name, text: renderColumn(c) });
  }
  for (const c of s.constraints) add({ kind: 'constraint', name: `${c.table}.${c.name}`, table: c.table, text: c.definition });
  for (const i of s.indexes) add({ kind: 'index', name: `${i.table}.${i.name}`, table: i.table, text: i.definition });
  for (const t of s.triggers) add({ kind: 'trigger', name: `${t.table}.${t.name}`, table: t.table, text: t.definition });
  // A serial's sequence belongs to its table: it comes and goes with it.
  for (const q of s.sequences) add({ kind: 'sequence', name: q.name, table: ownerTable(q), text: renderSequence(q) });
  for (const v of s.views) add({ kind: 'view', name: v.name, text: `${v.materialized ? 'MATERIALIZED VIEW' : 'VIEW'}${grantsText(v.privileges)} AS\n${v.definition.trim()}` });
  for (const e of s.enums) add({ kind: 'enum', name: e.name, text: `ENUM (${e.labels.map(quoteLiteral).join(', ')})` });
  for (const f of s.functions) add({ kind: 'function', name: f.signature, text: f.definition.trim() });
  return out;
}

/** A table present on both sides is compared only on what belongs to the table itself; its parts are entries of their own. */
function tableOwnText(t: TableSnapshot): string {
  return `${t.partitioned ? 'PARTITIONED TABLE' : 'TABLE'}${t.comment ? ` -- ${t.comment}` : ''}${grantsText(t.privileges)}`;
}

/** The table's full shape, shown when the whole table is missing or extra. */
function renderTable(t: TableSnapshot, s: SchemaSnapshot): string {
  const own = tableOwnText(t);
  const body = [
    ...t.columns.map((c) => `${c.name} ${renderColumn(c)}`),
    ...s.constraints.filter((c) => c.table === t.name).map((c) => `CONSTRAINT ${c.name} ${c.definition}`),
  ];
  const extras = [
    ...s.indexes.filter((i) => i.table === t.name).map((i) => i.definition),
    ...s.triggers.filter((g) => g.table === t.name).map((g) => g.definition),
    ...s.sequences.filter((q) => ownerTable(q) === t.name).map((q) => `SEQUENCE ${q.name} ${renderSequence(q)}`),
  ];
  return [`${own} (`, ...body.map((l, i) => `  ${l}${i < body.length - 1 ? ',' : ''}`), ')', ...extras].join('\n');
}

export function renderColumn(c: ColumnSnapshot): string {
  const parts = [c.type];
  if (c.collation) parts.push(`COLLATE "${c.collation}"`);
  if (!c.nullable) parts.push('NOT NULL');
  if (c.default !== null) parts.push(`DEFAULT ${c.default}`);
  if (c.identity) parts.push(`GENERATED ${c.identity.toUpperCase()} AS IDENTITY`);
  if (c.generated) parts.push(c.generated);
  if (c.comment) parts.push(`-- ${c.comment}`);
  return parts.join(' ');
}

/** ` GRANT a, b` when privileges were read and some are granted. */
function grantsText(privileges: readonly string[] | undefined): string {
  return privileges?.length ? ` GRANT ${privileges.join(', ')}` : '';
}

function ownerTable(q: SequenceSnapshot): string | undefined {
  return q.ownedBy === null ? undefined : q.ownedBy.slice(0, q.ownedBy.lastIndexOf('.'));
}

function renderSequence(q: SequenceSnapshot): string {
  return [
    `AS ${q.type} START ${q.start} INCREMENT ${q.increment} MINVALUE ${q.min} MAXVALUE ${q.max} CACHE ${q.cache}`,
    q.cycle ? 'CYCLE' : 'NO CYCLE',
    q.ownedBy ? `OWNED BY ${q.ownedBy}` : 'OWNED BY NONE',
  ].join(' ');
}
