// The words of the confirmation modals, and the rules for when a modal is skipped or the database
// name must be typed. No `vscode`: confirm.ts shows what this module decides.
import * as path from 'path';
import { confirmationLevel, upgradeRisks } from '../core';
import type { DatabaseDescription, DatabaseTarget, Direction, RiskyStatement, RunPlan, RunPlanStep } from '../core';
import type { Settings } from '../settings/settings-model';

export interface Confirmation {
  message: string;
  /** Multi-line; names host, database and user, never the password. */
  detail: string;
  button: string;
  /** When set, the database name must be typed before anything runs. */
  typeName?: string;
}

const MAX_LISTED = 15;

/** The engine's rule (core/db/protected.ts confirmationLevel), with the editor's setting as the patterns. */
export function requiresTypedName(target: DatabaseTarget, settings: Pick<Settings, 'protectedDatabases'>): boolean {
  return confirmationLevel(target, settings.protectedDatabases).typedName;
}

/** Only an upgrade of a database that needs no typed name may skip the modal, and only when the user said so. */
export function skipsModal(direction: Direction, target: DatabaseTarget, settings: Pick<Settings, 'confirmUpgradeOnLocal' | 'protectedDatabases'>): boolean {
  return direction === 'up' && !settings.confirmUpgradeOnLocal && !requiresTypedName(target, settings);
}

export function targetLines(target: DatabaseTarget): string[] {
  return [
    `Host: ${target.host}:${target.port}${target.isLocal ? ' (local)' : ''}`,
    `Database: ${target.database}`,
    `User: ${target.user}`,
  ];
}

export function runConfirmation(
  direction: Direction,
  plan: RunPlan,
  riskyOf: (step: RunPlanStep) => RiskyStatement[],
  settings: Pick<Settings, 'protectedDatabases'>,
): Confirmation {
  const verb = direction === 'up' ? 'Upgrade' : 'Downgrade';
  const to = plan.to.length ? plan.to.join(', ') : 'base';
  const n = plan.steps.length;
  const lines = [...targetLines(plan.target), '', `From: ${plan.from.length ? plan.from.join(', ') : 'base (empty)'}`, `To: ${to}`, ''];
  lines.push(direction === 'up' ? `Will apply ${n} revision${n === 1 ? '' : 's'}:` : `Will undo ${n} revision${n === 1 ? '' : 's'} (newest first):`);
  for (const step of plan.steps.slice(0, MAX_LISTED)) {
    const notes = [step.transactional ? '' : '  (no transaction)', direction === 'down' && !step.hasDowngrade ? '  (no downgrade section)' : ''];
    lines.push(`  ${step.revision}  ${step.message}${notes.join('')}`);
  }
  if (n > MAX_LISTED) lines.push(`  … and ${n - MAX_LISTED} more`);

  // Destructive statements of the upgrade text; in a downgrade every undo is destructive by nature.
  const risks = upgradeRisks(plan.steps, riskyOf);
  const destructive = direction === 'up' ? risks.destructive : [];
  if (destructive.length) {
    lines.push('', 'Destructive statements:');
    for (const { step, risk } of destructive.slice(0, MAX_LISTED)) {
      lines.push(`  ${path.basename(risk.file)}:${risk.line}  ${oneLine(risk.statement)} — ${risk.message} (${step.revision})`);
    }
    if (destructive.length > MAX_LISTED) lines.push(`  … and ${destructive.length - MAX_LISTED} more`);
  }
  const partial = risks.nonTransactional;
  if (partial.length) {
    lines.push('', 'Not transactional — may partially apply (a failure leaves the statements before it in place):');
    for (const s of partial.slice(0, MAX_LISTED)) lines.push(`  ${s.revision}  ${path.basename(s.file)}`);
  }
  const typeName = requiresTypedName(plan.target, settings) || partial.length ? plan.target.database : undefined;
  if (typeName) {
    const why = partial.length ? 'a migration runs without a transaction' : plan.target.isLocal ? 'protected database' : 'not a local database';
    lines.push('', `You will be asked to type the database name (${why}).`);
  }
  return {
    message: `${verb} ${plan.target.database} to ${to}?`,
    detail: lines.join('\n'),
    button: verb,
    typeName,
  };
}

/** Steps that run without a transaction: they need the typed database name, even on a local database. */
export function nonTransactionalSteps(plan: RunPlan): RunPlanStep[] {
  return plan.steps.filter((s) => !s.transactional);
}

/**
 * The refusal shown when a downgrade would pass through revisions without a downgrade section: the
 * undo order (newest first) with those marked, and their names in the message.
 */
