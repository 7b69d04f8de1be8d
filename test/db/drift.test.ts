// Schema drift against the real server: the seed chain is built in a scratch database and compared
// with a database changed by hand.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { loadChain } from '../../src/core/chain/load';
import type { Chain } from '../../src/core/chain/chain';
import { checkDrift } from '../../src/core/drift/drift';
import { CancelledError, ConnectionError, MigrationChainError, SqlError, UnknownRevisionError } from '../../src/core/errors';
import type { Logger } from '../../src/core/log';
import { upgrade } from '../../src/core/run/runner';
import { diffSchemas, formatSchemaDiff } from '../../src/core/schema/diff';
import { readSchema, type SchemaSnapshot } from '../../src/core/schema/snapshot';
import { REPO_ROOT } from '../reliability/support/cli';
import { freshDatabaseUrl, server } from '../support/db-hooks';

const SEED_DIR = path.join(REPO_ROOT, 'migrations');
const SEED_HEAD = '556b79de2825';
const SEED_BASE_FILE = path.join(SEED_DIR, '000000000000_create_base_tables.sql');
const BUILD_FAILS_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'drift-build-fails');

async function sql(url: string, text: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

const databaseOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

/** Every database on the server whose name marks it as a drift scratch database of `url`'s database. */
async function scratchDatabasesOf(url: string): Promise<string[]> {
  const rows = await sql(server().adminUrl, "SELECT datname FROM pg_database WHERE datname LIKE $1 || '\\_mc\\_drift\\_%'", [databaseOf(url)]);
  return rows.map((r) => String(r.datname));
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => { lines.push(m); };
  return { lines, info: push, warn: push, error: push, debug: push };
}

describe('drift check (real PostgreSQL)', function () {
  this.timeout(60_000);
  let seed: Chain;

  before(async () => {
    seed = await loadChain(SEED_DIR);
    assert.equal(seed.diagnostics.filter((d) => d.severity === 'error').length, 0, 'the seed chain must load cleanly');
    assert.deepEqual(seed.graph.heads, [SEED_HEAD]);
  });

  it('reports no drift for a database built by the chain, and drops its scratch database', async () => {
    const url = await freshDatabaseUrl('mc_drift_clean');
    await upgrade({ chain: seed, url });
    const log = recordingLogger();

    const report = await checkDrift({ chain: seed, url, logger: log });

    assert.deepEqual(report.entries, []);
    assert.deepEqual(report.baseRevision, [SEED_HEAD]);
    assert.equal(formatSchemaDiff(report.entries, report.baseRevision),
      `No drift: the database schema matches the migrations up to ${SEED_HEAD}.`);
    assert.match(report.scratchDatabase, new RegExp(`^${databaseOf(url)}_mc_drift_[0-9a-f]{8}$`));
    assert.deepEqual(await scratchDatabasesOf(url), []);
    assert.ok(log.lines.some((l) => l.includes(`Drop the scratch database ${report.scratchDatabase}`)), log.lines.join('\n'));
    assert.ok(!log.lines.join('\n').includes(server().password), 'the password must not reach the log');
  });

  it('reports a hand-added column, a dropped index and a changed default exactly, and nothing else', async () => {
    const url = await freshDatabaseUrl('mc_drift_hand');
    await upgrade({ chain: seed, url });
    await sql(url, 'ALTER TABLE prospects ADD COLUMN x int');
    await sql(url, 'DROP INDEX prospects_status_idx');
    await sql(url, "ALTER TABLE prospects ALTER COLUMN status SET DEFAULT 'contacted'");

    const report = await checkDrift({ chain: seed, url });

    assert.deepEqual(report.entries, [
      {
        kind: 'column', name: 'prospects.status', change: 'changed',
        expected: "text NOT NULL DEFAULT 'new'::text",
        actual: "text NOT NULL DEFAULT 'contacted'::text",
        source: { revision: '000000000000', file: SEED_BASE_FILE, line: 30 },
      },
      {
        kind: 'column', name: 'prospects.x', change: 'extra',
        actual: 'integer',
        // No migration names x: the link goes to the migration that made its table.
        source: { revision: '000000000000', file: SEED_BASE_FILE, line: 23 },
      },
      {
        kind: 'index', name: 'prospects.prospects_status_idx', change: 'missing',
        expected: 'CREATE INDEX prospects_status_idx ON public.prospects USING btree (status)',
        source: { revision: '000000000000', file: SEED_BASE_FILE, line: 39 },
      },
    ]);
    assert.deepEqual(await scratchDatabasesOf(url), []);

    const text = formatSchemaDiff(report.entries, report.baseRevision);
    assert.match(text, /^Schema drift: 3 differences between the database and the migrations up to 556b79de2825\./);
    assert.ok(!text.includes(server().password));
    if (process.env.MC_SHOW_DRIFT_REPORT) console.log(`\n${text}\n`);
  });

  it('drops the scratch database when building the chain fails, and reports the failing migration', async () => {
    const chain = await loadChain(BUILD_FAILS_DIR);
    const url = await freshDatabaseUrl('mc_drift_fails');
    await upgrade({ chain, url, target: 'dd0000000001' });
    // The database claims the broken revision (as if it had been applied from an older version of the file).
    await sql(url, "UPDATE alembic_version SET version_num = 'ee0000000002'");
    const log = recordingLogger();

    await assert.rejects(checkDrift({ chain, url, logger: log }), (err: unknown) => {
      assert.ok(err instanceof SqlError, `expected SqlError, got ${String(err)}`);
      assert.equal(err.revision, 'ee0000000002');
      assert.equal(err.location?.file, path.join(BUILD_FAILS_DIR, 'ee0000000002_broken.sql'));
      assert.match(err.message, /tags/);
      return true;
    });
    assert.deepEqual(await scratchDatabasesOf(url), []);
    assert.ok(log.lines.some((l) => /^✔ Drop the scratch database /.test(l)), log.lines.join('\n'));
  });

  it('says clearly when the user may not create databases, and leaves nothing behind', async () => {
    const url = await freshDatabaseUrl('mc_drift_nocreatedb');
    await upgrade({ chain: seed, url });
    const role = `mc_nocreatedb_${randomBytes(3).toString('hex')}`;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    await sql(url, `CREATE ROLE ${role} LOGIN NOCREATEDB PASSWORD '${password}'`);
    await sql(url, `GRANT SELECT ON alembic_version TO ${role}`);
    const roleUrl = new URL(url);
    roleUrl.username = role;
    roleUrl.password = password;
    try {
      await assert.rejects(checkDrift({ chain: seed, url: roleUrl.toString() }), (err: unknown) => {
        assert.ok(err instanceof ConnectionError, `expected ConnectionError, got ${String(err)}`);
        assert.match(err.message, new RegExp(`${role} may not create databases`));
        assert.match(err.hint ?? '', /CREATEDB/);
        assert.ok(!`${err.message} ${err.hint}`.includes(password), 'the password must not reach the message');
        return true;
      });
      assert.deepEqual(await scratchDatabasesOf(url), []);
    } finally {
      await sql(url, `DROP OWNED BY ${role}`);
      await sql(url, `DROP ROLE ${role}`);
    }
  });

  it('refuses a database that records a revision the files do not define, before creating anything', async () => {
    const url = await freshDatabaseUrl('mc_drift_unknown');
    await upgrade({ chain: seed, url });
    await sql(url, "UPDATE alembic_version SET version_num = '556b79de2826'");
    await assert.rejects(checkDrift({ chain: seed, url }), (err: unknown) => {
      assert.ok(err instanceof UnknownRevisionError, `expected UnknownRevisionError, got ${String(err)}`);
      assert.deepEqual(err.nearest.slice(0, 1), [SEED_HEAD]);
      return true;
    });
    assert.deepEqual(await scratchDatabasesOf(url), []);
  });

  it('stops before creating a scratch database when cancelled', async () => {
    const url = await freshDatabaseUrl('mc_drift_cancel');
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(checkDrift({ chain: seed, url, signal: controller.signal }),
      (err: unknown) => err instanceof CancelledError && err instanceof MigrationChainError);
    assert.deepEqual(await scratchDatabasesOf(url), []);
  });
});

// Every kind of object the snapshot reads, made the same way in two databases, then changed in one.
const EVERY_KIND_DDL = `
CREATE TYPE mood AS ENUM ('happy', 'it''s complicated');
CREATE SEQUENCE invoice_numbers START 1000 INCREMENT 10;
CREATE TABLE owners (id serial PRIMARY KEY, name text COLLATE "C" NOT NULL);
CREATE TABLE pets (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id int REFERENCES owners(id) ON DELETE CASCADE,
  mood mood DEFAULT 'happy',
  weight numeric(6,2) CHECK (weight > 0),
  double_weight numeric GENERATED ALWAYS AS (weight * 2) STORED,
  UNIQUE (owner_id, mood)
);
CREATE INDEX pets_weight_idx ON pets (weight) WHERE weight IS NOT NULL;
CREATE TABLE events (at date NOT NULL, what text) PARTITION BY RANGE (at);
CREATE VIEW heavy_pets AS SELECT id, weight FROM pets WHERE weight > 10;
CREATE MATERIALIZED VIEW pet_counts AS SELECT owner_id, count(*) AS n FROM pets GROUP BY owner_id;
CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.weight := NEW.weight; RETURN NEW; END $$;
CREATE TRIGGER pets_bump BEFORE UPDATE ON pets FOR EACH ROW EXECUTE FUNCTION bump();
CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
COMMENT ON TABLE pets IS 'animals';
`;

async function snapshotOf(url: string, comments = false): Promise<SchemaSnapshot> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET search_path = "$user", public, pg_catalog');
    const snapshot = await readSchema(client, 'public', { exclude: ['alembic_version'], comments });
    const { rows } = await client.query('SHOW search_path');
    assert.equal(rows[0].search_path, '"$user", public, pg_catalog', 'readSchema must restore the search_path');
    return snapshot;
  } finally {
    await client.end();
  }
}

