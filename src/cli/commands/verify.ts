import type { Command } from '../context';
import { ExitCode } from '../exit-codes';
import { displayPath, renderVerifyReport } from '../print';

/**
 * `verify`: the structured report (ARCHITECTURE.md, README "How runs work"); with --drift also the schema comparison against a
 * scratch database built from the chain. Exit 6 when any check fails or the schema drifted.
 */
export const verify: Command = async (ctx) => {
  const core = ctx.core();
  const chain = await ctx.chain({ requireValid: true });
  const url = ctx.databaseUrl();
  const report = await core.verify({ chain, url: url.url, logger: ctx.logger, signal: ctx.signal });
  // An Alembic project's scratch database is built by its own Alembic: only Python runs its revisions.
  const buildScratch = ctx.options.drift ? await (await ctx.engine()).driftScratchBuilder({ signal: ctx.signal }) : undefined;
  const drift = ctx.options.drift
    ? await core.checkDrift({ chain, url: url.url, logger: ctx.logger, signal: ctx.signal, buildScratch })
    : undefined;
  const ok = report.ok && (!drift || drift.entries.length === 0);
  if (ctx.options.json) {
    ctx.output.json(drift ? { ...report, ok, verifyOk: report.ok, drift } : report);
  } else {
    const lines = renderVerifyReport(report, ctx.io.cwd);
    if (drift) {
      // Paths relative to the working directory, so terminals and CI link them.
      const entries = drift.entries.map((e) => (e.source ? { ...e, source: { ...e.source, file: displayPath(e.source.file, ctx.io.cwd) } } : e));
      lines.push('', core.formatSchemaDiff(entries, drift.baseRevision));
    }
    ctx.output.result(lines.join('\n'));
  }
  return ok ? ExitCode.ok : ExitCode.verifyFailed;
};
