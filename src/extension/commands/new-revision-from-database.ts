// "New Revision from Database…": the next native revision written from what was changed in the
// dev database (core authoring/from-database.ts: head built on a scratch database, diffed both
// ways, rehearsed before writing). The file opens on its first data-loss mark, or its header; its
// data-loss marks and lint findings reach Problems through the chain refresh like any file's.
import * as vscode from 'vscode';
import { CancelledError, core, MigrationChainError } from '../core';
import { withCancellableProgress } from '../output/progress';
import { chooseFolder, requireChain } from './command-args';
import type { CommandFactory } from './deps';
import { openUri } from './migrate';

export const newRevisionFromDatabase: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg);
  const chain = requireChain(snapshot);
  if (snapshot.alembicProject) {
    throw new MigrationChainError('usage', `${snapshot.folder.name}: an Alembic project's revisions come from its models.`,
      'Use "Migration Chain: New Revision (Autogenerate)…", which runs the project\'s alembic revision --autogenerate.');
  }
  const { url, target } = await deps.chains.connect(snapshot.folder.uri, 'New Revision from Database');
  const message = await vscode.window.showInputBox({
    title: 'New Revision from Database',
    prompt: `Message for the revision that brings the chain's head to the schema of ${target.database}`,
    placeHolder: 'add phone to prospects',
    validateInput: (v) => (v.trim() ? undefined : 'A message is required'),
  });
  if (message === undefined) throw new CancelledError(undefined, 'New Revision from Database cancelled.');
  const generated = await withCancellableProgress(`New revision from ${target.database}`,
    (signal) => core().revisionFromDatabase({ dir: chain.dir, url, message: message.trim(), logger: deps.log, signal }));
  deps.log.info(`Created revision ${generated.revision} from ${target.display}: ${generated.file}`);
  await deps.chains.refresh(snapshot.folder.uri);
  const line = generated.dataLoss[0]?.line ?? deps.chains.snapshot(snapshot.folder.uri)?.chain?.graph.get(generated.revision)?.revisionLine ?? 1;
  await openUri(generated.file, line);
  const loss = generated.dataLoss.length;
  return `Created revision ${generated.revision} from ${target.database} (${generated.upgrade.length} statement(s), nothing applied)`
    + (loss ? `; ${loss} statement(s) lose data, marked in the file and in Problems.` : '.');
};