export function downgradeRefusal(plan: RunPlan, target: string): { message: string; detail: string } {
  const blocked = plan.steps.filter((s) => !s.hasDowngrade);
  const names = blocked.map((s) => `${s.revision} (${path.basename(s.file)})`).join(', ');
  const lines = [...targetLines(plan.target), '', 'A downgrade would undo, newest first:'];
  for (const s of plan.steps.slice(0, MAX_LISTED)) lines.push(`  ${s.revision}  ${s.message}${s.hasDowngrade ? '' : '  ✘ no downgrade section'}`);
  if (plan.steps.length > MAX_LISTED) lines.push(`  … and ${plan.steps.length - MAX_LISTED} more`);
  lines.push('', 'Nothing was changed. Add a "-- migrate:downgrade" section, or downgrade to a revision above them.');
  return {
    message: `Cannot downgrade ${plan.target.database} to ${target}: ${names} ha${blocked.length === 1 ? 's' : 've'} no downgrade section.`,
    detail: lines.join('\n'),
  };
}

/**
 * `guarantee`: what protects the data if the reset fails half way (core's describeGuarantee, or the
 * Alembic path's own sentence), shown before anything runs.
 */
export function resetConfirmation(
  description: DatabaseDescription,
  revisionsToRun: readonly string[],
  settings: Pick<Settings, 'protectedDatabases'>,
  guarantee: string,
): Confirmation {
  const t = description.target;
  const lines = [...targetLines(t), ''];
  const tables = description.tables;
  if (tables.length) {
    const rows = tables.reduce((sum, x) => sum + x.rows, 0);
    lines.push(`Drops schema public with ${tables.length} table${tables.length === 1 ? '' : 's'} (${rows} row${rows === 1 ? '' : 's'}):`);
    for (const table of tables.slice(0, MAX_LISTED)) lines.push(`  ${table.name}  ${table.rows} row${table.rows === 1 ? '' : 's'}`);
    if (tables.length > MAX_LISTED) lines.push(`  … and ${tables.length - MAX_LISTED} more`);
  } else {
    lines.push('Schema public has no tables.');
  }
  lines.push('', `Then applies ${revisionsToRun.length} revision${revisionsToRun.length === 1 ? '' : 's'} up to head and verifies.`, '', guarantee);
  const typeName = requiresTypedName(t, settings) ? t.database : undefined;
  if (typeName) lines.push('', 'You will be asked to type the database name.');
  return {
    message: `Reset ${t.database}? Every table and row in schema public is deleted.`,
    detail: lines.join('\n'),
    button: 'Reset',
    typeName,
  };
}

/** The second question when the reset cannot be rehearsed for want of CREATEDB. */
export function unrehearsedResetConfirmation(target: DatabaseTarget, guarantee: string): Confirmation {
  return {
    message: `Reset ${target.database} without a rehearsal?`,
    detail: [...targetLines(target), '', guarantee, '', 'Grant CREATEDB to rehearse it, or turn migrationChain.reset.rehearse off to skip this question.'].join('\n'),
    button: 'Reset Without Rehearsal',
  };
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 100 ? `${flat.slice(0, 100)}…` : flat;
}

/** One holder of the migration lock as Release Migration Lock lists it (core's heldLockFacts). */
export interface ListedHolder {
  abandoned: boolean;
  facts: readonly string[];
}

/**
 * Release Migration Lock's modal: who holds the lock (host, pid, application, since, heartbeat), and
 * what the button does: it clears only the provably abandoned holders, re-checked as it acts; a live
 * one is never cleared (the CLI's `unlock` refuses it the same way). Undefined when nothing is
 * abandoned: then the same list is shown without a button.
 */
export function releaseLockConfirmation(
  target: DatabaseTarget,
  holders: readonly ListedHolder[],
  settings: Pick<Settings, 'protectedDatabases'>,
): { confirmation?: Confirmation; message: string; detail: string } {
  const abandoned = holders.filter((h) => h.abandoned).length;
  const live = holders.length - abandoned;
  const lines = [...targetLines(target), '', ...holders.flatMap((h) => [...h.facts, ''])];
  if (!abandoned) {
    lines.push('Nothing is provably abandoned: a live run holds the lock. Nothing will be changed; wait for it to finish (or stop it), then try again.');
    return { message: `The migration lock on ${target.database} is held by a live run.`, detail: lines.join('\n') };
  }
  lines.push(`Release clears ${abandoned === 1 ? 'the abandoned holder' : `the ${abandoned} abandoned holders`} (deletes an expired lease, ends an idle session that holds the lock), re-checking each as it acts.`);
  if (live) lines.push(`The ${live} live holder${live === 1 ? ' is' : 's are'} left alone.`);
  const typeName = requiresTypedName(target, settings) ? target.database : undefined;
  if (typeName) lines.push('', 'You will be asked to type the database name.');
  const message = `Release the abandoned migration lock on ${target.database}?`;
  const detail = lines.join('\n');
  return { confirmation: { message, detail, button: 'Release', typeName }, message, detail };
}
