// Alembic's offline SQL (`alembic upgrade FROM:TO --sql`, `alembic downgrade FROM:TO --sql`) for the
// `.py` revisions of an Alembic project: what "Show SQL", the risk scan before a run, the downgrade
// preview and lint read. Alembic prints each revision's statements after a `-- Running upgrade X -> Y`
// (or `-- Running downgrade Y -> X`) comment, so one process serves a whole range; a revision whose
// function needs a connection (inspection, op.get_bind()) stops Alembic inside it, and the next run
// starts after it. Alembic takes one starting revision only, so a start with several heads is served
// one revision at a time.
import { sqlFromAlembic } from '../../chain/formats';
import * as path from 'node:path';
import type { Chain } from '../../chain/chain';
import type { Direction, Migration } from '../../chain/model';
import { AlembicFailedError, CancelledError, MigrationChainError, WrongDatabaseError, type OfflineFailure } from '../../errors';
import { secretFormsOf } from '../../secrets';
import { splitSqlStatements } from '../../sql/split';
import { displayCommand, runAlembicProcess } from './process';
import { DEFAULT_ENV_VARIABLE, type AlembicOptions } from './locked-run';
import type { Client } from 'pg';
import { connect, describeTarget, parseDatabaseUrl } from '../../db/client';
import { guardEnv, holdSentinel, newSentinelKey, releaseSentinel, wrongDatabaseHint } from './connect-guard';
import { earlyPythonLaunch } from './python-launch';
import { alembicArguments, envPyText, urlChannels } from './url-channels';

/** How to start the project's Alembic; the URL is optional (offline mode needs only the dialect). */
export type OfflineAlembic = Pick<AlembicOptions, 'project' | 'command' | 'envVariable' | 'signal' | 'logger'> & { url?: string };

export interface OfflineSection {
  /** The revision applied (upgrade) or undone (downgrade). */
  revision: string;
  sql: string;
}



const RUNNING = /^-- Running (upgrade|downgrade) (.*) ->\s?(.*?)\s*$/;
/** Alembic's own statements: the transaction around the run and the version-table bookkeeping. */
const BOOKKEEPING = [
  /^(BEGIN|COMMIT)$/i,
  /^CREATE TABLE \S+ \(\s*version_num VARCHAR/i,
  /^INSERT INTO \S+ \(version_num\) VALUES/i,
  /^UPDATE \S+ SET version_num=/i,
  /^DELETE FROM \S+ WHERE \S+\.version_num = /i,
];

/**
 * The SQL after each `-- Running …` comment, keyed by the revision that step runs: Y of
 * `upgrade X -> Y`, Y of `downgrade Y -> X` (a merge's parents sit on the other side of the arrow).
 */
export function splitOfflineSql(stdout: string): OfflineSection[] {
  const sections: OfflineSection[] = [];
  let current: { revision: string; lines: string[] } | undefined;
  const close = () => { if (current) sections.push({ revision: current.revision, sql: current.lines.join('\n') }); };
  for (const line of stdout.split(/\r?\n/)) {
    const m = RUNNING.exec(line);
    if (m) {
      close();
      current = { revision: (m[1] === 'upgrade' ? m[3] : m[2]).trim(), lines: [] };
    } else {
      current?.lines.push(line);
    }
  }
  close();
  return sections;
}

export function isBookkeeping(sql: string): boolean {
  const text = sql.trim();
  return BOOKKEEPING.some((re) => re.test(text));
}

/** Lines of `def NAME(...)` to its last line of code (1-based); line 1 when there is none. */
export function pyFunction(text: string, name: 'upgrade' | 'downgrade'): { line: number; endLine: number; endColumn: number } {
  const lines = text.split(/\r?\n/);
  const head = new RegExp(`^(async\\s+)?def\\s+${name}\\s*\\(`);
  const start = lines.findIndex((l) => head.test(l));
  if (start < 0) return { line: 1, endLine: 1, endColumn: lines[0]?.length ?? 0 };
  let end = start;
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === '' || l.startsWith('#')) continue; // a comment at column 0 neither ends nor extends it
    if (!/^\s/.test(l) && !l.startsWith(')')) break;
    end = i;
  }
  return { line: start + 1, endLine: end + 1, endColumn: lines[end].length };
}

export interface OfflineRun {
  command: string;
  stdout: string;
  /** Alembic's last error line when it failed. */
  failure?: string;
}

