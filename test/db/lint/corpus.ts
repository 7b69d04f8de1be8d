// The lock-model corpus: statements whose predicted locks, rewrites, scans and transaction safety
// test/db/lint-corpus.test.ts checks against the real server. Every case runs in a fresh schema
// holding BASE (two tables with rows, an index), then its own `setup`, then the statement.
// `rules` lists the lint rules the statement must trigger there (none listed: none may fire).

export const BASE = `
CREATE TABLE plans (id int PRIMARY KEY, name text);
CREATE TABLE accounts (id bigint PRIMARY KEY, email varchar(100), note text, plan_id int, created timestamp);
INSERT INTO plans SELECT g, 'plan ' || g FROM generate_series(1, 10) g;
INSERT INTO accounts SELECT g, 'a' || g || '@example.com', NULL, 1 + g % 10, now() FROM generate_series(1, 200) g;
CREATE INDEX accounts_email_idx ON accounts (email);
ANALYZE plans; ANALYZE accounts;
`;

export interface CorpusCase {
  name: string;
  setup?: string;
  sql: string;
  rules?: string[];
  minMajor?: number;
}

const FK = 'ALTER TABLE accounts ADD CONSTRAINT accounts_plan_fk FOREIGN KEY (plan_id) REFERENCES plans (id)';
const EVENTS = `CREATE TABLE events (id int, at int) PARTITION BY RANGE (at);
CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (100);
INSERT INTO events SELECT g, g FROM generate_series(0, 99) g;`;

