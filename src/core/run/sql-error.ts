// A PostgreSQL error raised by a migration, turned into a SqlError that carries the whole server
// error (message, detail, hint, position, context) and the file and line it came from.
import type { Direction, Migration, SqlSection } from '../chain/model';
import { SqlError, type SourceLocation } from '../errors';

/** The fields of a pg DatabaseError we keep (all optional: JS errors have none). */
interface PgErrorLike {
  message?: string;
  code?: string;
  detail?: string;
  hint?: string;
  position?: string;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
  severity?: string;
}

/** True when `err` came from the server (it has a SQLSTATE), as opposed to the driver or a JS migration. */
export function isServerError(err: unknown): boolean {
  const e = err as PgErrorLike | undefined;
  return !!e && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string';
}

/**
 * Maps the 1-based character `position` PostgreSQL reports in `statementText` (which starts at
 * `statementOffset` in `section.text`) to a file line and column.
 */
export function locateInSection(section: SqlSection, statementOffset: number, statementText: string, position?: number): { line: number; column: number } {
  const inStatement = position && position > 0 ? codeUnitIndex(statementText, position - 1) : 0;
  const upTo = section.text.slice(0, statementOffset + inStatement);
  const newlines = upTo.split('\n').length - 1;
  const column = upTo.length - (upTo.lastIndexOf('\n') + 1) + 1;
  return { line: section.line + newlines, column };
}

/** PostgreSQL counts characters; JavaScript strings count UTF-16 code units. */
function codeUnitIndex(text: string, characters: number): number {
  let units = 0;
  let chars = 0;
  while (chars < characters && units < text.length) {
    const cp = text.codePointAt(units)!;
    units += cp > 0xffff ? 2 : 1;
    chars++;
  }
  return units;
}

export function toSqlError(
  err: unknown,
  migration: Migration,
  direction: Direction,
  location: SourceLocation | undefined,
  /** `outerTransaction`: the step ran inside its caller's transaction, whose owner says what was rolled back. */
  extra?: { advice?: string; partiallyApplied?: boolean; outerTransaction?: boolean },
): SqlError {
  const e = (err ?? {}) as PgErrorLike;
  const pg = {
    code: e.code, detail: e.detail, hint: e.hint, position: e.position, where: e.where,
    schema: e.schema, table: e.table, column: e.column, constraint: e.constraint,
  };
  const where = location ? `${location.file}:${location.line}${location.column ? `:${location.column}` : ''}` : migration.file;
  const lines = [
    `${direction === 'up' ? 'Upgrade' : 'Downgrade'} ${migration.revision} failed at ${where}: ${e.message ?? String(err)}`,
  ];
  if (e.code) lines.push(`  SQLSTATE: ${e.code}`);
  if (e.detail) lines.push(`  DETAIL: ${e.detail}`);
  if (e.hint) lines.push(`  HINT: ${e.hint}`);
  if (e.where) lines.push(`  CONTEXT: ${e.where}`);
  if (extra?.partiallyApplied) {
    lines.push(`  ${migration.revision} is non-transactional: the statements before this one stay applied; the version was not moved.`);
  } else if (!extra?.outerTransaction) {
    lines.push(`  ${migration.revision} was rolled back; earlier migrations stay applied.`);
  }
  if (extra?.advice) lines.push(`  ${extra.advice}`);
  const error = new SqlError(lines.join('\n'), migration.revision, location, pg, { cause: err });
  if (extra?.advice && !e.hint) (error as { hint?: string }).hint = extra.advice;
  return error;
}

/** For `.js` migrations: the line in the migration file from the error's stack, else the revision line. */
export function locateInScript(err: unknown, migration: Migration): SourceLocation {
  const stack = err instanceof Error && typeof err.stack === 'string' ? err.stack : '';
  const escaped = migration.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(stack);
  return m
    ? { file: migration.file, line: Number(m[1]), column: Number(m[2]) }
    : { file: migration.file, line: migration.revisionLine };
}
