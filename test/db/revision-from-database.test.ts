// Generating the next revision from the dev database, against the real server. Ground truth for
// every case of the corpus: a fresh database built by the chain WITH the generated revision has
// exactly the dev database's catalog snapshot, and downgrading it by one gives exactly a build of
// the old head. A case the engine cannot do must be refused with a reason (GenerationRefusedError),
// never written wrong. The corpus table is printed at the end (and reported in the issue).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { loadChain } from '../../src/core/chain/load';
import { revisionFromDatabase } from '../../src/core/authoring/from-database';
import { downgrade, upgrade } from '../../src/core/run/runner';
import { diffSchemas, formatSchemaDiff } from '../../src/core/schema/diff';
import { readSchema, type SchemaSnapshot } from '../../src/core/schema/snapshot';
import { GenerationRefusedError, MigrationChainError } from '../../src/core/errors';
import { describeRun, REPO_ROOT, runCli } from '../reliability/support/cli';
import { freshDatabaseUrl, server } from '../support/db-hooks';

const SEED_DIR = path.join(REPO_ROOT, 'migrations');
const SEED_HEAD = '556b79de2825';
const EXCLUDE = ['alembic_version', 'migration_chain_log'];

async function sql(url: string, text: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try { await c.query(text); } finally { await c.end(); }
}

async function snapshot(url: string): Promise<SchemaSnapshot> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try { return await readSchema(c, 'public', { exclude: EXCLUDE, comments: true, privileges: true }); } finally { await c.end(); }
}

/** A copy of the seed chain in a temporary folder (each case writes its own revision). */
function seedCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-gen-'));
  for (const f of fs.readdirSync(SEED_DIR)) fs.copyFileSync(path.join(SEED_DIR, f), path.join(dir, f));
  return dir;
}

interface Case {
  name: string;
  area: string;
  change: string;
  /** SQL of one more revision on top of the seed, so the change can alter what it creates. */
  base?: string;
}

const BASE_REVISION = 'ba5e00000001';

function writeBase(dir: string, base: string): void {
  fs.writeFileSync(path.join(dir, `${BASE_REVISION}_case_base.sql`), [
    `-- revision: ${BASE_REVISION}`, `-- down_revision: ${SEED_HEAD}`, '-- message: case base', '',
    '-- migrate:upgrade', base, '', '-- migrate:downgrade', '',
  ].join('\n'));
}

