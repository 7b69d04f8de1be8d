// Verify: the engine's structured report goes to the channel, its failures to the Problems panel.
import { core, MigrationChainError, type VerifyReport } from '../core';
import type { RunProblem } from '../problems/diagnostics';
import { withCancellableProgress } from '../output/progress';
import { chooseFolder, requireChain } from './command-args';
import type { CommandDeps, CommandFactory } from './deps';

export const verify: CommandFactory = (deps) => async (arg?: unknown) => {
  const snapshot = await chooseFolder(deps, arg);
  const chain = requireChain(snapshot);
  const { url, target } = await deps.chains.connect(snapshot.folder.uri, 'Verify');
  deps.log.show();
  const report = await withCancellableProgress(`Verify ${target.database}`, (signal) =>
    core().verify({ chain, url, logger: deps.log, signal }));
  const failed = publishVerifyReport(deps, report);
  await deps.chains.refresh(snapshot.folder.uri);
  if (!report.ok) {
    throw new MigrationChainError('verify',
      `Verify found ${failed.length} problem${failed.length === 1 ? '' : 's'} in ${target.database}: ${failed.map((ch) => ch.name).join(', ')}`);
  }
  return `Verify ${target.database}: all ${report.checks.length} checks passed.`;
};

/** Every check to the channel, the failed ones with a file to the Problems panel; returns the failed checks. */
export function publishVerifyReport(deps: CommandDeps, report: VerifyReport): VerifyReport['checks'] {
  for (const check of report.checks) {
    const line = `${check.ok ? '✔' : '✘'} ${check.name}${check.detail ? `: ${check.detail}` : ''}`;
    if (check.ok) deps.log.info(line);
    else deps.log.warn(line);
  }
  const failed = report.checks.filter((ch) => !ch.ok);
  const problems: RunProblem[] = failed
    .filter((ch) => ch.file)
    .map((ch) => ({ file: ch.file!, line: ch.line ?? 1, message: `${ch.name}: ${ch.detail}`, code: 'verify', severity: 'error' }));
  deps.diagnostics.setRunProblems('verify', problems);
  return failed;
}
