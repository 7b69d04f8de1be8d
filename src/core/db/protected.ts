// How hard a change to a database must be confirmed, one rule for the CLI and the editor: a database
// that is not local, or that matches a protected pattern (the CLI's MIGRATION_CHAIN_PROTECTED, the
// editor's migrationChain.protectedDatabases), needs its name typed; any other needs a yes.
import type { DatabaseTarget } from './client';

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

/** What a change to `target` needs before it runs, and why. */
export interface ConfirmationLevel {
  /** The database name must be typed (or given with --confirm-database). */
  typedName: boolean;
  /** The protected pattern that matched, if any. */
  protectedBy?: string;
  /** The host is not local (anything but localhost, a loopback address or a Unix socket). */
  remote: boolean;
}

export function confirmationLevel(target: DatabaseTarget, protectedPatterns: readonly string[]): ConfirmationLevel {
  const protectedBy = protectedPattern(target, protectedPatterns);
  const remote = !target.isLocal;
  return { typedName: remote || protectedBy !== undefined, protectedBy, remote };
}
