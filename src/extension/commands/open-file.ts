import { MigrationChainError } from '../core';
import { isRecord } from './command-args';
import type { CommandFactory } from './deps';
import { openUri } from './migrate';

/** Opens a revision's file at its revision line, or the file of a problem node at its line. */
export const openFile: CommandFactory = (deps) => async (arg?: unknown) => {
  if (isRecord(arg) && typeof arg.folderUri === 'string') {
    if (typeof arg.revision === 'string') {
      const m = deps.chains.snapshot(arg.folderUri)?.chain?.graph.get(arg.revision);
      if (m) { await openUri(m.file, m.revisionLine); return; }
      throw new MigrationChainError('usage', `Revision ${arg.revision} has no file in this folder.`);
    }
    const d = arg.diagnostic;
    if (isRecord(d) && typeof d.file === 'string') {
      await openUri(d.file, typeof d.line === 'number' ? d.line : 1);
      return;
    }
  }
  throw new MigrationChainError('usage', 'Open File needs a revision from the Migration Chain tree.');
};
