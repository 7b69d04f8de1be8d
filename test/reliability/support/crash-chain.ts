// The crash-chain fixture: 30 native .sql migrations, each several statements (tables, columns,
// indexes, constraints, data) with a pg_sleep in the middle so that a kill lands inside a migration,
// and one row in `chain_side_effects` per applied migration (counted by the concurrency test).
// The files in test/fixtures/crash-chain/ are this generator's output, committed; a test checks
// that they still match, and `node out/test/reliability/support/crash-chain.js --write` rewrites them.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './cli';

export const CRASH_CHAIN_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'crash-chain');
export const CRASH_CHAIN_LENGTH = 30;
export const SIDE_EFFECT_TABLE = 'chain_side_effects';

export function crashRevision(n: number): string {
  return createHash('sha256').update(`crash-chain-${n}`).digest('hex').slice(0, 12);
}

/** Revisions in chain order (base first). */
export const CRASH_CHAIN_REVISIONS: readonly string[] = Array.from({ length: CRASH_CHAIN_LENGTH }, (_, i) => crashRevision(i + 1));

const t = (n: number) => `t${String(n).padStart(2, '0')}`;

function upgradeOf(n: number): string[] {
  const me = t(n);
  const prev = t(n - 1);
  const rev = crashRevision(n);
  const s: string[] = [];
  if (n === 1) {
    s.push(`CREATE TABLE ${SIDE_EFFECT_TABLE} (
    id bigserial PRIMARY KEY,
    revision varchar(32) NOT NULL,
    backend_pid integer NOT NULL DEFAULT pg_backend_pid(),
    applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
);`);
  }
  s.push(`CREATE TABLE ${me} (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    qty integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);`);
  s.push(`INSERT INTO ${me} (name, qty) SELECT 'row ' || g, g FROM generate_series(1, 40) AS g;`);
  s.push(`CREATE INDEX ${me}_name_idx ON ${me} (name);`);
  s.push(`SELECT pg_sleep(0.02);`);
  if (n > 1) {
    s.push(`ALTER TABLE ${prev} ADD COLUMN next_id bigint;`);
    s.push(`UPDATE ${prev} SET next_id = (SELECT min(id) FROM ${me});`);
    s.push(`ALTER TABLE ${prev} ADD CONSTRAINT ${prev}_next_fk FOREIGN KEY (next_id) REFERENCES ${me} (id);`);
  }
  s.push(`ALTER TABLE ${me} ADD CONSTRAINT ${me}_qty_check CHECK (qty >= 0);`);
  if (n % 3 === 0) {
    s.push(`ALTER TABLE ${me} ADD COLUMN code varchar(20);`);
    s.push(`UPDATE ${me} SET code = 'C' || id;`);
    s.push(`ALTER TABLE ${me} ALTER COLUMN code SET NOT NULL;`);
    s.push(`CREATE UNIQUE INDEX ${me}_code_key ON ${me} (code);`);
  }
  if (n % 5 === 0) {
    s.push(`ALTER TABLE ${t(n - 2)} RENAME COLUMN qty TO quantity;`);
    s.push(`ALTER TABLE ${t(n - 2)} ALTER COLUMN name TYPE varchar(200);`);
  }
  s.push(`INSERT INTO ${SIDE_EFFECT_TABLE} (revision) VALUES ('${rev}');`);
  return s;
}

function downgradeOf(n: number): string[] {
  const me = t(n);
  const prev = t(n - 1);
  const rev = crashRevision(n);
  const s: string[] = [`DELETE FROM ${SIDE_EFFECT_TABLE} WHERE revision = '${rev}';`];
  if (n % 5 === 0) {
    s.push(`ALTER TABLE ${t(n - 2)} ALTER COLUMN name TYPE text;`);
    s.push(`ALTER TABLE ${t(n - 2)} RENAME COLUMN quantity TO qty;`);
  }
  if (n > 1) s.push(`ALTER TABLE ${prev} DROP COLUMN next_id;`);
  s.push(`DROP TABLE ${me};`);
  if (n === 1) s.push(`DROP TABLE ${SIDE_EFFECT_TABLE};`);
  return s;
}

/** File name -> content for the whole chain. */
export function crashChainFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (let n = 1; n <= CRASH_CHAIN_LENGTH; n++) {
    const header = [`-- revision: ${crashRevision(n)}`];
    if (n > 1) header.push(`-- down_revision: ${crashRevision(n - 1)}`);
    header.push(`-- message: crash chain step ${n}`);
    const text = [
      ...header,
      '',
      '-- migrate:upgrade',
      ...upgradeOf(n),
      '',
      '-- migrate:downgrade',
      ...downgradeOf(n),
      '',
    ].join('\n');
    files.set(`${crashRevision(n)}_step_${String(n).padStart(2, '0')}.sql`, text);
  }
  return files;
}

/** Names of files whose content differs from the generator (missing, changed or extra). */
export function staleCrashChainFiles(dir = CRASH_CHAIN_DIR): string[] {
  const expected = crashChainFiles();
  const present = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.sql')) : [];
  const stale = present.filter((f) => expected.get(f) !== fs.readFileSync(path.join(dir, f), 'utf8'));
  for (const name of expected.keys()) if (!present.includes(name)) stale.push(name);
  return stale.sort();
}

export function writeCrashChain(dir = CRASH_CHAIN_DIR): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(dir)) if (f.endsWith('.sql')) fs.rmSync(path.join(dir, f));
  for (const [name, text] of crashChainFiles()) fs.writeFileSync(path.join(dir, name), text);
}

if (require.main === module && process.argv.includes('--write')) {
  writeCrashChain();
  console.log(`wrote ${CRASH_CHAIN_LENGTH} migrations to ${CRASH_CHAIN_DIR}`);
}
