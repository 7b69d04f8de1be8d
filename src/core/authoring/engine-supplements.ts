// What the diff engine leaves out, added from our own catalog snapshots of the two sides: migra
// creates a sequence with no options (so `START 1000 INCREMENT 5`, or a serial's `AS integer`, are
// lost) and writes no comments. Both are filled in here from the snapshot of the side being
// reached; anything else it misses is still caught by the rehearsal and refused.
import { quoteIdent, quoteLiteral } from '../db/identifiers';
import type { SchemaSnapshot, SequenceSnapshot } from '../schema/snapshot';

const CREATE_SEQUENCE = /^create sequence "((?:[^"]|"")*)"\."((?:[^"]|"")*)"$/i;

/** Gives each bare `create sequence` the options the sequence has in `to`. */
export function completeSequences(statements: readonly string[], to: SchemaSnapshot): string[] {
  const byName = new Map(to.sequences.map((s) => [s.name, s]));
  return statements.map((s) => {
    const m = CREATE_SEQUENCE.exec(s.trim());
    const seq = m ? byName.get(m[2].replace(/""/g, '"')) : undefined;
    return seq ? `${s.trim()} ${sequenceOptions(seq)}` : s;
  });
}

function sequenceOptions(s: SequenceSnapshot): string {
  return `as ${s.type} increment by ${s.increment} minvalue ${s.min} maxvalue ${s.max} start with ${s.start} cache ${s.cache} ${s.cycle ? 'cycle' : 'no cycle'}`;
}

/** COMMENT ON TABLE / COLUMN for every table and column of `to` whose comment differs from `from`'s (snapshots read with comments). */
export function commentChanges(from: SchemaSnapshot, to: SchemaSnapshot): string[] {
  const out: string[] = [];
  const schema = quoteIdent(to.schema);
  const before = new Map(from.tables.map((t) => [t.name, t]));
  for (const t of to.tables) {
    const old = before.get(t.name);
    const table = `${schema}.${quoteIdent(t.name)}`;
    if ((t.comment ?? null) !== (old?.comment ?? null)) out.push(`comment on table ${table} is ${literal(t.comment)}`);
    const oldColumns = new Map((old?.columns ?? []).map((c) => [c.name, c]));
    for (const c of t.columns) {
      if ((c.comment ?? null) !== (oldColumns.get(c.name)?.comment ?? null)) {
        out.push(`comment on column ${table}.${quoteIdent(c.name)} is ${literal(c.comment)}`);
      }
    }
  }
  return out;
}

function literal(value: string | null | undefined): string {
  return value === null || value === undefined ? 'null' : quoteLiteral(value);
}
