// The shared flow of every upgrade and downgrade: connect (trusted only) → plan → modal → run with
// progress and Cancel → refresh. Native chains run through the engine; Alembic projects through
// their own Alembic under our lock (core/alembic), verified when they reach the heads.
import * as vscode from 'vscode';
import { alembicOptions, offlineAlembic } from '../alembic';
import { confirmOrThrow } from '../confirm';
import { downgradeRefusal, nonTransactionalSteps, runConfirmation, skipsModal } from '../confirm-text';
import { CancelledError, core, lintEngine, type AlembicOptions, type Chain, type Direction, MigrationChainError, type OfflineAlembic, type RiskyStatement } from '../core';
import type { Log } from '../log';
import { withCancellableProgress } from '../progress';
import type { FolderSnapshot } from '../folder-snapshot';
import { requireChain } from './command-args';
import type { CommandDeps } from './deps';

export async function migrate(deps: CommandDeps, snapshot: FolderSnapshot, direction: Direction, target: string): Promise<string> {
  const verb = direction === 'up' ? 'Upgrade' : 'Downgrade';
  const chain = requireChain(snapshot);
  const folder = deps.chains.workspaceFolder(snapshot.folder.uri);
  const { url, target: db } = await deps.chains.connect(snapshot.folder.uri, verb);
  const c = core();
  const plan = await c.planRun({ chain, url, direction, target, throughAlembic: snapshot.alembicProject !== undefined });
  if (plan.steps.length === 0) return `${db.database} is already at ${target}; nothing to do.`;
  if (plan.irreversible?.length) {
    // The preview still shows what would be undone; no button can make it run.
    const refusal = downgradeRefusal(plan, target);
    await vscode.window.showWarningMessage(refusal.message, { modal: true, detail: refusal.detail });
    throw new MigrationChainError('irreversible', `${refusal.message} Nothing was changed.`);
  }

  const settings = deps.settings.for(folder);
  // A migration that may partially apply is always confirmed, even where upgrades skip the modal.
  const project = snapshot.alembicProject;
  // An Alembic project's .py revisions count through Alembic's offline SQL, as in the lint.
  const offline = project ? () => alembicOptions({ project, chain, url, settings, workspaceFolder: snapshot.folder.fsPath, log: deps.log }) : undefined;
  const locks = direction === 'up' ? await largeTableLocksOf(chain, plan.steps.map((st) => st.revision), url, deps.log, offline) : [];
  if (!skipsModal(direction, plan.target, settings) || nonTransactionalSteps(plan).length || locks.length) {
    const preview = project
      ? await alembicPreview(deps, await offlineAlembic({ project, settings, workspaceFolder: snapshot.folder.fsPath, log: deps.log, url }), chain, direction, plan.steps.map((st) => st.revision), target)
      : { riskyOf: c.riskyOfStep(chain.graph), notes: [] };
    const confirmation = runConfirmation(direction, plan, preview.riskyOf, settings);
    if (locks.length) confirmation.detail += `\n\n${lintEngine.confirmation().largeTableLocksBlock(locks)}`;
    if (preview.notes.length) confirmation.detail += `\n\n${preview.notes.join('\n')}`;
    await confirmOrThrow(confirmation);
  }

  deps.diagnostics.clearRunProblems('sql');
  deps.log.show();
  deps.log.info(`${verb} ${db.display} to ${target}: ${plan.steps.length} revision(s)`);
  try {
    return await withCancellableProgress(`${verb} ${db.database} to ${target}`, async (signal) => {
      if (project) {
        const options = { ...(await alembicOptions({ project, chain, url, settings, workspaceFolder: snapshot.folder.fsPath, log: deps.log, signal })), target };
        const result = direction === 'up' ? await c.alembicUpgrade(options) : await c.alembicDowngrade(options);
        if (result.verify && !result.verify.ok) {
          const failed = result.verify.checks.filter((ch) => !ch.ok).map((ch) => ch.name);
          throw new MigrationChainError('verify', `${verb} of ${db.database} ran (Alembic), but verify failed: ${failed.join(', ')}`);
        }
        const n = result.applied.length;
        return `${verb}d ${db.database} to ${result.to.join(', ') || 'base'} with Alembic: ${n} revision${n === 1 ? '' : 's'}${result.verify ? ', verify passed' : ''}.`;
      }
      const run = direction === 'up' ? c.upgrade : c.downgrade;
      const result = await run({ chain, url, target, logger: deps.log, signal, lockTimeoutMs: settings.lockTimeoutSeconds * 1000,
        ...(settings.statementLockTimeoutSeconds !== undefined ? { statementLockTimeoutMs: settings.statementLockTimeoutSeconds * 1000 } : {}) });
      const n = result.applied.length;
      return `${verb}d ${db.database} to ${result.to.join(', ') || 'base'}: ${n} revision${n === 1 ? '' : 's'} in ${Math.round(result.durationMs)} ms.`;
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

/**
 * An Alembic run's risky statements from its offline SQL: an upgrade's destructive statements (the
 * modal lists them like a native chain's), what a downgrade drops, and the revisions Alembic cannot
 * print offline. A preview that cannot run never blocks the run; it says so.
 */
async function alembicPreview(deps: CommandDeps, alembic: OfflineAlembic, chain: Chain, direction: Direction, revisions: string[], target: string)
  : Promise<{ riskyOf: (step: { revision: string }) => RiskyStatement[]; notes: string[] }> {
  try {
    const risks = await core().alembicRisks(alembic, chain, direction, revisions, target);
    const notes: string[] = [];
    if (direction === 'down') {
      const drops = revisions.flatMap((r) => risks.riskyOf({ revision: r }).filter((x) => x.kind === 'destructive').map((x) => `  ${x.statement} (${r})`));
      if (drops.length) notes.push(`The downgrade SQL (alembic downgrade --sql) deletes data:\n${drops.slice(0, 10).join('\n')}${drops.length > 10 ? `\n  … and ${drops.length - 10} more` : ''}`);
    }
    if (risks.failures.length) {
      notes.push(`Not previewed (Alembic cannot print their SQL offline):\n${risks.failures.map((f) => `  ${f.revision}: ${f.reason}`).join('\n')}`);
    }
    return { riskyOf: risks.riskyOf, notes };
  } catch (err) {
    if (err instanceof CancelledError) throw err;
    deps.log.warn(`Alembic's offline SQL for the preview failed: ${err instanceof Error ? err.message : String(err)}`);
    return { riskyOf: () => [], notes: [`Not previewed: Alembic's offline SQL failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)}).`] };
  }
}

/** The lint's blocking locks on large tables, for the confirmation; a lint failure never blocks the run. */
async function largeTableLocksOf(chain: Chain, revisions: string[], url: string, log: Log, alembic?: () => Promise<AlembicOptions>): Promise<string[]> {
  try {
    return await lintEngine.confirmation().largeTableLocks(chain, revisions, url, alembic);
  } catch (err) {
    log.warn(`lock check before the upgrade failed: ${err instanceof Error ? err.message : String(err)}`);
    return [];
  }
}
