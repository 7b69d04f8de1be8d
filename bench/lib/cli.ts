// Our side of every whole-process figure: the bundled CLI exactly as `npx migration-chain` runs it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { timeProcess } from './measure';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
/** BENCH_CLI names another build of the CLI (e.g. to compare before/after a change). */
export const CLI_BUNDLE = process.env.BENCH_CLI ?? join(REPO_ROOT, 'dist', 'cli.js');

export function cliAvailable(): string | undefined {
  return existsSync(CLI_BUNDLE) ? undefined : `${CLI_BUNDLE} does not exist (npm run build)`;
}

/** Runs `migration-chain <args>`; the database URL goes through DATABASE_URL, never argv. */
export function timeCli(args: string[], opts: { cwd: string; url?: string }): { ms: number; stdout: string } {
  return timeNode(CLI_BUNDLE, args, opts);
}

/** Any Node script as a whole process, with the same environment rules as the CLI. */
export function timeNode(script: string, args: string[], opts: { cwd: string; url?: string; nodeArgs?: string[] }): { ms: number; stdout: string } {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.NODE_OPTIONS; // a profiler or loader from the caller's shell would distort every figure
  // Node 20 reads and parses this CA bundle at every start (about 40 ms on the reference machine),
  // before any user code; no figure uses TLS. The header says when it was set and removed.
  delete env.NODE_EXTRA_CA_CERTS;
  if (opts.url) env.DATABASE_URL = opts.url;
  return timeProcess({ command: process.execPath, args: [...(opts.nodeArgs ?? []), script, ...args], cwd: opts.cwd, env });
}
