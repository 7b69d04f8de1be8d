// Release Migration Lock: the CLI's `unlock` in the editor, through the same two core calls. It
// names every holder of the migration lock (session lock or lease: host, pid, application, since,
// heartbeat) in a modal, and clears only the provably abandoned ones after confirmation (typed name
// for a remote or protected database). A live holder is never cleared: the modal says so and nothing runs.
import * as vscode from 'vscode';
import { confirmOrThrow } from '../confirm/confirm';
import { releaseLockConfirmation } from '../confirm/confirm-text';
import { ConfirmationError, core } from '../core';
import { chooseFolder } from './command-args';
import type { CommandFactory } from './deps';

export const releaseLock: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg, false);
  const settings = deps.settings.for(deps.chains.workspaceFolder(snapshot.folder.uri));
  const connection = await deps.chains.connect(snapshot.folder.uri, 'Release Migration Lock');
  const c = core();
  const options = {
    url: connection.url, ...(connection.directUrl ? { directUrl: connection.directUrl } : {}),
    leaseMs: settings.lockLeaseSeconds * 1000, applicationName: 'migration-chain vscode (unlock)',
  };
  const inspection = await c.inspectLock(options);
  const where = inspection.target.display;
  if (!inspection.holders.length) return `No migration lock is held on ${where}.`;
  deps.log.info([`The migration lock on ${where} is held by:`, ...inspection.holders.map((h) => `  ${c.describeHeldLock(h)}`)].join('\n'));
  const shown = releaseLockConfirmation(inspection.target, inspection.holders.map((h) => ({ abandoned: h.abandoned, facts: c.heldLockFacts(h) })), settings);
  if (!shown.confirmation) {
    await vscode.window.showWarningMessage(shown.message, { modal: true, detail: shown.detail });
    throw new ConfirmationError(`The migration lock on ${where} is held by a live run; nothing was changed.`);
  }
  await confirmOrThrow(shown.confirmation);
  const cleared = await c.clearAbandonedLock(options, inspection);
  for (const h of cleared) deps.log.info(`Released: ${c.describeHeldLock(h)}`);
  const abandoned = inspection.holders.filter((h) => h.abandoned).length;
  if (!cleared.length) {
    throw new ConfirmationError(`Nothing released on ${where}: the holder${abandoned === 1 ? '' : 's'} came back or let go in the meantime.`);
  }
  return `Released ${cleared.length} abandoned migration lock${cleared.length === 1 ? '' : 's'} on ${where}.`;
};
