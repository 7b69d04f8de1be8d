// Verify with a drift check: the verify report, then the live schema compared with a scratch build of
// the chain. The result opens as a Markdown document whose entries link to the migration that
// creates each object; drift entries with a source also become warnings in the Problems panel.
import * as vscode from 'vscode';
import { chainEngineFor } from '../chains/chain-engine';
import { core, MigrationChainError } from '../core';
import type { RunProblem } from '../problems/diagnostics';
import { driftMarkdown } from '../problems/drift-report';
import { withCancellableProgress } from '../output/progress';
import { chooseFolder, requireChain } from './command-args';
import type { CommandFactory } from './deps';
import { publishVerifyReport } from './verify';

export const verifyDrift: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg);
  const chain = requireChain(snapshot);
  const { url, target } = await deps.chains.connect(snapshot.folder.uri, 'Verify');
  deps.log.show();
  const c = core();
  const { report, drift } = await withCancellableProgress(`Verify ${target.database} with drift check`, async (signal, progress) => {
    const verified = await c.verify({ chain, url, logger: deps.log, signal });
    progress('building the chain in a scratch database');
    // The chain's engine builds the scratch database (an Alembic project's own Alembic: only Python runs its revisions).
    const settings = deps.settings.for(deps.chains.workspaceFolder(snapshot.folder.uri));
    const buildScratch = await chainEngineFor({ chain, alembicProject: snapshot.alembicProject, workspaceFolder: snapshot.folder.fsPath, settings }).driftScratchBuilder({ signal });
    return { report: verified, drift: await c.checkDrift({ chain, url, logger: deps.log, signal, buildScratch }) };
  });
  const failed = publishVerifyReport(deps, report);
  const problems: RunProblem[] = drift.entries.filter((e) => e.source).map((e) => ({
    file: e.source!.file, line: e.source!.line, code: 'drift', severity: 'warning',
    message: `Schema drift: ${e.kind} ${e.name} is ${e.change === 'changed' ? 'different in the database' : e.change === 'missing' ? 'missing from the database' : 'extra in the database'}`,
  }));
  deps.diagnostics.setRunProblems('drift', problems);
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: driftMarkdown(drift, report, snapshot.folder.fsPath) });
  await vscode.window.showTextDocument(doc, { preview: false });
  await deps.chains.refresh(snapshot.folder.uri);
  const n = drift.entries.length;
  if (n || !report.ok) {
    const parts = [n ? `${n} schema difference${n === 1 ? '' : 's'}` : '', failed.length ? `failed checks: ${failed.map((ch) => ch.name).join(', ')}` : ''];
    throw new MigrationChainError('verify', `Verify ${target.database} found ${parts.filter(Boolean).join('; ')}. See the drift report.`);
  }
  return `Verify ${target.database}: all ${report.checks.length} checks passed, no schema drift.`;
};
