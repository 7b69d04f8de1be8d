// SQL identifiers and literals built from settings (version-table name, schema) and from catalog
// data (schema comments), for the places PostgreSQL takes no parameter: DDL, COMMENT, offline
// scripts, and the multi-statement query strings of a migration step (simple protocol).
import { MigrationChainError } from '../errors';

export const MAX_IDENTIFIER_BYTES = 63;

/** Rejects names PostgreSQL would truncate or cannot store, so a setting never means two tables. */
export function validateIdentifier(name: string, what: string): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new MigrationChainError('usage', `The ${what} must be a non-empty name.`);
  }
  if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    throw new MigrationChainError('usage', `The ${what} "${name}" is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES}-byte limit.`);
  }
  // eslint-disable-next-line no-control-regex -- identifiers must not contain control characters; this pattern finds them
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    throw new MigrationChainError('usage', `The ${what} contains a control character.`);
  }
  return name;
}

/** Always quoted: case and reserved words then never change which object a name means. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."name"`, or `"name"` when no schema is given (the search_path decides, as in Alembic). */
export function qualifiedName(name: string, schema?: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}

/**
 * A string literal that reads the same whatever standard_conforming_strings says: with a backslash
 * in the value it becomes an E'' literal with the backslashes doubled (as pg's escapeLiteral does).
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new MigrationChainError('usage', 'A SQL literal cannot contain a NUL character.');
  const quoted = `'${value.replace(/'/g, "''").replace(/\\/g, '\\\\')}'`;
  return value.includes('\\') ? `E${quoted}` : quoted;
}