/** One `alembic upgrade|downgrade RANGE --sql`: its stdout, and Alembic's reason when it stopped. */
export async function offlineRun(o: OfflineAlembic, direction: Direction, range: string): Promise<OfflineRun> {
  const verb = direction === 'up' ? 'upgrade' : 'downgrade';
  const url = o.url || undefined;
  const alembicArgs = alembicArguments(o.project, url, [verb, range, '--sql']);
  const argv = [...o.command.argv, ...alembicArgs];
  const command = `alembic ${verb} ${range} --sql`;
  const stdout: string[] = [];
  o.logger?.debug(`▶ ${displayCommand(argv)}  (in ${o.project.dir}; Alembic from ${o.command.source})`);
  // Offline mode needs no connection; an env.py that opens one anyway must open it to the database
  // named (connect-guard.ts): the sentinel session connects while Python starts.
  const key = newSentinelKey();
  let own: Client | undefined;
  // Offline SQL needs no reachable database: without the sentinel, any connection env.py opens is refused.
  const gate = url ? (async () => { own = await connect(url, { applicationName: 'migration-chain (connection check)' }); await holdSentinel(own, key); })().catch(() => undefined) : undefined;
  const envVariable = o.envVariable ?? DEFAULT_ENV_VARIABLE;
  try {
    const r = await runAlembicProcess({
      argv,
      gate,
      early: earlyPythonLaunch(o.command.argv, alembicArgs),
      cwd: o.project.dir,
      env: url ? { ...urlChannels(url, envVariable), ...guardEnv(key) } : {},
      secrets: secretFormsOf(url, process.env),
      onLine: (line, stream) => { if (stream === 'stdout') stdout.push(line); },
      signal: o.signal,
      onWrongDatabase: url ? (reached) => new WrongDatabaseError(describeTarget(parseDatabaseUrl(url)), reached, command, wrongDatabaseHint(envPyText(o.project), envVariable)) : undefined,
    });
    o.logger?.debug(`✔ ${command} (${(r.durationMs / 1000).toFixed(2)} s)`);
    return { command, stdout: r.stdout };
  } catch (err) {
    if (err instanceof CancelledError || !(err instanceof MigrationChainError)) throw err;
    // A missing command is not a revision's fault: the caller says Alembic is not available.
    if (!(err instanceof AlembicFailedError)) throw err;
    const reason = err.detail.trim().split('\n').at(-1)?.trim() || err.how;
    o.logger?.debug(`✘ ${command} stopped: ${reason}`);
    return { command, stdout: stdout.join('\n'), failure: reason };
  } finally {
    if (own) { const c = own; void releaseSentinel(c, key).finally(() => c.end().catch(() => {})); }
  }
}

/** env.py of the project whose versions folder is the chain's (Alembic keeps it one level up). */
function envFileOf(chain: Chain): string {
  return path.join(path.dirname(chain.dir), 'env.py');
}

async function failureOf(chain: Chain, m: Migration | undefined, direction: Direction, run: OfflineRun, inEnv: boolean, readFile: (f: string) => Promise<string>): Promise<OfflineFailure> {
  if (inEnv || !m) {
    return { revision: m?.revision ?? '', file: envFileOf(chain), line: 1, command: run.command, reason: run.failure ?? 'no SQL printed', inEnv: true };
  }
  const text = await readFile(m.file).catch(() => '');
  return { revision: m.revision, file: m.file, line: pyFunction(text, direction === 'up' ? 'upgrade' : 'downgrade').line, command: run.command, reason: run.failure ?? 'no SQL printed', inEnv };
}

export interface RevisionSql {
  /** Per revision, the SQL Alembic printed for it (its version-table statements included). */
  sections: Map<string, string>;
  failures: OfflineFailure[];
}

/**
 * Each wanted revision's offline SQL. `revisions` are in run order (parents first up, newest first
 * down). Up, a run starts at the next revision's first parent and goes to `target`; down, at the next
 * revision and goes to `target`; every run keeps the sections of wanted revisions it printed, so a
 * linear range costs one process and a failing revision costs one more.
 */
