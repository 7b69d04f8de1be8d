// "Undo Revisions from Another Branch": the revisions the local database applied from files this
// working tree does not have, undone tip first with the downgrade the audit log kept, behind the
// usual modal. A protected or non-local database is refused before the modal (only reported).
import { confirmOrThrow } from '../confirm/confirm';
import { core, MigrationChainError } from '../core';
import { withCancellableProgress } from '../output/progress';
import { chooseFolder, requireChain } from './command-args';
import type { CommandFactory } from './deps';

export const undoPhantoms: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg);
  const chain = requireChain(snapshot);
  const { url, target } = await deps.chains.connect(snapshot.folder.uri, 'Undo Revisions from Another Branch');
  const protectedPatterns = deps.settings.for(deps.chains.workspaceFolder(snapshot.folder.uri)).protectedDatabases;
  const report = await core().findPhantoms({ chain, url, protectedPatterns });
  if (!report.phantoms.length) return `No revisions from another branch are applied to ${target.database}.`;
  if (report.refusal) {
    throw new MigrationChainError('confirmation', `${report.phantoms.length} revision(s) from another branch are applied to ${target.database}; not undone here: ${report.refusal}.`,
      'Check out the branch that has them and downgrade from there.');
  }
  const n = report.phantoms.length;
  await confirmOrThrow({
    message: `Undo ${n} revision${n === 1 ? '' : 's'} from another branch on ${target.database}?`,
    detail: [`${target.display}`, '', 'Undone newest first with the downgrade SQL kept in migration_chain_log when they were applied:',
      ...report.phantoms.map((p) => `  ${p.revision}${p.downgradeSql === null ? `  (no stored downgrade, the undo will refuse: ${p.unavailable})` : ''}`)].join('\n'),
    button: 'Undo Revisions',
  });
  deps.log.show();
  const result = await withCancellableProgress(`Undo revisions from another branch on ${target.database}`,
    (signal) => core().downgradePhantoms({ chain, url, protectedPatterns, logger: deps.log, signal, applicationName: 'migration-chain vscode' }));
  await deps.chains.refresh(snapshot.folder.uri);
  return `Undid ${result.undone.length} revision(s) from another branch on ${target.database}: now at ${result.to.join(', ') || 'base'}.`;
};
