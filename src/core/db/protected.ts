// Protected databases: glob patterns that make every change to a matching database ask for its name
// to be typed. One rule for the CLI (MIGRATION_CHAIN_PROTECTED) and the editor (the setting).
import type { DatabaseTarget } from './connection';

/** `*` matches any run of characters, `?` one; case-insensitive, anchored. */
export function globMatches(glob: string, text: string): boolean {
  const body = [...glob].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.+()|{}[\]]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'i').test(text);
}

/** The first pattern matching the database name, the host, or `host/database`; undefined when none does. */
export function protectedPattern(target: DatabaseTarget, patterns: readonly string[]): string | undefined {
  const subjects = [target.database, target.host, `${target.host}/${target.database}`];
  return patterns.find((pattern) => subjects.some((subject) => globMatches(pattern, subject)));
}
