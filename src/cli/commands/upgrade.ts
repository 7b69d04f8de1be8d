import type { Command, CommandContext } from '../context';
import type { RunPreview } from '../core';
import { confirmSimple } from '../confirm';
import { hasRisks, renderRiskPreview, upgradeRisks } from '../print-integrity';
import { ExitCode } from '../exit-codes';
import { renderVerifyReport } from '../print';
import { printSql } from './sql';
import { runOptions, summariseRun } from './shared';

/**
 * `upgrade [TARGET]`: apply the pending migrations up to TARGET (default head). In a terminal, a plan
 * with destructive statements, non-transactional migrations or blocking locks on large tables is shown
 * and confirmed first; without a terminal (deploy hooks, CI) nothing is asked. The chain's engine runs
 * it (an Alembic project's own Alembic verifies afterwards).
 */
export const upgrade: Command = async (ctx) => {
  const target = ctx.positionals[0] ?? 'head';
  if (ctx.options.sql) return printSql(ctx, 'up', target);
  await ctx.chain({ requireValid: true });
  const url = ctx.runDatabaseUrl().url;
  const engine = await ctx.engine();
  // --yes skips the question, not the list of blocking locks on large tables.
  if (ctx.io.stdinIsTTY || ctx.options.yes) {
    // With --yes only the locks are printed: the statements are not read (for Alembic, an offline run).
    await confirmPreview(ctx, await engine.previewRun('up', target, { url, ...runOptions(ctx) }, { statements: !ctx.options.yes }));
  }
  // The verify report is printed below on stdout, so the engine does not log its checks as well.
  const result = await engine.upgrade(target, { url, ...runOptions(ctx), logger: { ...ctx.logger, rendersVerifyReport: true } });
  if (result.verify) ctx.output.result(renderVerifyReport(result.verify, ctx.io.cwd).join('\n'));
  ctx.output.result(summariseRun('Upgraded', result));
  return result.verify && !result.verify.ok ? ExitCode.verifyFailed : ExitCode.ok;
};

async function confirmPreview(ctx: CommandContext, preview: RunPreview): Promise<void> {
  const { plan } = preview;
  if (plan.steps.length === 0) return;
  const locks = preview.largeTableLocksBlock ? [preview.largeTableLocksBlock] : [];
  if (ctx.options.yes) {
    if (locks.length) ctx.output.note(locks.join('\n'));
    return;
  }
  for (const note of preview.notes) ctx.output.note(note);
  const risks = upgradeRisks(plan.steps, preview.riskyOf);
  if (!hasRisks(risks) && !locks.length) return;
  ctx.output.note([
    `Upgrade ${plan.target.display} applies ${plan.steps.length} migration(s), with:`,
    ...(hasRisks(risks) ? renderRiskPreview(risks, ctx.io.cwd) : []),
    ...locks,
  ].join('\n'));
  await confirmSimple({
    operation: `upgrade ${plan.target.database}`,
    yes: false,
    stdinIsTTY: true,
    // A migration that may partially apply needs more than a reflexive "y".
    typeName: preview.guarantee.kind === 'may-partially-apply' ? plan.target.database : undefined,
  }, ctx.io.ask);
}
