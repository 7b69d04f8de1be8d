// Reset: show what will be dropped (modal, typed name when non-local or protected; always asked),
// then, with progress and Cancel, drop and recreate schema public, upgrade to head and verify —
// through the engine for native chains (its confirm hook re-checks the target is the one
// confirmed), through the project's own `alembic upgrade head` for Alembic projects.
import { ConfirmationError, core, MigrationChainError } from '../core';
import { runAlembic } from '../alembic';
import { confirmOrThrow } from '../confirm';
import { resetConfirmation } from '../confirm-text';
import { withCancellableProgress } from '../progress';
import { chooseFolder, requireChain } from './command-args';
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
    if (snapshot.alembicDir) {
      const alembicDir = snapshot.alembicDir;
      await withCancellableProgress(`Reset ${target.database}`, async (signal) => {
        deps.log.info(`Reset ${target.display}: drop and recreate schema public, then alembic upgrade head`);
        await c.withConnection(url, {}, (client) => c.recreateSchema(client, 'public'));
        await runAlembic({
          command: settings.alembicCommand, args: ['upgrade', 'head'], cwd: alembicDir,
          env: { [settings.envVariable]: url }, log: deps.log, signal,
        });
      });
      return `Reset ${target.database}: schema public recreated and upgraded to head with Alembic.`;
    }
    const result = await withCancellableProgress(`Reset ${target.database}`, (signal) => c.reset({
      chain,
      url,
      logger: deps.log,
      signal,
      lockTimeoutMs: settings.lockTimeoutSeconds * 1000,
      confirm: (info) => {
        if (info.target.database !== target.database || info.target.host !== target.host || info.target.port !== target.port) {
          return Promise.reject(new ConfirmationError(`Reset stopped: the engine is connected to ${info.target.display}, not the confirmed ${target.display}.`));
        }
        return Promise.resolve(true);
      },
    }));
    if (!result.verify.ok) {
      const failed = result.verify.checks.filter((ch) => !ch.ok).map((ch) => ch.name);
      throw new MigrationChainError('verify', `Reset ${target.database} ran, but verify failed: ${failed.join(', ')}`);
    }
    const n = result.applied.length;
    return `Reset ${target.database}: dropped ${result.tablesBefore.length} table(s), applied ${n} revision${n === 1 ? '' : 's'}, verify passed.`;
  } finally {
    await deps.chains.refresh(snapshot.folder.uri);
  }
};
