// Reset: show what will be dropped and which guarantee applies (modal, typed name when non-local or
// protected; always asked; asked again when the reset cannot be rehearsed for want of CREATEDB),
// then, with progress and Cancel, drop and recreate schema public, upgrade to head and verify —
// through the engine for native chains (all-or-nothing, or rehearsed on a scratch database; its
// confirm hook re-checks that the target and the guarantee are the ones confirmed), through the
// project's own `alembic upgrade head` for Alembic projects.
import { ConfirmationError, MigrationChainError } from '../../core/errors';
import { runAlembic } from '../alembic';
import { confirmOrThrow } from '../confirm';
import { resetConfirmation, unrehearsedResetConfirmation } from '../confirm-text';
import { core, type VerifyReport } from '../core';
import { withCancellableProgress } from '../progress';
import { chooseFolder, requireChain } from './args';
import type { CommandFactory } from './deps';

const ALEMBIC_GUARANTEE = 'NOT rehearsed and not all-or-nothing: the drop commits, then the project\'s own `alembic upgrade head` runs '
  + 'in its own connection. If a migration fails, the data is gone and the schema is left half-built.';

export const reset: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg);
  const chain = requireChain(snapshot);
  const folder = deps.chains.workspaceFolder(snapshot.folder.uri);
  const settings = deps.settings.for(folder);
  const { url, target } = await deps.chains.connect(snapshot.folder.uri, 'Reset');
  const c = core();

  if (snapshot.alembicDir) {
    const alembicDir = snapshot.alembicDir;
    const description = await c.describeDatabase({ url });
    await confirmOrThrow(resetConfirmation(description, chain.graph.topologicalOrder(), settings, ALEMBIC_GUARANTEE));
    deps.log.show();
    try {
      const report = await withCancellableProgress(`Reset ${target.database}`, async (signal) => {
        deps.log.info(`Reset ${target.display}: drop and recreate schema public, then alembic upgrade head`);
        await c.withConnection(url, {}, (client) => c.recreateSchema(client, 'public'));
        await runAlembic({
          command: settings.alembicCommand, args: ['upgrade', 'head'], cwd: alembicDir,
          env: { [settings.envVariable]: url }, log: deps.log, signal,
        });
        return c.verify({ chain, url, logger: deps.log, signal });
      });
      assertVerified(report, target.database);
      return `Reset ${target.database}: schema public recreated and upgraded to head with Alembic, verify passed.`;
    } finally {
      await deps.chains.refresh(snapshot.folder.uri);
    }
  }

  const preview = await c.previewReset({ chain, url, rehearse: settings.resetRehearse });
  const guarantee = c.describeGuarantee(preview.guarantee, preview.target);
  await confirmOrThrow(resetConfirmation(preview, preview.revisions, settings, guarantee));
  if (c.needsSecondConfirmation(preview.guarantee)) await confirmOrThrow(unrehearsedResetConfirmation(preview.target, guarantee));

  deps.diagnostics.clearRunProblems('sql');
  deps.log.show();
  try {
    const result = await withCancellableProgress(`Reset ${target.database}`, (signal) => c.reset({
      chain,
      url,
      logger: deps.log,
      signal,
      lockTimeoutMs: settings.lockTimeoutSeconds * 1000,
      rehearse: settings.resetRehearse,
      ...(settings.statementLockTimeoutSeconds !== undefined ? { statementLockTimeoutMs: settings.statementLockTimeoutSeconds * 1000 } : {}),
      confirm: async (info) => {
        if (info.target.database !== target.database || info.target.host !== target.host || info.target.port !== target.port) {
          throw new ConfirmationError(`Reset stopped: the engine is connected to ${info.target.display}, not the confirmed ${target.display}.`);
        }
        if (info.guarantee.kind !== preview.guarantee.kind) {
          throw new ConfirmationError(`Reset stopped: the guarantee changed since it was confirmed (now: ${c.describeGuarantee(info.guarantee, info.target)}); nothing was changed.`);
        }
        return true;
      },
    }));
    assertVerified(result.verify, target.database);
    const n = result.applied.length;
    const how = result.guarantee.kind === 'all-or-nothing' ? 'all-or-nothing' : result.rehearsal ? 'rehearsed on a scratch database first' : 'not rehearsed';
    return `Reset ${target.database}: dropped ${result.tablesBefore.length} table(s), applied ${n} revision${n === 1 ? '' : 's'}, verify passed (${how}).`;
  } finally {
    await deps.chains.refresh(snapshot.folder.uri);
  }
};

function assertVerified(report: VerifyReport, database: string): void {
  if (report.ok) return;
  const failed = report.checks.filter((ch) => !ch.ok).map((ch) => ch.name);
  throw new MigrationChainError('verify', `Reset ${database} ran, but verify failed: ${failed.join(', ')}`);
}
