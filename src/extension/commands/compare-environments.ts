// Parity of two environments: both schemas read from the catalogs (the drift check's snapshot and
// diff) and shown as a Markdown report linking each difference to the migration that creates it.
// A tenant set is compared through one member (asked for; its canary first in the list).
import * as vscode from 'vscode';
import { CancelledError, core, MigrationChainError, type FleetTarget } from '../core';
import { parityMarkdown } from '../environments/parity-report';
import { requireTrust } from '../connection/trust';
import { isRecord } from './command-args';
import type { CommandDeps, CommandFactory } from './deps';

async function pick(items: string[], title: string): Promise<string> {
  const picked = await vscode.window.showQuickPick(items, { title });
  if (!picked) throw new CancelledError(undefined, `${title} cancelled.`);
  return picked;
}

async function targetOf(deps: CommandDeps, environment: string, member: unknown): Promise<FleetTarget> {
  const { targets } = await deps.environments.targets(environment);
  if (targets.length === 0) throw new MigrationChainError('usage', `Environment ${environment} has no members to compare.`);
  if (typeof member === 'string') {
    const t = targets.find((x) => x.id === member);
    if (!t) throw new MigrationChainError('usage', `Environment ${environment} has no member ${member}.`);
    return t;
  }
  if (targets.length === 1) return targets[0];
  const id = await pick(targets.map((t) => t.id), `Which member of ${environment}?`);
  return targets.find((t) => t.id === id)!;
}

export const compareEnvironmentSchemas: CommandFactory = (deps) => async (arg?: unknown) => {
  requireTrust('Comparing environments');
  const folder = deps.environments.requireFolder();
  const api = core();
  const names = api.loadEnvironments(folder.folder.fsPath).environments.map((e) => e.name);
  if (names.length < 2) {
    throw new MigrationChainError('usage', `Comparing needs two environments; ${api.ENVIRONMENTS_FILE} names ${names.length}.`,
      `Add environments to ${api.ENVIRONMENTS_FILE}.`);
  }
  const given = isRecord(arg) ? arg : {};
  const a = typeof given.a === 'string' ? given.a : await pick(names, 'Compare which environment…');
  const b = typeof given.b === 'string' ? given.b : await pick(names.filter((n) => n !== a), `…with which environment?`);
  const [left, right] = [await targetOf(deps, a, given.aMember), await targetOf(deps, b, given.bMember)];
  const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Comparing ${a} and ${b}` },
    () => api.compareEnvironments(folder.chain, left, right));
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: parityMarkdown(report, folder.folder.fsPath) });
  await vscode.window.showTextDocument(doc, { preview: false });
  const n = report.entries.length;
  return n ? `${a} and ${b}: ${n} schema difference${n === 1 ? '' : 's'}; see the parity report.` : `${a} and ${b}: the schemas match.`;
};