describe('schema snapshot from the catalogs (real PostgreSQL)', function () {
  this.timeout(60_000);

  it('reads every kind of object, deterministically, without the excluded tables or OIDs', async () => {
    const url = await freshDatabaseUrl('mc_snapshot_read');
    await sql(url, EVERY_KIND_DDL);
    const snap = await snapshotOf(url, true);

    assert.deepEqual(snap.tables.map((t) => t.name), ['events', 'owners', 'pets']);
    const pets = snap.tables.find((t) => t.name === 'pets');
    assert.equal(pets?.comment, 'animals');
    assert.deepEqual(pets?.columns.find((c) => c.name === 'id'),
      { name: 'id', type: 'bigint', nullable: false, default: null, identity: 'always', generated: null, collation: null, comment: null });
    // The expression is the server's own deparse (its casts vary by version).
    assert.match(pets?.columns.find((c) => c.name === 'double_weight')?.generated ?? '', /^GENERATED ALWAYS AS \(\(weight \* .*2.*\)\) STORED$/);
    assert.equal(pets?.columns.find((c) => c.name === 'mood')?.default, "'happy'::mood");
    assert.equal(snap.tables.find((t) => t.name === 'owners')?.columns.find((c) => c.name === 'name')?.collation, 'C');
    assert.equal(snap.tables.find((t) => t.name === 'events')?.partitioned, true);
    assert.deepEqual(snap.constraints.filter((c) => c.table === 'pets').map((c) => c.name),
      ['pets_owner_id_fkey', 'pets_owner_id_mood_key', 'pets_pkey', 'pets_weight_check']);
    // Indexes behind PRIMARY KEY / UNIQUE are the constraints' business.
    assert.deepEqual(snap.indexes.map((i) => i.name), ['pets_weight_idx']);
    assert.deepEqual(snap.triggers.map((t) => t.name), ['pets_bump']);
    // The identity sequence is part of its column; the serial's is owned by owners.id.
    assert.deepEqual(snap.sequences.map((q) => [q.name, q.start, q.increment, q.ownedBy]),
      [['invoice_numbers', '1000', '10', null], ['owners_id_seq', '1', '1', 'owners.id']]);
    assert.deepEqual(snap.views.map((v) => [v.name, v.materialized]), [['heavy_pets', false], ['pet_counts', true]]);
    assert.deepEqual(snap.enums, [{ name: 'mood', labels: ['happy', "it's complicated"] }]);
    assert.deepEqual(snap.functions.map((f) => f.signature), ['bump()']);
    const json = JSON.stringify(snap);
    assert.ok(!/alembic_version/.test(json), 'excluded tables leave no trace');
    assert.equal(JSON.stringify(await snapshotOf(url, true)), json, 'reading twice gives the same JSON');
  });

  it('two databases made alike compare equal; each kind of change is one entry', async () => {
    const a = await freshDatabaseUrl('mc_snapshot_a');
    const b = await freshDatabaseUrl('mc_snapshot_b');
    await sql(a, EVERY_KIND_DDL);
    await sql(b, EVERY_KIND_DDL);
    // Row data and sequence positions are not schema.
    await sql(b, "INSERT INTO owners (name) VALUES ('x'); SELECT nextval('invoice_numbers')");
    assert.deepEqual(diffSchemas(await snapshotOf(a), await snapshotOf(b)), []);

    await sql(b, `
      ALTER TYPE mood ADD VALUE 'sleepy';
      ALTER SEQUENCE invoice_numbers INCREMENT 5;
      ALTER TABLE owners ALTER COLUMN name DROP NOT NULL;
      ALTER TABLE pets DROP CONSTRAINT pets_weight_check;
      DROP INDEX pets_weight_idx; CREATE INDEX pets_weight_idx ON pets (weight);
      DROP TRIGGER pets_bump ON pets;
      CREATE OR REPLACE VIEW heavy_pets AS SELECT id, weight FROM pets WHERE weight > 20;
      CREATE OR REPLACE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
      DROP TABLE events;
      CREATE TABLE extra_table (id int);
    `);
    assert.deepEqual(diffSchemas(await snapshotOf(a), await snapshotOf(b)).map((e) => `${e.kind} ${e.name} ${e.change}`), [
      'table events missing',
      'table extra_table extra',
      'column owners.name changed',
      'constraint pets.pets_weight_check missing',
      'index pets.pets_weight_idx changed',
      'trigger pets.pets_bump missing',
      'sequence invoice_numbers changed',
      'view heavy_pets changed',
      'enum mood changed',
      'function bump() changed',
    ]);
  });
});
