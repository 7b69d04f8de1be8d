// "Re-parent…": puts one head's branch after another head by rewriting the down_revision of the
// branch's first revision — only when the advice says it is safe, and after a modal naming the file.
import * as path from 'path';
import * as vscode from 'vscode';
import { CancelledError, core, MigrationChainError } from '../core';
import { confirmOrThrow } from '../confirm/confirm';
import { reparentConfirmation } from '../confirm/confirm-integrity';
import { headAdvice } from '../problems/head-advice';
import { chooseFolder, chooseRevision, isRecord, requireChain } from './command-args';
import type { CommandFactory } from './deps';
import { openUri } from './migrate';

function ontoOf(arg: unknown): string | undefined {
  const onto = isRecord(arg) ? arg.onto : undefined;
  return typeof onto === 'string' && onto !== '' ? onto : undefined;
}

export const reparent: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg);
  const chain = requireChain(snapshot);
  const heads = chain.graph.heads;
  if (heads.length < 2) return `${snapshot.folder.name} has ${heads.length} head; nothing to re-parent.`;
  const choice = (h: string) => ({ revision: h, label: chain.graph.get(h)?.message || h, description: h });
  const head = await chooseRevision(snapshot, arg, heads.map(choice), 'Move which head\'s branch?');
  if (!heads.includes(head)) throw new MigrationChainError('usage', `${head} is not a head of the chain (heads: ${heads.join(', ')}).`);
  const others = heads.filter((h) => h !== head);
  let onto = ontoOf(arg) ?? (others.length === 1 ? others[0] : undefined);
  if (!onto) {
    const picked = await vscode.window.showQuickPick(others.map(choice), { placeHolder: `Put ${head}'s branch after which head?` });
    if (!picked) throw new CancelledError(undefined, 'No head chosen; nothing was changed.');
    onto = picked.revision;
  }
  const advice = headAdvice(snapshot).find((a) => a.heads.includes(head) && a.heads.includes(onto));
  if (!advice) throw new MigrationChainError('usage', `${onto} is not another head of the chain.`);
  if (advice.advice === 'merge-required') {
    throw new MigrationChainError('usage', advice.reason, 'Run "Migration Chain: Merge Heads" instead.');
  }
  const branch = advice.branches[advice.heads.indexOf(head)];
  const root = core().branchRoot(chain.graph, branch);
  if (!root) {
    throw new MigrationChainError('usage', `${head}'s branch joins the chain at more than one point; no single down_revision can move it.`,
      'Run "Migration Chain: Merge Heads" instead.');
  }
  const file = path.relative(snapshot.folder.fsPath, root.file);
  const target = snapshot.status?.target;
  await confirmOrThrow(reparentConfirmation({
    root, onto, file,
    basis: target ? `${target.database} applied neither branch.` : 'No database is connected: this is only safe if no database applied either branch.',
  }));
  const result = await core().reparent({ file: root.file, newParent: onto });
  deps.log.info(`Re-parented ${root.revision} onto ${onto}: ${root.file}:${result.line} ${result.before || '(none)'} → ${result.after}`);
  await deps.chains.refresh(snapshot.folder.uri);
  await openUri(root.file, result.line);
  return `Re-parented ${root.revision} onto ${onto} (${file}:${result.line}).`;
};