export const CORPUS: CorpusCase[] = [
  { name: 'create index', sql: 'CREATE INDEX accounts_note_idx ON accounts (note)', rules: ['require-concurrent-index'] },
  { name: 'create unique index', sql: 'CREATE UNIQUE INDEX accounts_email_uidx ON accounts (email)', rules: ['require-concurrent-index'] },
  { name: 'create index concurrently', sql: 'CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note)' },
  { name: 'add foreign key', sql: FK, rules: ['foreign-key-validates'] },
  { name: 'add foreign key not valid', sql: `${FK} NOT VALID` },
  { name: 'validate foreign key', setup: `${FK} NOT VALID`, sql: 'ALTER TABLE accounts VALIDATE CONSTRAINT accounts_plan_fk' },
  { name: 'drop foreign key', setup: FK, sql: 'ALTER TABLE accounts DROP CONSTRAINT accounts_plan_fk', rules: ['require-lock-timeout'] },
  { name: 'add check', sql: "ALTER TABLE accounts ADD CONSTRAINT accounts_email_check CHECK (email <> '')", rules: ['check-validates', 'require-lock-timeout'] },
  { name: 'add check not valid', sql: "ALTER TABLE accounts ADD CONSTRAINT accounts_email_check CHECK (email <> '') NOT VALID", rules: ['require-lock-timeout'] },
  { name: 'validate check', setup: "ALTER TABLE accounts ADD CONSTRAINT accounts_email_check CHECK (email <> '') NOT VALID", sql: 'ALTER TABLE accounts VALIDATE CONSTRAINT accounts_email_check' },
  { name: 'set not null', sql: 'ALTER TABLE accounts ALTER COLUMN email SET NOT NULL', rules: ['set-not-null-scans', 'require-lock-timeout'] },
  {
    name: 'set not null proven by a valid check',
    setup: 'ALTER TABLE accounts ADD CONSTRAINT accounts_email_nn CHECK (email IS NOT NULL)',
    sql: 'ALTER TABLE accounts ALTER COLUMN email SET NOT NULL',
    rules: ['require-lock-timeout'],
  },
  { name: 'drop not null', setup: 'ALTER TABLE accounts ALTER COLUMN email SET NOT NULL', sql: 'ALTER TABLE accounts ALTER COLUMN email DROP NOT NULL', rules: ['require-lock-timeout'] },
  { name: 'column type change rewrites', sql: 'ALTER TABLE accounts ALTER COLUMN plan_id TYPE bigint', rules: ['column-type-rewrites', 'require-lock-timeout'] },
  { name: 'column type narrowing rewrites', sql: 'ALTER TABLE accounts ALTER COLUMN email TYPE varchar(50)', rules: ['column-type-rewrites', 'require-lock-timeout'] },
  { name: 'varchar widening', sql: 'ALTER TABLE accounts ALTER COLUMN email TYPE varchar(200)', rules: ['require-lock-timeout'] },
  { name: 'varchar to text', sql: 'ALTER TABLE accounts ALTER COLUMN email TYPE text', rules: ['require-lock-timeout'] },
  { name: 'add nullable column', sql: 'ALTER TABLE accounts ADD COLUMN nickname text', rules: ['require-lock-timeout'] },
  { name: 'add column with constant default', sql: "ALTER TABLE accounts ADD COLUMN status text DEFAULT 'active'", rules: ['require-lock-timeout'] },
  { name: 'add not null column with default', sql: "ALTER TABLE accounts ADD COLUMN status text NOT NULL DEFAULT 'active'", rules: ['require-lock-timeout'] },
  { name: 'add column default now()', sql: 'ALTER TABLE accounts ADD COLUMN seen timestamptz DEFAULT now()', rules: ['require-lock-timeout'] },
  { name: 'add column volatile default', sql: 'ALTER TABLE accounts ADD COLUMN r float8 DEFAULT random()', rules: ['add-column-rewrites', 'require-lock-timeout'] },
  { name: 'add bigserial column', sql: 'ALTER TABLE accounts ADD COLUMN seq bigserial', rules: ['add-column-rewrites', 'require-lock-timeout'] },
  { name: 'add identity column', sql: 'ALTER TABLE accounts ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY', rules: ['add-column-rewrites', 'require-lock-timeout'] },
  { name: 'add stored generated column', sql: 'ALTER TABLE accounts ADD COLUMN lower_email text GENERATED ALWAYS AS (lower(email)) STORED', rules: ['add-column-rewrites', 'require-lock-timeout'] },
  { name: 'add virtual generated column', minMajor: 18, sql: 'ALTER TABLE accounts ADD COLUMN lower_email text GENERATED ALWAYS AS (lower(email))', rules: ['require-lock-timeout'] },
  { name: 'add column with foreign key', sql: 'ALTER TABLE accounts ADD COLUMN plan2 int REFERENCES plans (id)', rules: ['require-lock-timeout'] },
  { name: 'add unique constraint', sql: 'ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE (email)', rules: ['unique-builds-index', 'require-lock-timeout'] },
  {
    name: 'add unique constraint using index',
    setup: 'CREATE UNIQUE INDEX accounts_email_uidx ON accounts (email)',
    sql: 'ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE USING INDEX accounts_email_uidx',
    rules: ['require-lock-timeout'],
  },
  {
    name: 'add primary key',
    setup: 'CREATE TABLE tags (id int NOT NULL, name text); INSERT INTO tags SELECT g, g::text FROM generate_series(1, 50) g',
    sql: 'ALTER TABLE tags ADD PRIMARY KEY (id)',
    rules: ['unique-builds-index', 'require-lock-timeout'],
  },
  { name: 'drop column', sql: 'ALTER TABLE accounts DROP COLUMN note', rules: ['require-lock-timeout'] },
  { name: 'set default', sql: "ALTER TABLE accounts ALTER COLUMN note SET DEFAULT ''", rules: ['require-lock-timeout'] },
  { name: 'rename column', sql: 'ALTER TABLE accounts RENAME COLUMN note TO remark', rules: ['require-lock-timeout'] },
  { name: 'rename table', sql: 'ALTER TABLE accounts RENAME TO customers', rules: ['require-lock-timeout'] },
  { name: 'set statistics', sql: 'ALTER TABLE accounts ALTER COLUMN email SET STATISTICS 500' },
  { name: 'set fillfactor', sql: 'ALTER TABLE accounts SET (fillfactor = 90)' },
  { name: 'set autovacuum parameter', sql: 'ALTER TABLE accounts SET (autovacuum_vacuum_scale_factor = 0.01)' },
  { name: 'set storage', sql: 'ALTER TABLE accounts ALTER COLUMN note SET STORAGE EXTERNAL', rules: ['require-lock-timeout'] },
  { name: 'set unlogged', sql: 'ALTER TABLE plans SET UNLOGGED', rules: ['table-rewrite', 'require-lock-timeout'] },
  { name: 'replica identity full', sql: 'ALTER TABLE accounts REPLICA IDENTITY FULL', rules: ['require-lock-timeout'] },
  { name: 'enable row level security', sql: 'ALTER TABLE accounts ENABLE ROW LEVEL SECURITY', rules: ['require-lock-timeout'] },
  { name: 'disable triggers', sql: 'ALTER TABLE accounts DISABLE TRIGGER ALL' },
  {
    name: 'create trigger',
    setup: "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'",
    sql: 'CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch()',
  },
  {
    name: 'drop trigger',
    setup: "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'; CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch()",
    sql: 'DROP TRIGGER accounts_touch ON accounts',
    rules: ['require-lock-timeout'],
  },
  { name: 'create policy', sql: 'CREATE POLICY accounts_own ON accounts USING (true)', rules: ['require-lock-timeout'] },
  { name: 'comment on table', sql: "COMMENT ON TABLE accounts IS 'customers'" },
  { name: 'create table with foreign key', sql: 'CREATE TABLE notes (id int, account_id bigint REFERENCES accounts (id))' },
  { name: 'create table like', sql: 'CREATE TABLE accounts_copy (LIKE accounts)' },
  { name: 'create view', sql: 'CREATE VIEW account_emails AS SELECT id, email FROM accounts' },
  {
    name: 'drop table with a foreign key',
    setup: 'CREATE TABLE notes (id int, account_id bigint REFERENCES accounts (id))',
    sql: 'DROP TABLE notes',
    rules: ['require-lock-timeout'],
  },
  { name: 'drop index', sql: 'DROP INDEX accounts_email_idx', rules: ['require-lock-timeout'] },
  { name: 'drop index concurrently', sql: 'DROP INDEX CONCURRENTLY accounts_email_idx' },
  { name: 'truncate', sql: 'TRUNCATE accounts', rules: ['require-lock-timeout'] },
  { name: 'cluster', sql: 'CLUSTER accounts USING accounts_pkey', rules: ['table-rewrite', 'require-lock-timeout'] },
  { name: 'vacuum full', sql: 'VACUUM FULL accounts', rules: ['table-rewrite', 'require-lock-timeout'] },
  { name: 'vacuum', sql: 'VACUUM accounts' },
  { name: 'analyze', sql: 'ANALYZE accounts' },
  { name: 'reindex table', sql: 'REINDEX TABLE accounts' },
  { name: 'reindex concurrently', sql: 'REINDEX TABLE CONCURRENTLY accounts' },
  { name: 'lock table share', sql: 'LOCK TABLE accounts IN SHARE MODE' },
  { name: 'update without where', sql: "UPDATE accounts SET note = 'x'", rules: ['full-table-update'] },
  { name: 'delete with where', sql: 'DELETE FROM accounts WHERE id = 1' },
  { name: 'insert from select', sql: "INSERT INTO accounts (id, email) SELECT id + 1000, name FROM plans" },
  { name: 'create partition', setup: EVENTS, sql: 'CREATE TABLE events_2 PARTITION OF events FOR VALUES FROM (100) TO (200)', rules: ['require-lock-timeout'] },
  {
    name: 'attach partition',
    setup: `${EVENTS}\nCREATE TABLE events_3 (id int, at int); INSERT INTO events_3 VALUES (1, 250);`,
    sql: 'ALTER TABLE events ATTACH PARTITION events_3 FOR VALUES FROM (200) TO (300)',
    rules: ['require-lock-timeout'],
  },
  { name: 'detach partition', setup: EVENTS, sql: 'ALTER TABLE events DETACH PARTITION events_1', rules: ['detach-partition-concurrently', 'require-lock-timeout'] },
  { name: 'detach partition concurrently', setup: EVENTS, sql: 'ALTER TABLE events DETACH PARTITION events_1 CONCURRENTLY' },
  { name: 'enum add value', setup: "CREATE TYPE mood AS ENUM ('calm')", sql: "ALTER TYPE mood ADD VALUE 'tense'" },
  { name: 'alter constraint deferrable', setup: FK, sql: 'ALTER TABLE accounts ALTER CONSTRAINT accounts_plan_fk DEFERRABLE', rules: ['require-lock-timeout'] },
];
