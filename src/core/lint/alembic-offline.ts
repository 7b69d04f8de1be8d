// Alembic `.py` revisions lint through Alembic's offline SQL. One `alembic upgrade START:heads --sql`
// prints every revision's statements after a `-- Running upgrade X -> Y` comment, so one process
// serves the whole pending range. A revision whose upgrade() needs a connection (inspection,
// op.get_bind()) stops Alembic in that revision: it is reported as not linted with Alembic's reason
// and the next run starts after it. Which `op.*` call printed which statement is not in the output,
// so every statement of a revision is placed on its `def upgrade` and spans the function: a
// suppression comment anywhere in upgrade() applies to the revision's statements.
import type { Chain } from '../chain/chain';
import type { Migration } from '../chain/model';
import { CancelledError, MigrationChainError } from '../errors';
import { AlembicFailedError, displayCommand, runAlembicProcess } from '../alembic/process';
import { DEFAULT_ENV_VARIABLE, type AlembicOptions } from '../alembic/run';
import { secretFormsOf } from '../secrets';
import type { LintStatement, Suppression } from './model';
import { statementsFromSql } from './sources';
import { readSuppressions } from './suppressions';

/** How to start the project's Alembic; the URL is optional (offline mode needs only the dialect). */
export type OfflineAlembic = Pick<AlembicOptions, 'project' | 'command' | 'envVariable' | 'signal' | 'logger'> & { url?: string };

export interface OfflineSection {
  revision: string;
  sql: string;
}

export interface PyLintInput {
  statements: LintStatement[];
  suppressions: Suppression[];
  notLinted: { revision: string; file: string; line: number; reason: string }[];
}

