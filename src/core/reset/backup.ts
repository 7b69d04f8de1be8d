// The optional backup before a reset: `pg_dump` to a file, when pg_dump is on PATH and can read this
// server. pg_dump refuses servers newer than itself (Debian 12's pg_dump 15 against PostgreSQL 18):
// that is detected up front and said plainly, instead of surfacing pg_dump's own message mid-reset.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClientBase } from 'pg';
import { serverMajorVersion } from '../db/table-catalog';
import { splitPassword } from '../db/client';
import { MigrationChainError } from '../errors';

export interface BackupResult {
  file: string;
  pgDump: string;
  bytes: number;
}

/** The reason a backup cannot be made, or undefined when pg_dump can back up this server. */
export async function backupProblem(client: ClientBase, pgDump: string | undefined): Promise<string | undefined> {
  if (!pgDump) return 'pg_dump was not found on PATH';
  const version = await pgDumpMajorVersion(pgDump);
  if (version === undefined) return `${pgDump} --version did not report a version`;
  const server = await serverMajorVersion(client);
  if (version < server) {
    return `pg_dump ${version} (${pgDump}) cannot back up a PostgreSQL ${server} server: pg_dump refuses servers newer than itself. Install pg_dump ${server} or newer (e.g. the postgresql-client-${server} package)`;
  }
  return undefined;
}

export function findPgDump(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, process.platform === 'win32' ? 'pg_dump.exe' : 'pg_dump');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function pgDumpMajorVersion(pgDump: string): Promise<number | undefined> {
  const out = await run(pgDump, ['--version'], process.env).catch(() => '');
  const m = /\(PostgreSQL\)\s+(\d+)/.exec(out) ?? /(\d+)\.\d+/.exec(out);
  return m ? Number(m[1]) : undefined;
}

export async function runPgDump(pgDump: string, url: string, file: string): Promise<BackupResult> {
  const { url: bare, password } = splitPassword(url);
  const env = { ...process.env, PGAPPNAME: 'migration-chain (backup)', ...(password ? { PGPASSWORD: password } : {}) };
  try {
    await run(pgDump, ['--no-password', '--format=plain', '--file', file, '--dbname', bare], env);
  } catch (err) {
    const raw = (err as { stderr?: string }).stderr ?? (err as Error).message ?? '';
    const scrubbed = password ? raw.split(password).join('****') : raw;
    throw new MigrationChainError('io', `pg_dump failed; nothing was changed: ${scrubbed.trim().split('\n').slice(-3).join(' ')}`,
      'Fix the backup problem, or run the reset without a backup file.');
  }
  return { file, pgDump, bytes: fs.statSync(file).size };
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        // execFile's error type drops Error from its declared type (Omit<…>); it is an Error at run time.
        const failure: Error & { stderr: string } = Object.assign(err, { stderr });
        reject(failure);
      }
      else resolve(stdout);
    });
  });
}
