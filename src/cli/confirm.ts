// The guard in front of reset and downgrade. The rules (a pure function, tested on its own):
//  - a --confirm-database that names another database always refuses;
//  - stdin not a terminal: --yes is required, and for a non-local or protected database also a
//    matching --confirm-database;
//  - in a terminal: a non-local or protected database needs its name, typed or given with
//    --confirm-database (--yes does not replace it); otherwise --yes or a y/N answer.
import { ConfirmationError, confirmationLevel, type DatabaseTarget } from './core';

export interface ConfirmationRequest {
  /** What will happen, e.g. "reset (drop every table)". */
  operation: string;
  target: DatabaseTarget;
  yes: boolean;
  confirmDatabase?: string;
  stdinIsTTY: boolean;
  protectedPatterns: readonly string[];
}

export type ConfirmationDecision =
  | { kind: 'proceed' }
  | { kind: 'refuse'; message: string; hint: string }
  | { kind: 'ask-name'; why: string }
  | { kind: 'ask-yes-no' };

/** `MIGRATION_CHAIN_PROTECTED`: comma-separated globs (matching rule: core/db/protected.ts). */
export function protectedPatternsFrom(env: NodeJS.ProcessEnv): string[] {
  return (env.MIGRATION_CHAIN_PROTECTED ?? '').split(',').map((p) => p.trim()).filter(Boolean);
}

export function decideConfirmation(req: ConfirmationRequest): ConfirmationDecision {
  const { target } = req;
  if (req.confirmDatabase !== undefined && req.confirmDatabase !== target.database) {
    return {
      kind: 'refuse',
      message: `--confirm-database "${req.confirmDatabase}" does not match the target database "${target.database}" on ${target.host}; nothing was changed.`,
      hint: 'Check --url / DATABASE_URL: the command is pointed at a different database than you think.',
    };
  }
  const level = confirmationLevel(target, req.protectedPatterns);
  const why = level.protectedBy !== undefined
    ? `database "${target.database}" on ${target.host} matches the protected pattern "${level.protectedBy}" (MIGRATION_CHAIN_PROTECTED)`
    : level.remote
      ? `${target.host} is not a local host`
      : undefined;
  const nameGiven = req.confirmDatabase !== undefined;

  if (!req.stdinIsTTY) {
    if (!req.yes) {
      return {
        kind: 'refuse',
        message: `Refusing to ${req.operation} on ${target.display} without confirmation: stdin is not a terminal.`,
        hint: why
          ? `Pass --yes --confirm-database ${target.database} (${why}).`
          : 'Pass --yes to confirm in scripts.',
      };
    }
    if (why && !nameGiven) {
      return {
        kind: 'refuse',
        message: `Refusing to ${req.operation} on ${target.display}: ${why}.`,
        hint: `Pass --confirm-database ${target.database} as well as --yes.`,
      };
    }
    return { kind: 'proceed' };
  }
  if (why) {
    if (!nameGiven) return { kind: 'ask-name', why };
    return req.yes ? { kind: 'proceed' } : { kind: 'ask-yes-no' };
  }
  return req.yes ? { kind: 'proceed' } : { kind: 'ask-yes-no' };
}

/** Applies the decision, asking on the terminal when needed. Throws ConfirmationError when not confirmed. */
export async function confirmDangerous(
  req: ConfirmationRequest,
  ask: (question: string) => Promise<string>,
): Promise<void> {
  const decision = decideConfirmation(req);
  switch (decision.kind) {
    case 'proceed':
      return;
    case 'refuse':
      throw new ConfirmationError(decision.message, decision.hint);
    case 'ask-name': {
      const answer = await ask(`${capitalise(decision.why)}.\nType the database name to confirm ${req.operation} (${req.target.database}): `);
      if (answer.trim() !== req.target.database) {
        throw new ConfirmationError(
          `The typed name "${answer.trim()}" does not match "${req.target.database}"; nothing was changed.`,
          'Run the command again and type the database name exactly.',
        );
      }
      return;
    }
    case 'ask-yes-no': {
      const answer = await ask(`${capitalise(req.operation)} on ${req.target.display}? [y/N] `);
      if (!/^y(es)?$/i.test(answer.trim())) {
        throw new ConfirmationError('Not confirmed; nothing was changed.', 'Answer "y" to go ahead, or pass --yes.');
      }
      return;
    }
  }
}

/** A confirmation that needs no database rules (a file rewrite, a risky upgrade in a terminal). */
export interface SimpleConfirmation {
  /** What will happen, e.g. "rewrite the down_revision of b1". */
  operation: string;
  yes: boolean;
  stdinIsTTY: boolean;
  /** When set, this name must be typed (--yes does not replace it in a terminal). */
  typeName?: string;
}

export async function confirmSimple(req: SimpleConfirmation, ask: (question: string) => Promise<string>): Promise<void> {
  if (!req.stdinIsTTY) {
    if (req.yes) return;
    throw new ConfirmationError(`Refusing to ${req.operation} without confirmation: stdin is not a terminal.`, 'Pass --yes to confirm in scripts.');
  }
  if (req.typeName !== undefined) {
    const answer = (await ask(`Type ${req.typeName} to ${req.operation}: `)).trim();
    if (answer !== req.typeName) {
      throw new ConfirmationError(`The typed name "${answer}" does not match "${req.typeName}"; nothing was changed.`,
        'Run the command again and type the name exactly.');
    }
    return;
  }
  if (req.yes) return;
  const answer = await ask(`${capitalise(req.operation)}? [y/N] `);
  if (!/^y(es)?$/i.test(answer.trim())) {
    throw new ConfirmationError('Not confirmed; nothing was changed.', 'Answer "y" to go ahead, or pass --yes.');
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
