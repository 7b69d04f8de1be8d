// The catalog reads of verify (core/db/table-catalog.ts) against what information_schema says on the real
// server: the same base tables, the same columns with the same data_type and nullability, in the
// same order, for a schema with every kind of column type and relation, and for a role that may see
// only part of it.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { listColumns, listTables } from '../../src/core/db/table-catalog';
import { freshDatabaseUrl } from '../support/db-hooks';

const SCHEMA_SQL = `
  CREATE TYPE mood AS ENUM ('ok', 'sad');
  CREATE TYPE pair AS (a int, b text);
  CREATE DOMAIN positive AS int NOT NULL CHECK (VALUE > 0);
  CREATE DOMAIN tags AS text[];
  CREATE DOMAIN name_domain AS varchar(20);
  CREATE TABLE "Mixed Case" (id int);
  CREATE TABLE kinds (
    id bigserial PRIMARY KEY, small smallint NOT NULL, price numeric(5, 2), code char(3), label varchar(10), body text,
    at timestamptz, day date, flag boolean, data jsonb, uuid uuid, ints int[], grid text[][], m mood, p pair,
    pos positive, t tags, nd name_domain, bits bit varying(8), iv interval, amount money, ip inet, raw bytea,
    gone int, tail "char"
  );
  ALTER TABLE kinds DROP COLUMN gone;
  CREATE TABLE parted (id int NOT NULL, region text) PARTITION BY LIST (region);
  CREATE TABLE parted_eu PARTITION OF parted FOR VALUES IN ('eu');
  CREATE TABLE b_table (x int);
  CREATE VIEW a_view AS SELECT 1 AS one;
  CREATE MATERIALIZED VIEW mat AS SELECT 1 AS one;
  CREATE SEQUENCE seq;
  CREATE SCHEMA other;
  CREATE TABLE other.elsewhere (y int);
`;

async function informationSchema(client: Client, schema: string) {
  const tables = (await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`, [schema]))
    .rows.map((r) => r.table_name);
  const columns = (await client.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
    `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.ordinal_position`, [schema]))
    .rows.map((r) => ({ table: r.table_name, column: r.column_name, dataType: r.data_type, nullable: r.is_nullable === 'YES' }));
  return { tables, columns };
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try { return await fn(c); } finally { await c.end(); }
}

describe('catalog reads agree with information_schema', function () {
  this.timeout(60_000);

  it('tables and columns of a schema with every kind of type and relation, as owner', async () => {
    const url = await freshDatabaseUrl('catalog');
    await withClient(url, async (c) => {
      await c.query(SCHEMA_SQL);
      for (const schema of ['public', 'other', 'missing']) {
        const expected = await informationSchema(c, schema);
        assert.deepEqual(await listTables(c, schema), expected.tables, `tables of ${schema}`);
        assert.deepEqual(await listColumns(c, schema), expected.columns, `columns of ${schema}`);
      }
      const { tables, columns } = await informationSchema(c, 'public');
      assert.deepEqual(tables, ['Mixed Case', 'b_table', 'kinds', 'parted', 'parted_eu'], 'the control: views, sequences and other schemas are not base tables');
      assert.ok(columns.some((col) => col.dataType === 'ARRAY') && columns.some((col) => col.dataType === 'USER-DEFINED') && columns.some((col) => !col.nullable));
    });
  });

  it('a role that may see only some tables and columns sees the same through both', async () => {
    const url = await freshDatabaseUrl('catalog_role');
    const role = `mc_catalog_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await withClient(url, async (c) => {
      await c.query(SCHEMA_SQL);
      await c.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await c.query(`GRANT SELECT ON b_table TO ${role}; GRANT SELECT (id, label) ON kinds TO ${role}; GRANT USAGE ON SCHEMA other TO ${role}`);
    });
    try {
      const asRole = new URL(url);
      asRole.username = role;
      asRole.password = password;
      await withClient(asRole.toString(), async (c) => {
        const expected = await informationSchema(c, 'public');
        assert.deepEqual(expected.tables, ['b_table', 'kinds'], 'the control: the role sees only what it was granted');
        assert.deepEqual(expected.columns.filter((col) => col.table === 'kinds').map((col) => col.column), ['id', 'label']);
        assert.deepEqual(await listTables(c, 'public'), expected.tables);
        assert.deepEqual(await listColumns(c, 'public'), expected.columns);
        assert.deepEqual(await listTables(c, 'other'), (await informationSchema(c, 'other')).tables);
      });
    } finally {
      await withClient(url, (c) => c.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`));
    }
  });
});
