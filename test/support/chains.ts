// Small migration chains written to a temporary folder, for database tests that need a shape the
// on-disk fixtures do not have (branches, sleeps, side effects). Removed after the run.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { loadChain, type Chain } from '../../src/core';

export interface SqlMigrationSpec {
  revision: string;
  down?: string | string[];
  message?: string;
  upgrade: string;
  /** Omit for an irreversible migration. */
  downgrade?: string;
  verify?: string;
  transactional?: boolean;
}

export function sqlMigration(spec: SqlMigrationSpec): string {
  const down = spec.down === undefined ? 'none' : Array.isArray(spec.down) ? spec.down.join(', ') : spec.down;
  const lines = [
    `-- revision: ${spec.revision}`,
    `-- down_revision: ${down}`,
    `-- message: ${spec.message ?? spec.revision}`,
  ];
  if (spec.transactional === false) lines.push('-- transactional: false');
  lines.push('', '-- migrate:upgrade', spec.upgrade.trim(), '');
  if (spec.downgrade !== undefined) lines.push('-- migrate:downgrade', spec.downgrade.trim(), '');
  if (spec.verify !== undefined) lines.push('-- migrate:verify', spec.verify.trim(), '');
  return lines.join('\n');
}

const created: string[] = [];

/** Writes `files` (name -> text) to a fresh folder and returns it. */
export function writeChainDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migration-chain-fixture-'));
  created.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** Writes the migrations and loads them as a chain, failing loudly on any chain error. */
export async function chainOf(specs: SqlMigrationSpec[]): Promise<Chain> {
  const dir = writeChainDir(Object.fromEntries(specs.map((s) => [`${s.revision}.sql`, sqlMigration(s)])));
  return loadClean(dir);
}

export async function loadClean(dir: string): Promise<Chain> {
  const chain = await loadChain(dir);
  const errors = chain.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`fixture chain in ${dir} has errors: ${JSON.stringify(errors)}`);
  return chain;
}

export function removeFixtureDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Runs one statement on `url` with a throwaway client. */
export async function sql<T = Record<string, unknown>>(url: string, text: string, params?: unknown[]): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function tablesOf(url: string, schema = 'public'): Promise<string[]> {
  const rows = await sql<{ table_name: string }>(url,
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`, [schema]);
  return rows.map((r) => r.table_name);
}

export async function versionRows(url: string, table = '"alembic_version"'): Promise<string[]> {
  const rows = await sql<{ version_num: string }>(url, `SELECT version_num FROM ${table} ORDER BY version_num`);
  return rows.map((r) => r.version_num);
}

/** A logger that keeps every line, to assert on what a run said (and that no password was said). */
export function memoryLogger(): { lines: string[]; info(m: string): void; warn(m: string): void; error(m: string): void; debug(m: string): void } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
    debug: (m) => lines.push(`debug ${m}`),
  };
}