/** What people do to a dev database, one area of the catalog each. */
export const CORPUS: Case[] = [
  { area: 'tables', name: 'create table with identity, FK and check', change: `CREATE TABLE tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, prospect_id bigint NOT NULL REFERENCES prospects(id) ON DELETE CASCADE, label text NOT NULL CHECK (label <> ''))` },
  { area: 'tables', name: 'drop table', change: 'DROP TABLE settings' },
  { area: 'columns', name: 'add nullable column', change: 'ALTER TABLE prospects ADD COLUMN phone text' },
  { area: 'columns', name: 'add NOT NULL column with default', change: "ALTER TABLE jobs ADD COLUMN priority integer NOT NULL DEFAULT 5" },
  { area: 'columns', name: 'drop column', change: 'ALTER TABLE prospects DROP COLUMN website' },
  { area: 'columns', name: 'change a column type (text to varchar(500))', change: 'ALTER TABLE email_logs ALTER COLUMN subject TYPE varchar(500)' },
  { area: 'columns', name: 'rename column (seen as drop + add)', change: 'ALTER TABLE prospects RENAME COLUMN company TO company_name' },
  { area: 'defaults', name: 'change a default', change: "ALTER TABLE prospects ALTER COLUMN status SET DEFAULT 'contacted'" },
  { area: 'defaults', name: 'drop a default', change: 'ALTER TABLE jobs ALTER COLUMN attempts DROP DEFAULT' },
  { area: 'NOT NULL', name: 'set NOT NULL', change: 'ALTER TABLE prospects ALTER COLUMN name SET NOT NULL' },
  { area: 'NOT NULL', name: 'drop NOT NULL', change: 'ALTER TABLE jobs ALTER COLUMN type DROP NOT NULL' },
  { area: 'indexes', name: 'create index', change: 'CREATE INDEX prospects_created_at_idx ON prospects (created_at DESC)' },
  { area: 'indexes', name: 'partial expression index', change: "CREATE INDEX jobs_pending_idx ON jobs (run_at) WHERE status = 'pending'" },
  { area: 'indexes', name: 'drop index', change: 'DROP INDEX prospects_status_idx' },
  { area: 'constraints', name: 'add unique constraint', change: 'ALTER TABLE email_logs ADD CONSTRAINT email_logs_message_id_key UNIQUE (message_id)' },
  { area: 'constraints', name: 'add check constraint', change: 'ALTER TABLE jobs ADD CONSTRAINT jobs_attempts_max CHECK (attempts < 100)' },
  { area: 'constraints', name: 'drop check constraint', change: 'ALTER TABLE prospects DROP CONSTRAINT prospects_email_check' },
  { area: 'constraints', name: 'add foreign key', change: 'ALTER TABLE settings ADD COLUMN job_id bigint REFERENCES jobs(id)' },
  { area: 'enums', name: 'create enum and use it', change: "CREATE TYPE priority AS ENUM ('low', 'high'); ALTER TABLE jobs ADD COLUMN prio priority" },
  { area: 'views', name: 'create view', change: "CREATE VIEW open_jobs AS SELECT id, type FROM jobs WHERE status = 'pending'" },
  { area: 'views', name: 'materialized view', change: 'CREATE MATERIALIZED VIEW prospect_counts AS SELECT status, count(*) AS n FROM prospects GROUP BY status' },
  { area: 'functions', name: 'create function', change: 'CREATE FUNCTION job_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM jobs $$' },
  { area: 'triggers', name: 'trigger with its function', change: `CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
      CREATE TRIGGER jobs_touch BEFORE UPDATE ON jobs FOR EACH ROW EXECUTE FUNCTION touch()` },
  { area: 'sequences', name: 'create sequence', change: 'CREATE SEQUENCE invoice_numbers START 1000 INCREMENT 5' },
  { area: 'sequences', name: 'serial column', change: 'ALTER TABLE settings ADD COLUMN seq serial' },
  { area: 'comments', name: 'comment on table', change: "COMMENT ON TABLE jobs IS 'background work'" },
  { area: 'comments', name: 'comment on column', change: "COMMENT ON COLUMN prospects.email IS 'lower-cased on insert'" },
  { area: 'grants', name: 'grant select to PUBLIC', change: 'GRANT SELECT ON prospects TO PUBLIC' },
  { area: 'enums', name: 'add a label to an enum in use', base: "CREATE TYPE mood AS ENUM ('a', 'b'); ALTER TABLE jobs ADD COLUMN mood mood", change: "ALTER TYPE mood ADD VALUE 'c'" },
  { area: 'views', name: 'change a view', base: 'CREATE VIEW job_types AS SELECT DISTINCT type FROM jobs', change: 'CREATE OR REPLACE VIEW job_types AS SELECT DISTINCT type, status FROM jobs' },
  { area: 'functions', name: 'replace a function body', base: 'CREATE FUNCTION answer() RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 41 $$', change: 'CREATE OR REPLACE FUNCTION answer() RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 42 $$' },
  { area: 'sequences', name: 'change a sequence increment', base: 'CREATE SEQUENCE ticket_numbers', change: 'ALTER SEQUENCE ticket_numbers INCREMENT BY 10' },
  { area: 'columns', name: 'change a column collation', change: 'ALTER TABLE prospects ALTER COLUMN name TYPE text COLLATE "C"' },
  { area: 'columns', name: 'generated column', change: "ALTER TABLE prospects ADD COLUMN email_domain text GENERATED ALWAYS AS (split_part(email, '@', 2)) STORED" },
  { area: 'tables', name: 'rename a table (seen as drop + create)', change: 'ALTER TABLE settings RENAME TO app_settings' },
  { area: 'tables', name: 'partitioned table with a partition', change: "CREATE TABLE events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at); CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')" },
  { area: 'grants', name: 'grant to a role', change: 'DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = \'mc_reader\') THEN CREATE ROLE mc_reader; END IF; END $$; GRANT SELECT, INSERT ON jobs TO mc_reader' },
];

interface Outcome { case: Case; result: 'exact' | 'refused' | 'wrong'; detail: string }
const outcomes: Outcome[] = [];

