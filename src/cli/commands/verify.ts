import type { Command } from '../context';
import { UsageError } from '../args';
import { ExitCode } from '../exit-codes';
import { renderDrift, renderVerifyReport } from '../print';

/**
 * `verify`: the structured report of DESIGN.md; with --drift also the schema comparison against a
 * scratch database built from the chain. Exit 6 when any check fails or the schema drifted.
 */
export const verify: Command = async (ctx) => {
  const core = ctx.core();
  const checkDrift = core.checkDrift;
  if (ctx.options.drift && !checkDrift) {
    throw new UsageError(
      '--drift is not available in this build: comparing the live schema with the chain\'s schema is not implemented yet.',
      'Run `migration-chain verify` without --drift; it checks versions, tables, foreign keys and every verify block.',
    );
  }
  const chain = await ctx.chain({ requireValid: true });
  const url = ctx.databaseUrl();
  const report = await core.verify({ chain, url: url.url, logger: ctx.logger, signal: ctx.signal });
  const drift = ctx.options.drift && checkDrift
    ? await checkDrift({ chain, url: url.url, logger: ctx.logger, signal: ctx.signal })
    : undefined;
  const ok = report.ok && (!drift || drift.entries.length === 0);
  if (ctx.options.json) {
    ctx.output.json(drift ? { ...report, ok, verifyOk: report.ok, drift } : report);
  } else {
    const lines = renderVerifyReport(report, ctx.io.cwd);
    if (drift) lines.push(...renderDrift(drift, ctx.io.cwd));
    ctx.output.result(lines.join('\n'));
  }
  return ok ? ExitCode.ok : ExitCode.verifyFailed;
};
