// The shared flow of every upgrade and downgrade: connect (trusted only) → the engine's preview →
// modal → run with progress and Cancel → refresh. The chain's engine (core/engine: the native runner,
// or an Alembic project's own Alembic under our lock, verified when it reaches the heads) does the
// work; this file only renders its preview and its result.
import * as vscode from 'vscode';
import { chainEngineFor, runSettings } from '../chains/chain-engine';
import { confirmOrThrow } from '../confirm/confirm';
import { downgradeRefusal, nonTransactionalSteps, runConfirmation, skipsModal } from '../confirm/confirm-text';
import { type Direction, MigrationChainError } from '../core';
import { withCancellableProgress } from '../output/progress';
import type { FolderSnapshot } from '../chains/folder-snapshot';
import { requireChain } from './command-args';
import type { CommandDeps } from './deps';

export async function migrate(deps: CommandDeps, snapshot: FolderSnapshot, direction: Direction, target: string): Promise<string> {
  const verb = direction === 'up' ? 'Upgrade' : 'Downgrade';
  const chain = requireChain(snapshot);
  const folder = deps.chains.workspaceFolder(snapshot.folder.uri);
  const connection = await deps.chains.connect(snapshot.folder.uri, verb);
  const db = connection.target;
  const settings = deps.settings.for(folder);
  const engine = chainEngineFor({ chain, alembicProject: snapshot.alembicProject, workspaceFolder: snapshot.folder.fsPath, settings });
  // A migration that may partially apply is always confirmed, even where upgrades skip the modal;
  // the statements are read only when the modal is shown.
  const showsModal = (p: { plan: Parameters<typeof nonTransactionalSteps>[0]; largeTableLocks: string[] }) =>
    !skipsModal(direction, p.plan.target, settings) || nonTransactionalSteps(p.plan).length > 0 || p.largeTableLocks.length > 0;
  const preview = await engine.previewRun(direction, target, runSettings(connection, settings, deps.log), { statements: showsModal });
  const { plan } = preview;
  if (plan.steps.length === 0) return `${db.database} is already at ${target}; nothing to do.`;
  if (plan.irreversible?.length) {
    // The preview still shows what would be undone; no button can make it run.
    const refusal = downgradeRefusal(plan, target);
    await vscode.window.showWarningMessage(refusal.message, { modal: true, detail: refusal.detail });
    throw new MigrationChainError('irreversible', `${refusal.message} Nothing was changed.`);
  }
  if (showsModal(preview)) {
    const confirmation = runConfirmation(direction, plan, preview.riskyOf, settings);
    if (preview.largeTableLocksBlock) confirmation.detail += `\n\n${preview.largeTableLocksBlock}`;
    if (preview.notes.length) confirmation.detail += `\n\n${preview.notes.join('\n')}`;
    await confirmOrThrow(confirmation);
  }

  deps.diagnostics.clearRunProblems('sql');
  deps.log.show();
  deps.log.info(`${verb} ${db.display} to ${target}: ${plan.steps.length} revision(s)`);
  try {
    return await withCancellableProgress(`${verb} ${db.database} to ${target}`, async (signal) => {
      const run = runSettings(connection, settings, deps.log, signal);
      const result = direction === 'up' ? await engine.upgrade(target, run) : await engine.downgrade(target, run);
      if (result.verify && !result.verify.ok) {
        const failed = result.verify.checks.filter((ch) => !ch.ok).map((ch) => ch.name);
        throw new MigrationChainError('verify', `${verb} of ${db.database} ran${result.via ? ` (${result.via})` : ''}, but verify failed: ${failed.join(', ')}`);
      }
      const n = result.applied.length;
      const how = result.verify ? ', verify passed' : result.via ? '' : ` in ${Math.round(result.durationMs)} ms`;
      return `${verb}d ${db.database} to ${result.to.join(', ') || 'base'}${result.via ? ` with ${result.via}` : ''}: ${n} revision${n === 1 ? '' : 's'}${how}.`;
    });
  } finally {
    // The Environments view (and the matrix and lens line it feeds) shows this database too.
    await Promise.all([deps.chains.refresh(snapshot.folder.uri), deps.environments.refreshIfShown()]);
  }
}

/** `heads` when the chain has several, so a branched chain upgrades every branch. */
export function headTarget(snapshot: FolderSnapshot): string {
  return (snapshot.chain?.graph.heads.length ?? 0) > 1 ? 'heads' : 'head';
}

export function revisionChoices(snapshot: FolderSnapshot, states: readonly string[]): { revision: string; label: string; description: string }[] {
  const chain = snapshot.chain;
  if (!chain) return [];
  return chain.graph.historyOrder()
    .filter((rev) => states.includes(snapshot.status?.revisions.get(rev)?.state ?? 'no-status'))
    .map((rev) => ({ revision: rev, label: chain.graph.get(rev)?.message || rev, description: rev }));
}

export function openUri(file: string, line: number): Thenable<vscode.TextEditor> {
  const l = Math.max(0, line - 1);
  return vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(l, 0, l, 0), preview: true });
}