export async function offlineRevisionSql(
  o: OfflineAlembic, chain: Chain, direction: Direction, revisions: readonly string[], target: string,
  readFile: (file: string) => Promise<string>,
): Promise<RevisionSql> {
  const wanted = revisions.map((r) => chain.graph.get(r)).filter((m): m is Migration => m !== undefined && sqlFromAlembic(m));
  const out: RevisionSql = { sections: new Map(), failures: [] };
  const done = new Set<string>();
  const fail = async (m: Migration | undefined, run: OfflineRun, inEnv: boolean) => {
    const f = await failureOf(chain, m, direction, run, inEnv, readFile);
    out.failures.push(f);
    if (m) done.add(m.revision);
  };
  for (;;) {
    const next = wanted.find((m) => !done.has(m.revision));
    if (!next) return out;
    const range = direction === 'up' ? `${next.downRevisions[0] ?? 'base'}:${target}` : `${next.revision}:${target}`;
    const run = await offlineRun(o, direction, range);
    const printed = splitOfflineSql(run.stdout);
    for (const section of printed.slice(0, run.failure ? -1 : undefined)) {
      if (!wanted.some((w) => w.revision === section.revision) || done.has(section.revision)) continue;
      out.sections.set(section.revision, section.sql);
      done.add(section.revision);
    }
    if (!run.failure) {
      if (!done.has(next.revision)) await fail(next, { ...run, failure: `no SQL printed for ${next.revision}` }, false);
      continue;
    }
    const stoppedIn = printed.at(-1)?.revision;
    if (stoppedIn === undefined) {
      // env.py itself cannot run offline: every remaining revision alike, one process is enough to know.
      for (const m of wanted) if (!done.has(m.revision)) await fail(m, run, true);
      return out;
    }
    const failed = wanted.find((w) => w.revision === stoppedIn && !done.has(w.revision));
    if (failed) await fail(failed, run, false);
    else if (!done.has(next.revision)) await fail(next, { ...run, failure: `stopped in revision ${stoppedIn}: ${run.failure}` }, false);
  }
}

export interface OfflineScript {
  /** The script as Alembic prints it (runs joined; a revision that could not print is a comment). */
  sql: string;
  failures: OfflineFailure[];
}

/**
 * The offline script of an upgrade or downgrade from `from` (recorded heads) to `target`, as Alembic
 * prints it. One start head (or base): `alembic upgrade [FROM:]TARGET --sql`, continued after a
 * revision that cannot run offline. Several start heads, which Alembic cannot take offline: each
 * revision of `revisions` (our plan, in run order) from its own run, without Alembic's version-table
 * statements (they assume a single starting head).
 */
export async function offlineScript(
  o: OfflineAlembic, chain: Chain, direction: Direction, from: readonly string[], target: string, revisions: readonly string[],
  readFile: (file: string) => Promise<string>,
): Promise<OfflineScript> {
  const verb = direction === 'up' ? 'upgrade' : 'downgrade';
  if (from.length > 1) {
    const per = await offlineRevisionSql(o, chain, direction, revisions, target, readFile);
    const parts = [`-- Alembic cannot start offline from several heads (${from.join(', ')}): each revision's SQL comes from its own run; version-table statements left out.`, ''];
    for (const r of revisions) {
      const failure = per.failures.find((f) => f.revision === r);
      parts.push(`-- Running ${verb} ${r}`);
      if (failure) parts.push(failureComment(failure), '');
      else parts.push(withoutBookkeeping(per.sections.get(r) ?? ''), '');
    }
    return { sql: parts.join('\n'), failures: per.failures };
  }
  const failures: OfflineFailure[] = [];
  const parts: string[] = [];
  let start = from[0];
  if (direction === 'down' && start === undefined) return { sql: '-- Nothing to do: no revision is applied.\n', failures };
  for (;;) {
    const range = start === undefined ? target : `${start}:${target}`;
    const run = await offlineRun(o, direction, range);
    const printed = splitOfflineSql(run.stdout);
    // A run after a failure that has nothing left to run prints only BEGIN/COMMIT: not worth showing.
    if (parts.length === 0 || printed.length > 0) parts.push(run.failure ? run.stdout.slice(0, run.stdout.lastIndexOf('-- Running ')).trimEnd() : run.stdout.trimEnd());
    if (!run.failure) break;
    const stoppedIn = printed.at(-1)?.revision;
    const m = stoppedIn === undefined ? undefined : chain.graph.get(stoppedIn);
    const failure = await failureOf(chain, m, direction, run, stoppedIn === undefined, readFile);
    failures.push(failure);
    parts.push('', failureComment(failure), '');
    if (!m) break;
    // Continue as if it had run: up from it, down from its first parent.
    start = direction === 'up' ? m.revision : m.downRevisions[0];
    if (start === undefined) break;
  }
  return { sql: `${parts.join('\n').trim()}\n`, failures };
}

function failureComment(f: OfflineFailure): string {
  const what = f.inEnv ? `env.py (${f.file}) cannot run offline` : `${f.revision} (${f.file}:${f.line}) cannot run offline; its SQL is left out`;
  return `-- !! ${what}: ${f.command} stopped with ${f.reason}`;
}

/** The revision's own statements, without Alembic's transaction and version-table statements. */
export function withoutBookkeeping(sql: string): string {
  return splitSqlStatements(sql).filter((s) => !isBookkeeping(s.text)).map((s) => `${s.text};`).join('\n\n');
}