describe('revision --from-database: the diff corpus against the real server', function () {
  this.timeout(120_000);

  for (const c of CORPUS) {
    it(`${c.area}: ${c.name}`, async () => {
      const dir = seedCopy();
      if (c.base) writeBase(dir, c.base);
      const headRevision = c.base ? BASE_REVISION : SEED_HEAD;
      try {
        const chain = await loadChain(dir);
        const dev = await freshDatabaseUrl('mc_gen_dev');
        await upgrade({ chain, url: dev });
        await sql(dev, c.change);
        const wanted = await snapshot(dev);

        let generated;
        try {
          generated = await revisionFromDatabase({ dir, url: dev, message: c.name });
        } catch (err) {
          if (err instanceof GenerationRefusedError) {
            assert.ok(err.reasons.length > 0 && err.reasons.every((r) => r.length > 10), 'a refusal names its reasons');
            assert.equal(fs.readdirSync(dir).length, fs.readdirSync(SEED_DIR).length + (c.base ? 1 : 0), 'a refused revision writes no file');
            outcomes.push({ case: c, result: 'refused', detail: err.reasons[0] });
            return;
          }
          throw err;
        }
        assert.deepEqual(generated.parents, [headRevision]);
        // The dev database was only read.
        assert.deepEqual(diffSchemas(wanted, await snapshot(dev)), []);

        // Ground truth, independent of the rehearsal: build the chain with the new file on a fresh database.
        const after = await loadChain(dir);
        assert.deepEqual(after.graph.heads, [generated.revision]);
        assert.equal(after.graph.get(generated.revision)?.downRevisions[0], headRevision);
        const build = await freshDatabaseUrl('mc_gen_build');
        await upgrade({ chain: after, url: build });
        const upDiff = diffSchemas(wanted, await snapshot(build));
        const head = await freshDatabaseUrl('mc_gen_head');
        await upgrade({ chain, url: head });
        await downgrade({ chain: after, url: build, target: headRevision });
        const downDiff = diffSchemas(await snapshot(head), await snapshot(build));
        const wrong = upDiff.length + downDiff.length > 0;
        outcomes.push({ case: c, result: wrong ? 'wrong' : 'exact', detail: wrong ? formatSchemaDiff([...upDiff, ...downDiff]) : `${generated.upgrade.length} up / ${generated.downgrade.length} down` });
        assert.equal(upDiff.length, 0, `upgrade differs from the dev database:\n${formatSchemaDiff(upDiff)}\n${fs.readFileSync(generated.file, 'utf8')}`);
        assert.equal(downDiff.length, 0, `downgrade differs from the head:\n${formatSchemaDiff(downDiff)}\n${fs.readFileSync(generated.file, 'utf8')}`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  after(() => {
    if (!outcomes.length) return;
    const rows = outcomes.map((o) => `| ${o.case.area} | ${o.case.name} | ${o.result} | ${o.result === 'exact' ? o.detail : o.detail.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
    const count = (r: Outcome['result']) => outcomes.filter((o) => o.result === r).length;
    const table = ['| area | case | result | detail |', '| --- | --- | --- | --- |', ...rows,
      `\ncases ${outcomes.length}, exact ${count('exact')}, refused ${count('refused')}, wrong ${count('wrong')}`].join('\n');
    fs.mkdirSync(path.join(REPO_ROOT, '.test-artifacts'), { recursive: true });
    fs.writeFileSync(path.join(REPO_ROOT, '.test-artifacts', 'revision-corpus.md'), `${table}\n`);
    if (process.env.MC_TEST_VERBOSE) console.log(table);
  });
});

describe('revision --from-database: what it refuses and what it marks', function () {
  this.timeout(120_000);

  it('marks a dropped column as data loss (a comment above it, a warning of the parsed file) and a rename as probable', async () => {
    const dir = seedCopy();
    try {
      const chain = await loadChain(dir);
      const dev = await freshDatabaseUrl('mc_gen_mark');
      await upgrade({ chain, url: dev });
      await sql(dev, 'ALTER TABLE prospects RENAME COLUMN company TO company_name; ALTER TABLE jobs DROP COLUMN error');
      const g = await revisionFromDatabase({ dir, url: dev, message: 'rename company' });
      const text = fs.readFileSync(g.file, 'utf8');
      const lines = text.split('\n');
      assert.equal(g.dataLoss.length, 2, text);
      for (const m of g.dataLoss) {
        assert.match(lines[m.line - 2], /^-- data-loss: /, `the comment sits above line ${m.line}:\n${text}`);
        assert.match(lines[m.line - 1], /drop column/i);
      }
      assert.ok(g.dataLoss.some((m) => /probably a rename to company_name/.test(m.reason) && /RENAME COLUMN company TO company_name/.test(m.reason)), JSON.stringify(g.dataLoss));
      assert.ok(g.dataLoss.some((m) => /drops jobs\.error and its data$/.test(m.reason)), JSON.stringify(g.dataLoss));
      const parsed = (await loadChain(dir)).diagnostics.filter((d) => d.code === 'data-loss');
      assert.deepEqual(parsed.map((d) => d.line).sort(), g.dataLoss.map((m) => m.line).sort());
      assert.ok(parsed.every((d) => d.severity === 'warning' && d.file === g.file));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a dev database that is not at the head, and one without changes, writing nothing', async () => {
    const dir = seedCopy();
    try {
      const chain = await loadChain(dir);
      const behind = await freshDatabaseUrl('mc_gen_behind');
      await upgrade({ chain, url: behind, target: '4b9608290b5d' });
      await assert.rejects(revisionFromDatabase({ dir, url: behind, message: 'x' }),
        (e: MigrationChainError) => e.code === 'usage' && /is at 4b9608290b5d, not at the chain's head 556b79de2825/.test(e.message));
      const same = await freshDatabaseUrl('mc_gen_same');
      await upgrade({ chain, url: same });
      await assert.rejects(revisionFromDatabase({ dir, url: same, message: 'x' }), (e: MigrationChainError) => /^No changes/.test(e.message));
      assert.equal(fs.readdirSync(dir).length, fs.readdirSync(SEED_DIR).length);
      assert.ok(!JSON.stringify(await listScratch()).includes('_mc_revision_'), 'scratch databases are dropped');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('revision --from-database: the command line', function () {
  this.timeout(120_000);

  it('writes the revision, prints its data-loss marks and its lint at once, and exits 0; a dev database behind the new head is refused (exit 2)', async () => {
    const dir = seedCopy();
    try {
      const dev = await freshDatabaseUrl('mc_gen_cli');
      await upgrade({ chain: await loadChain(dir), url: dev });
      await sql(dev, 'ALTER TABLE prospects DROP COLUMN notes; CREATE INDEX prospects_name_idx ON prospects (name)');
      const r = await runCli(['revision', '--from-database', '-m', 'drop notes', '--dir', dir], { env: { DATABASE_URL: dev }, timeoutMs: 90_000 });
      assert.equal(r.code, 0, describeRun(['revision'], r));
      assert.match(r.stdout, /^Created revision [0-9a-f]{12} from /m);
      assert.match(r.stdout, /_drop_notes\.sql:\d+: warning: loses data: the statement drops prospects\.notes and its data \[data-loss\]/);
      // The linter saw the new revision: CREATE INDEX without CONCURRENTLY is a finding of its own rule.
      assert.match(r.stdout, /require-concurrent-index/);
      assert.match(r.stdout, /^lint: 1 revision, 2 statements/m);
      assert.ok(!r.stdout.includes(server().password) && !r.stderr.includes(server().password));
      const files = fs.readdirSync(dir).filter((f) => f.endsWith('_drop_notes.sql'));
      assert.equal(files.length, 1);

      // The dev database was not upgraded (nothing is applied): it is now behind the new head, so the
      // next generation refuses it (exit 2), naming the head.
      const again = await runCli(['revision', '--from-database', '-m', 'again', '--dir', dir], { env: { DATABASE_URL: dev }, timeoutMs: 90_000 });
      assert.equal(again.code, 2, describeRun(['revision'], again));
      assert.match(again.stderr, /not at the chain's head/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function listScratch(): Promise<string[]> {
  const c = new Client({ connectionString: server().adminUrl });
  await c.connect();
  try { return (await c.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((r) => r.datname); } finally { await c.end(); }
}
