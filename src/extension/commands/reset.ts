// Reset: show what will be dropped and which guarantee applies (modal, typed name when non-local or
// protected; always asked; asked again when the reset cannot be rehearsed for want of CREATEDB),
// then, with progress and Cancel, drop and recreate schema public, upgrade to head and verify —
// through the chain's engine (core/engine). An engine that previews before the run (the native one:
// all-or-nothing, or rehearsed on a scratch database) is confirmed first, and its confirm hook
// re-checks that the target and the guarantee are the ones confirmed; one that can tell only inside
// the run (an Alembic project: nothing is dropped unless Alembic starts, agrees on the heads and runs
// env.py) shows the modal from that hook, after its preflight.
import { chainEngineFor, runSettings } from '../chains/chain-engine';
import { confirmOrThrow } from '../confirm/confirm';
import { resetConfirmation, unrehearsedResetConfirmation } from '../confirm/confirm-text';
import { ConfirmationError, core, MigrationChainError, type ResetPreview, type VerifyReport } from '../core';
import { withCancellableProgress } from '../output/progress';
import { chooseFolder, requireChain } from './command-args';
import type { CommandFactory } from './deps';

export const reset: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg);
  const chain = requireChain(snapshot);
  const folder = deps.chains.workspaceFolder(snapshot.folder.uri);
  const settings = deps.settings.for(folder);
  const connection = await deps.chains.connect(snapshot.folder.uri, 'Reset');
  const { target } = connection;
  const c = core();
  const engine = chainEngineFor({ chain, alembicProject: snapshot.alembicProject, workspaceFolder: snapshot.folder.fsPath, settings });

  const askPerson = async (info: ResetPreview) => {
    const guarantee = c.describeGuarantee(info.guarantee, info.target);
    await confirmOrThrow(resetConfirmation(info, info.revisions, settings, guarantee));
    if (c.needsSecondConfirmation(info.guarantee)) await confirmOrThrow(unrehearsedResetConfirmation(info.target, guarantee));
  };
  const preview = await engine.previewReset({ ...runSettings(connection, settings, deps.log), rehearse: settings.resetRehearse });
  if (preview) await askPerson(preview);

  deps.diagnostics.clearRunProblems('sql');
  deps.log.show();
  try {
    const confirm = async (info: ResetPreview) => {
      if (info.target.database !== target.database || info.target.host !== target.host || info.target.port !== target.port) {
        throw new ConfirmationError(`Reset stopped: the engine is connected to ${info.target.display}, not the confirmed ${target.display}.`);
      }
      if (!preview) {
        await askPerson(info);
      } else if (info.guarantee.kind !== preview.guarantee.kind) {
        throw new ConfirmationError(`Reset stopped: the guarantee changed since it was confirmed (now: ${c.describeGuarantee(info.guarantee, info.target)}); nothing was changed.`);
      }
      return true;
    };
    const result = await withCancellableProgress(`Reset ${target.database}`, (signal) => engine.reset({
      ...runSettings(connection, settings, deps.log, signal), rehearse: settings.resetRehearse, confirm,
    }));
    assertVerified(result.verify, target.database);
    const n = result.applied.length;
    const how = result.guarantee.kind === 'all-or-nothing' ? 'all-or-nothing' : result.rehearsal ? 'rehearsed on a scratch database first' : 'not rehearsed';
    return `Reset ${target.database}: dropped ${result.tablesBefore.length} table(s), applied ${n} revision${n === 1 ? '' : 's'}${result.via ? ` with ${result.via}` : ''}, verify passed (${how}).`;
  } finally {
    // The Environments view (and the matrix and lens line it feeds) shows this database too.
    await Promise.all([deps.chains.refresh(snapshot.folder.uri), deps.environments.refreshIfShown()]);
  }
};

function assertVerified(report: VerifyReport, database: string): void {
  if (report.ok) return;
  const failed = report.checks.filter((ch) => !ch.ok).map((ch) => ch.name);
  throw new MigrationChainError('verify', `Reset ${database} ran, but verify failed: ${failed.join(', ')}`);
}
