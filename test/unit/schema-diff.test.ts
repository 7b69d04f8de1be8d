import { strict as assert } from 'node:assert';
import { diffSchemas, formatSchemaDiff } from '../../src/core/schema/diff';
import type { ColumnSnapshot, SchemaSnapshot } from '../../src/core/schema/snapshot';

function col(name: string, type: string, extra: Partial<ColumnSnapshot> = {}): ColumnSnapshot {
  return { name, type, nullable: true, default: null, identity: null, generated: null, collation: null, ...extra };
}

/** The seed's prospects table, roughly, as the migrations build it. */
function seedLike(): SchemaSnapshot {
  return {
    schema: 'public',
    tables: [
      { name: 'jobs', partitioned: false, columns: [col('id', 'integer', { nullable: false, default: "nextval('jobs_id_seq'::regclass)" })] },
      {
        name: 'prospects', partitioned: false, columns: [
          col('email', 'character varying(255)'),
          col('id', 'integer', { nullable: false, default: "nextval('prospects_id_seq'::regclass)" }),
          col('status', 'character varying(50)', { default: "'new'::character varying" }),
        ],
      },
    ],
    constraints: [
      { table: 'jobs', name: 'jobs_pkey', definition: 'PRIMARY KEY (id)' },
      { table: 'prospects', name: 'prospects_pkey', definition: 'PRIMARY KEY (id)' },
    ],
    indexes: [{ table: 'prospects', name: 'ix_prospects_email', definition: 'CREATE INDEX ix_prospects_email ON public.prospects USING btree (email)' }],
    triggers: [],
    sequences: [
      { name: 'jobs_id_seq', type: 'integer', start: '1', increment: '1', min: '1', max: '2147483647', cache: '1', cycle: false, ownedBy: 'jobs.id' },
      { name: 'prospects_id_seq', type: 'integer', start: '1', increment: '1', min: '1', max: '2147483647', cache: '1', cycle: false, ownedBy: 'prospects.id' },
    ],
    views: [{ name: 'open_prospects', materialized: false, definition: " SELECT id FROM prospects WHERE status = 'new';" }],
    enums: [{ name: 'prospect_state', labels: ['new', 'contacted'] }],
    functions: [{ signature: 'touch()', definition: 'CREATE OR REPLACE FUNCTION public.touch() ...' }],
  };
}

function clone(s: SchemaSnapshot): SchemaSnapshot {
  return JSON.parse(JSON.stringify(s)) as SchemaSnapshot;
}

describe('schema diff', () => {
  it('reports nothing for equal schemas and says so in words', () => {
    const entries = diffSchemas(seedLike(), seedLike());
    assert.deepEqual(entries, []);
    assert.equal(formatSchemaDiff(entries, '556b79de2825'),
      'No drift: the database schema matches the migrations up to 556b79de2825.');
  });

  it('reports an added column, a dropped index and a changed default as exactly three entries', () => {
    const actual = clone(seedLike());
    const prospects = actual.tables[1];
    prospects.columns.push(col('x', 'integer'));
    prospects.columns[2].default = "'pending'::character varying";
    actual.indexes = [];

    assert.deepEqual(diffSchemas(seedLike(), actual), [
      {
        kind: 'column', name: 'prospects.status', change: 'changed',
        expected: "character varying(50) DEFAULT 'new'::character varying",
        actual: "character varying(50) DEFAULT 'pending'::character varying",
      },
      { kind: 'column', name: 'prospects.x', change: 'extra', actual: 'integer' },
      {
        kind: 'index', name: 'prospects.ix_prospects_email', change: 'missing',
        expected: 'CREATE INDEX ix_prospects_email ON public.prospects USING btree (email)',
      },
    ]);
  });

  it('reports a missing table once, with its columns and constraints inside the entry', () => {
    const actual = clone(seedLike());
    actual.tables = actual.tables.filter((t) => t.name !== 'prospects');
    actual.constraints = actual.constraints.filter((c) => c.table !== 'prospects');
    actual.indexes = [];
    actual.sequences = actual.sequences.filter((q) => q.name !== 'prospects_id_seq');

    const entries = diffSchemas(seedLike(), actual);
    assert.deepEqual(entries.map((e) => `${e.kind} ${e.name} ${e.change}`), ['table prospects missing']);
    const table = entries[0].expected ?? '';
    assert.match(table, /status character varying\(50\) DEFAULT 'new'::character varying/);
    assert.match(table, /CONSTRAINT prospects_pkey PRIMARY KEY \(id\)/);
    assert.match(table, /CREATE INDEX ix_prospects_email/);
    assert.match(table, /SEQUENCE prospects_id_seq AS integer .* OWNED BY prospects\.id/);
  });

  it('sees nullability, enum label order, view text, sequence options and functions', () => {
    const actual = clone(seedLike());
    actual.tables[1].columns[0].nullable = false;
    actual.enums[0].labels = ['contacted', 'new'];
    actual.views[0].definition = ' SELECT id FROM prospects;';
    actual.sequences[0].increment = '2';
    actual.functions = [];
    actual.constraints.push({ table: 'prospects', name: 'prospects_email_check', definition: "CHECK (email ~~ '%@%')" });

    assert.deepEqual(diffSchemas(seedLike(), actual).map((e) => `${e.kind} ${e.name} ${e.change}`), [
      'column prospects.email changed',
      'constraint prospects.prospects_email_check extra',
      'sequence jobs_id_seq changed',
      'view open_prospects changed',
      'enum prospect_state changed',
      'function touch() missing',
    ]);
  });

  it('formats every entry with both definitions and the creating migration when known', () => {
    const text = formatSchemaDiff([
      {
        kind: 'column', name: 'prospects.status', change: 'changed', expected: 'text', actual: 'integer',
        source: { revision: '000000000000', file: 'migrations/000000000000_create_base_tables.sql', line: 12 },
      },
    ], ['556b79de2825']);
    assert.equal(text, [
      'Schema drift: 1 difference between the database and the migrations up to 556b79de2825.',
      '',
      'column prospects.status: differs from the migrations',
      '  expected (migrations): text',
      '  actual (database):     integer',
      '  see 000000000000 (migrations/000000000000_create_base_tables.sql:12)',
    ].join('\n'));
  });

  it('does not depend on the order of the input', () => {
    const a = seedLike();
    const b = clone(a);
    b.tables.reverse();
    b.constraints.reverse();
    b.tables.forEach((t) => t.columns.reverse());
    assert.deepEqual(diffSchemas(a, b), []);
  });
});
