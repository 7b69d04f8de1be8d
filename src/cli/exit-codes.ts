// The process exit codes of `migration-chain`. Scripts and CI branch on them, so they are part of
// the public interface: documented in the README and never renumbered.
import type { ErrorCode } from './core';

export const ExitCode = {
  /** The command did what was asked (including "nothing to do"). */
  ok: 0,
  /** A failure not covered below: a file could not be read or written, an unexpected error, an irreversible downgrade. */
  failure: 1,
  /** Bad arguments or settings, or a target that does not resolve. */
  usage: 2,
  /** The migration files do not form a usable chain, or the database records a revision no file defines. */
  chain: 3,
  /** The database could not be reached or refused the login. */
  connection: 4,
  /** Another run held the migration lock for longer than --lock-timeout, or a migration's table lock waited past --statement-lock-timeout on every attempt. */
  lockTimeout: 5,
  /** `verify` (or a stamp precondition) found the database out of line with the chain. */
  verifyFailed: 6,
  /** A migration's SQL failed; that migration was rolled back. */
  sqlFailed: 7,
  /** A dangerous operation was refused or not confirmed; nothing was changed. */
  notConfirmed: 8,
  /** `test`: a revision failed its stairway (upgrade, downgrade, upgrade again). */
  testFailed: 9,
  /** `lint` found an error-level finding, or a statement PostgreSQL cannot parse. */
  lintFailed: 10,
  /** `env upgrade`: some targets of the fleet failed or were not started; the summary names each with its error. */
  fleetFailed: 11,
  /** Ctrl-C (SIGINT): the running statement was cancelled and its migration rolled back. */
  cancelled: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

const byErrorCode: Record<ErrorCode, ExitCodeValue> = {
  chain: ExitCode.chain,
  'unknown-revision': ExitCode.chain,
  target: ExitCode.usage,
  usage: ExitCode.usage,
  connection: ExitCode.connection,
  'lock-timeout': ExitCode.lockTimeout,
  verify: ExitCode.verifyFailed,
  sql: ExitCode.sqlFailed,
  confirmation: ExitCode.notConfirmed,
  cancelled: ExitCode.cancelled,
  irreversible: ExitCode.failure,
  io: ExitCode.failure,
};

export function exitCodeForError(code: ErrorCode | undefined): ExitCodeValue {
  return code ? byErrorCode[code] ?? ExitCode.failure : ExitCode.failure;
}
