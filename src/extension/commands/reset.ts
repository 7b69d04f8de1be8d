// Reset: show what will be dropped (modal, typed name when non-local or protected; always asked),
// then, with progress and Cancel, drop and recreate schema public, upgrade to head and verify —
// through the engine for native chains (its confirm hook re-checks the target is the one
// confirmed), through the project's own Alembic for Alembic projects (core/alembic/reset.ts: nothing
// is dropped unless Alembic starts, agrees on the heads and runs env.py first).
import { ConfirmationError, MigrationChainError } from '../../core/errors';
import { alembicOptions } from '../alembic';
import { confirmOrThrow } from '../confirm';
import { resetConfirmation } from '../confirm-text';
import { core, type DatabaseDescription } from '../core';
import { withCancellableProgress } from '../progress';
import { chooseFolder, requireChain } from './args';
import type { CommandFactory } from './deps';

export const reset: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg);
  const chain = requireChain(snapshot);
  const folder = deps.chains.workspaceFolder(snapshot.folder.uri);
  const settings = deps.settings.for(folder);
  const { url, target } = await deps.chains.connect(snapshot.folder.uri, 'Reset');
  const c = core();
  const description = await c.describeDatabase({ url });
  await confirmOrThrow(resetConfirmation(description, chain.graph.topologicalOrder(), settings));

  deps.diagnostics.clearRunProblems('sql');
  deps.log.show();
  try {
    // The engine re-checks that it is connected to the database the modal named.
    const confirm = async (info: DatabaseDescription) => {
      if (info.target.database !== target.database || info.target.host !== target.host || info.target.port !== target.port) {
        throw new ConfirmationError(`Reset stopped: the engine is connected to ${info.target.display}, not the confirmed ${target.display}.`);
      }
      return true;
    };
    const project = snapshot.alembicProject;
    const result = await withCancellableProgress(`Reset ${target.database}`, (signal) => (project
      ? c.alembicReset({ ...alembicOptions({ project, chain, url, settings, workspaceFolder: snapshot.folder.fsPath, log: deps.log, signal }), confirm })
      : c.reset({ chain, url, logger: deps.log, signal, lockTimeoutMs: settings.lockTimeoutSeconds * 1000, confirm })));
    if (!result.verify.ok) {
      const failed = result.verify.checks.filter((ch) => !ch.ok).map((ch) => ch.name);
      throw new MigrationChainError('verify', `Reset ${target.database} ran, but verify failed: ${failed.join(', ')}`);
    }
    const n = result.applied.length;
    return `Reset ${target.database}: dropped ${result.tablesBefore.length} table(s), applied ${n} revision${n === 1 ? '' : 's'}${project ? ' with Alembic' : ''}, verify passed.`;
  } finally {
    await deps.chains.refresh(snapshot.folder.uri);
  }
};
