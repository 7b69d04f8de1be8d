// Alembic `.py` revisions lint through Alembic's offline SQL (alembic/run/offline-sql.ts, shared with
// Show SQL and the run preview). A revision whose upgrade() needs a connection is reported as not
// linted with Alembic's reason. Which `op.*` call printed which statement is not in the output, so
// every statement of a revision is placed on its `def upgrade` and spans the function: a suppression
// comment anywhere in upgrade() applies to the revision's statements.
import { sqlFromAlembic } from '../chain/formats';
import type { Chain } from '../chain/chain';
import type { Migration } from '../chain/model';
import { MigrationChainError } from '../errors';
import { isBookkeeping, offlineRevisionSql, type OfflineAlembic } from '../alembic/run/offline-sql';
import { pyFunction } from '../chain/parse-python';
import type { LintStatement, Suppression } from './model';
import { statementsFromSql } from './sources';
import { readSuppressions } from './suppressions';

export type { OfflineAlembic } from '../alembic/run/offline-sql';

export interface PyLintInput {
  statements: LintStatement[];
  suppressions: Suppression[];
  notLinted: { revision: string; file: string; line: number; reason: string }[];
}

/** Lines of `def upgrade(...)` to its last line of code (1-based); line 1 when there is none. */
export function upgradeFunction(text: string): { line: number; endLine: number; endColumn: number } {
  return pyFunction(text, 'upgrade');
}

/** The revision's statements, placed on its upgrade function, and the file's suppressions. */
function pyRevisionInput(m: Migration, fileText: string, sql: string): Pick<PyLintInput, 'statements' | 'suppressions'> {
  const fn = upgradeFunction(fileText);
  const statements = statementsFromSql(sql, { file: m.file, line: fn.line, revision: m.revision, transactional: m.transactional })
    .filter((s) => !isBookkeeping(s.sql))
    .map((s) => ({ ...s, line: fn.line, column: 0, end: { line: fn.endLine, column: fn.endColumn } }));
  return { statements, suppressions: readSuppressions(m.file, fileText, 1, '#') };
}

/**
 * Alembic's offline SQL for `revisions` (`.py` ones of the chain, in run order), as lint input.
 * `resolve` gives how to start Alembic; when it throws (no Alembic found), every revision is
 * reported as not linted with that reason.
 */
export async function offlinePyInput(chain: Chain, revisions: readonly string[], resolve: () => OfflineAlembic | Promise<OfflineAlembic>, readFile: (file: string) => Promise<string>): Promise<PyLintInput> {
  const out: PyLintInput = { statements: [], suppressions: [], notLinted: [] };
  const wanted = revisions.map((r) => chain.graph.get(r)).filter((m): m is Migration => m !== undefined && sqlFromAlembic(m));
  if (!wanted.length) return out;
  const texts = new Map<string, string>();
  for (const m of wanted) texts.set(m.revision, await readFile(m.file));
  const read = async (file: string) => {
    const m = wanted.find((w) => w.file === file);
    return m ? texts.get(m.revision) ?? '' : readFile(file);
  };
  let alembic: OfflineAlembic;
  try {
    alembic = await resolve();
  } catch (err) {
    if (!(err instanceof MigrationChainError)) throw err;
    for (const m of wanted) out.notLinted.push({ revision: m.revision, file: m.file, line: upgradeFunction(texts.get(m.revision) ?? '').line, reason: `Alembic's offline SQL is not available: ${err.message}` });
    return out;
  }
  let sql;
  try {
    sql = await offlineRevisionSql(alembic, chain, 'up', wanted.map((m) => m.revision), 'heads', read);
  } catch (err) {
    if (!(err instanceof MigrationChainError) || err.code === 'cancelled') throw err;
    for (const m of wanted) out.notLinted.push({ revision: m.revision, file: m.file, line: upgradeFunction(texts.get(m.revision) ?? '').line, reason: `Alembic's offline SQL is not available: ${err.message}` });
    return out;
  }
  for (const m of wanted) {
    const section = sql.sections.get(m.revision);
    if (section !== undefined) {
      const input = pyRevisionInput(m, texts.get(m.revision) ?? '', section);
      out.statements.push(...input.statements);
      out.suppressions.push(...input.suppressions);
      continue;
    }
    const f = sql.failures.find((x) => x.revision === m.revision);
    const reason = !f ? 'Alembic printed no SQL for this revision'
      : f.inEnv ? `env.py cannot run in Alembic's offline mode (${f.command}): ${f.reason}`
        : `its upgrade() cannot run in Alembic's offline mode (${f.command}): ${f.reason}`;
    out.notLinted.push({ revision: m.revision, file: m.file, line: upgradeFunction(texts.get(m.revision) ?? '').line, reason });
  }
  return out;
}
