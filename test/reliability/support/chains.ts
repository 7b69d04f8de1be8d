// Small throwaway chains written to a temp folder, for the failure paths (SQL error, slow
// migration to hold the lock or to cancel, hostile content).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withClient } from './consistency';

export interface SqlMigrationSpec {
  revision: string;
  parent?: string;
  upgrade: string;
  downgrade?: string;
}

export function writeSqlChain(migrations: readonly SqlMigrationSpec[], prefix = 'mc-reliability-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  migrations.forEach((m, i) => {
    const lines = [`-- revision: ${m.revision}`];
    if (m.parent) lines.push(`-- down_revision: ${m.parent}`);
    lines.push(`-- message: step ${i + 1}`, '', '-- migrate:upgrade', m.upgrade);
    if (m.downgrade !== undefined) lines.push('', '-- migrate:downgrade', m.downgrade);
    fs.writeFileSync(path.join(dir, `${m.revision}_step_${i + 1}.sql`), `${lines.join('\n')}\n`);
  });
  return dir;
}

/** A base that creates a table, then a migration that sleeps `seconds` (long enough to hold the lock or be cancelled). */
export function slowChain(seconds: number): { dir: string; base: string; slow: string } {
  const base = 'a1a1a1a1a1a1';
  const slow = 'b2b2b2b2b2b2';
  const dir = writeSqlChain([
    { revision: base, upgrade: 'CREATE TABLE slow_base (id int);', downgrade: 'DROP TABLE slow_base;' },
    {
      revision: slow,
      parent: base,
      upgrade: `CREATE TABLE slow_step (id int);\nSELECT pg_sleep(${seconds});\nINSERT INTO slow_step VALUES (1);`,
      downgrade: 'DROP TABLE slow_step;',
    },
  ]);
  return { dir, base, slow };
}

/** A chain whose second migration fails with a SQL error after doing some work. */
export function failingChain(): { dir: string; base: string; failing: string } {
  const base = 'c3c3c3c3c3c3';
  const failing = 'd4d4d4d4d4d4';
  const dir = writeSqlChain([
    { revision: base, upgrade: 'CREATE TABLE ok_table (id int);', downgrade: 'DROP TABLE ok_table;' },
    { revision: failing, parent: base, upgrade: 'CREATE TABLE half_done (id int);\nSELECT no_such_column FROM ok_table;', downgrade: 'DROP TABLE half_done;' },
  ]);
  return { dir, base, failing };
}

/** Resolves once a session on the database is running a statement matching `pattern`. */
export async function waitForRunningQuery(url: string, pattern: string, timeoutMs = 20_000): Promise<void> {
  await withClient(url, async (c) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await c.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE $1`,
        [`%${pattern}%`],
      );
      if (r.rowCount) return;
      if (Date.now() > deadline) throw new Error(`no session ran ${pattern} within ${timeoutMs} ms`);
      await new Promise((res) => setTimeout(res, 20));
    }
  });
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
