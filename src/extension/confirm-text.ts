// The words of the confirmation modals, and the rules for when a modal is skipped or the database
// name must be typed. No `vscode`: confirm.ts shows what this module decides.
import type { DatabaseDescription, DatabaseTarget, Direction, RiskyStatement, RunPlan, RunPlanStep } from './core';
import type { Settings } from './settings-model';

export interface Confirmation {
  message: string;
  /** Multi-line; names host, database and user, never the password. */
  detail: string;
  button: string;
  /** When set, the database name must be typed before anything runs. */
  typeName?: string;
}

const MAX_LISTED = 15;

/** `*` matches any run of characters, `?` one; case-insensitive, anchored. */
export function globMatches(glob: string, text: string): boolean {
  const re = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(text);
}

/** Protected patterns match the database name or `host/database`. */
export function isProtected(target: DatabaseTarget, globs: readonly string[]): boolean {
  return globs.some((g) => globMatches(g, target.database) || globMatches(g, `${target.host}/${target.database}`));
}

export function requiresTypedName(target: DatabaseTarget, settings: Pick<Settings, 'protectedDatabases'>): boolean {
  return !target.isLocal || isProtected(target, settings.protectedDatabases);
}

/** Only an upgrade of a local, unprotected database may skip the modal, and only when the user said so. */
export function skipsModal(direction: Direction, target: DatabaseTarget, settings: Pick<Settings, 'confirmUpgradeOnLocal' | 'protectedDatabases'>): boolean {
  return direction === 'up' && !settings.confirmUpgradeOnLocal && target.isLocal && !isProtected(target, settings.protectedDatabases);
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
  lines.push(`${direction === 'up' ? 'Will apply' : 'Will undo'} ${n} revision${n === 1 ? '' : 's'}:`);
  for (const step of plan.steps.slice(0, MAX_LISTED)) {
    lines.push(`  ${step.revision}  ${step.message}${step.transactional ? '' : '  (no transaction)'}`);
  }
  if (n > MAX_LISTED) lines.push(`  … and ${n - MAX_LISTED} more`);

  const risky = plan.steps.flatMap((s) => riskyOf(s).map((r) => ({ step: s, r })));
  if (risky.length) {
    lines.push('', 'Destructive or non-transactional statements:');
    for (const { step, r } of risky.slice(0, MAX_LISTED)) lines.push(`  ${step.revision} line ${r.line}: ${oneLine(r.statement)} — ${r.message}`);
    if (risky.length > MAX_LISTED) lines.push(`  … and ${risky.length - MAX_LISTED} more`);
  }
  const typeName = requiresTypedName(plan.target, settings) ? plan.target.database : undefined;
  if (typeName) lines.push('', `You will be asked to type the database name (${plan.target.isLocal ? 'protected' : 'not a local'} database).`);
  return {
    message: `${verb} ${plan.target.database} to ${to}?`,
    detail: lines.join('\n'),
    button: verb,
    typeName,
  };
}

export function resetConfirmation(
  description: DatabaseDescription,
  revisionsToRun: readonly string[],
  settings: Pick<Settings, 'protectedDatabases'>,
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
  lines.push('', `Then applies ${revisionsToRun.length} revision${revisionsToRun.length === 1 ? '' : 's'} up to head and verifies.`);
  const typeName = requiresTypedName(t, settings) ? t.database : undefined;
  if (typeName) lines.push('', 'You will be asked to type the database name.');
  return {
    message: `Reset ${t.database}? Every table and row in schema public is deleted.`,
    detail: lines.join('\n'),
    button: 'Reset',
    typeName,
  };
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 100 ? `${flat.slice(0, 100)}…` : flat;
}