const RUNNING = /^-- Running upgrade (.*) -> (\S+)\s*$/;
/** Alembic's own statements: the transaction around the run and the version-table bookkeeping. */
const BOOKKEEPING = [
  /^(BEGIN|COMMIT)$/i,
  /^CREATE TABLE \S+ \(\s*version_num VARCHAR/i,
  /^INSERT INTO \S+ \(version_num\) VALUES/i,
  /^UPDATE \S+ SET version_num=/i,
  /^DELETE FROM \S+ WHERE \S+\.version_num = /i,
];

/** The SQL after each `-- Running upgrade X -> Y` comment, keyed by Y, in output order. */
export function splitOfflineSql(stdout: string): OfflineSection[] {
  const sections: OfflineSection[] = [];
  let current: { revision: string; lines: string[] } | undefined;
  const close = () => { if (current) sections.push({ revision: current.revision, sql: current.lines.join('\n') }); };
  for (const line of stdout.split(/\r?\n/)) {
    const m = RUNNING.exec(line);
    if (m) {
      close();
      current = { revision: m[2], lines: [] };
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

/** The revision's statements, placed on its upgrade function, and the file's suppressions. */
function pyRevisionInput(m: Migration, fileText: string, sql: string): Pick<PyLintInput, 'statements' | 'suppressions'> {
  const fn = upgradeFunction(fileText);
  const statements = statementsFromSql(sql, { file: m.file, line: fn.line, revision: m.revision, transactional: m.transactional })
    .filter((s) => !isBookkeeping(s.sql))
    .map((s) => ({ ...s, line: fn.line, column: 0, end: { line: fn.endLine, column: fn.endColumn } }));
  return { statements, suppressions: readSuppressions(m.file, fileText, 1, '#') };
}

/** Lines of `def upgrade(...)` to its last line of code (1-based); line 1 when there is none. */
export function upgradeFunction(text: string): { line: number; endLine: number; endColumn: number } {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /^(async\s+)?def\s+upgrade\s*\(/.test(l));
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

/**
 * Alembic's offline SQL for `revisions` (`.py` ones of the chain, in run order), as lint input.
 * `resolve` gives how to start Alembic; when it throws (no Alembic found), every revision is
 * reported as not linted with that reason.
 */
export async function offlinePyInput(chain: Chain, revisions: readonly string[], resolve: () => OfflineAlembic, readFile: (file: string) => Promise<string>): Promise<PyLintInput> {
  const out: PyLintInput = { statements: [], suppressions: [], notLinted: [] };
  const wanted = revisions.map((r) => chain.graph.get(r)).filter((m): m is Migration => m?.format === 'py');
  if (!wanted.length) return out;
  const texts = new Map<string, string>();
  for (const m of wanted) texts.set(m.revision, await readFile(m.file));
  const done = new Set<string>();
  const skip = (m: Migration, reason: string) => {
    out.notLinted.push({ revision: m.revision, file: m.file, line: upgradeFunction(texts.get(m.revision) ?? '').line, reason });
    done.add(m.revision);
  };
  let alembic: OfflineAlembic;
  try {
    alembic = resolve();
  } catch (err) {
    if (!(err instanceof MigrationChainError)) throw err;
    for (const m of wanted) skip(m, `Alembic's offline SQL is not available: ${err.message}`);
    return out;
  }
  for (;;) {
    const next = wanted.find((m) => !done.has(m.revision));
    if (!next) return out;
    const range = `${next.downRevisions[0] ?? 'base'}:heads`;
    const run = await offlineRun(alembic, range);
    for (const section of splitOfflineSql(run.stdout).slice(0, run.failure ? -1 : undefined)) {
      const m = wanted.find((w) => w.revision === section.revision);
      if (!m || done.has(m.revision)) continue;
      const input = pyRevisionInput(m, texts.get(m.revision) ?? '', section.sql);
      out.statements.push(...input.statements);
      out.suppressions.push(...input.suppressions);
      done.add(m.revision);
    }
    if (!run.failure) {
      if (!done.has(next.revision)) skip(next, `alembic upgrade ${range} --sql printed no SQL for this revision`);
      continue;
    }
    const stoppedIn = splitOfflineSql(run.stdout).at(-1)?.revision;
    const failed = wanted.find((w) => w.revision === stoppedIn && !done.has(w.revision));
    if (failed) {
      skip(failed, `its upgrade() cannot run in Alembic's offline mode (alembic upgrade ${range} --sql): ${run.failure}`);
    } else if (stoppedIn === undefined) {
      // Stopped before any revision: env.py itself cannot run offline, for every revision alike.
      for (const m of wanted) if (!done.has(m.revision)) skip(m, `env.py cannot run in Alembic's offline mode (alembic upgrade ${range} --sql): ${run.failure}`);
    } else if (!done.has(next.revision)) {
      skip(next, `alembic upgrade ${range} --sql stopped in revision ${stoppedIn}: ${run.failure}`);
    }
  }
}

/** One offline run: its stdout, and Alembic's last error line when it failed. */
async function offlineRun(o: OfflineAlembic, range: string): Promise<{ stdout: string; failure?: string }> {
  const argv = [...o.command.argv, '-c', o.project.iniFile, 'upgrade', range, '--sql'];
  const stdout: string[] = [];
  o.logger?.debug(`▶ ${displayCommand(argv)}  (in ${o.project.dir}; Alembic from ${o.command.source})`);
  try {
    const r = await runAlembicProcess({
      argv,
      cwd: o.project.dir,
      env: o.url ? { [o.envVariable ?? DEFAULT_ENV_VARIABLE]: o.url } : {},
      secrets: secretFormsOf(o.url, process.env),
      onLine: (line, stream) => { if (stream === 'stdout') stdout.push(line); },
      signal: o.signal,
    });
    o.logger?.debug(`✔ alembic upgrade ${range} --sql (${(r.durationMs / 1000).toFixed(2)} s)`);
    return { stdout: r.stdout };
  } catch (err) {
    if (err instanceof CancelledError || !(err instanceof MigrationChainError)) throw err;
    const reason = err instanceof AlembicFailedError ? err.detail.trim().split('\n').at(-1) ?? err.how : err.message;
    o.logger?.debug(`✘ alembic upgrade ${range} --sql stopped: ${reason}`);
    return { stdout: stdout.join('\n'), failure: reason };
  }
}
