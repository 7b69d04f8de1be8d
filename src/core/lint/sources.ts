// Where the linter's statements come from. A `.sql` migration's upgrade section is split here;
// an Alembic `.py` revision gives its SQL through Alembic's offline mode, mapped to the revision's
// file by the caller (`statementsFromSql` with the line the SQL belongs to).
import { hasSqlText } from '../chain/formats';
import type { Migration } from '../chain/model';
import { splitSqlStatements } from '../sql/split';
import type { LintStatement } from './model';

/** The statements of a block of SQL that starts at `line`/`column` of `file`. */
export function statementsFromSql(sql: string, at: { file: string; line: number; column?: number; revision?: string; transactional: boolean }): LintStatement[] {
  return splitSqlStatements(sql).map((s) => {
    const lineStart = sql.lastIndexOf('\n', s.offset - 1) + 1;
    const column = s.offset - lineStart + (s.line === 1 ? at.column ?? 0 : 0);
    return {
      sql: s.text,
      file: at.file,
      line: at.line + s.line - 1,
      column,
      ...(at.revision ? { revision: at.revision } : {}),
      transactional: at.transactional,
    };
  });
}

/** The upgrade statements of a `.sql` migration ([] for other formats: see statementsFromSql). */
export function upgradeStatements(m: Migration): LintStatement[] {
  if (!hasSqlText(m) || !m.upgrade) return [];
  return statementsFromSql(m.upgrade.text, { file: m.file, line: m.upgrade.line, revision: m.revision, transactional: m.transactional });
}
