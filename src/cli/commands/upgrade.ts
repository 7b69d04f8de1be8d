import type { Command, CommandContext } from '../context';
import { confirmSimple } from '../confirm';
import { hasRisks, renderRiskPreview, upgradeRisks } from '../print-integrity';
import { ExitCode } from '../exit-codes';
import { renderVerifyReport } from '../print';
import type { OfflineAlembic } from '../../core/alembic/offline-sql';
import { alembicOptions } from './alembic';
import { printSql } from './sql';
import { runOptions, summariseRun } from './shared';

/**
 * `upgrade [TARGET]`: apply the pending migrations up to TARGET (default head). In a terminal, a plan
 * with destructive statements or non-transactional migrations is shown and confirmed first; without
 * a terminal (deploy hooks, CI) nothing is asked. An Alembic project runs its own Alembic (under our
 * lock) and is verified afterwards.
 */
export const upgrade: Command = async (ctx) => {
  const target = ctx.positionals[0] ?? 'head';
  if (ctx.options.sql) return printSql(ctx, 'up', target);
  const chain = await ctx.chain({ requireValid: true });
  const url = ctx.databaseUrl();
  const project = await ctx.alembicProject();
  if (project) {
    const options = await alembicOptions(ctx, project, chain, url.url);
    if (ctx.io.stdinIsTTY && !ctx.options.yes) await confirmRisks(ctx, url.url, target, options);
    const result = await ctx.core().alembicUpgrade({ ...options, target });
    if (result.verify) ctx.output.result(renderVerifyReport(result.verify, ctx.io.cwd).join('\n'));
    ctx.output.result(summariseRun('Upgraded', result));
    return result.verify && !result.verify.ok ? ExitCode.verifyFailed : ExitCode.ok;
  }
  if (ctx.io.stdinIsTTY && !ctx.options.yes) await confirmRisks(ctx, url.url, target);
  const result = await ctx.core().upgrade({ chain, url: url.url, target, ...runOptions(ctx) });
  ctx.output.result(summariseRun('Upgraded', result));
  return 0;
};

/** `alembic`: an Alembic project, whose revisions' SQL comes from its Alembic's offline mode. */
async function confirmRisks(ctx: CommandContext, url: string, target: string, alembic?: OfflineAlembic): Promise<void> {
  const chain = await ctx.chain();
  const core = ctx.core();
  const plan = await core.planRun({ chain, url, direction: 'up', target, runByAlembic: !!alembic });
  const offline = alembic ? await core.alembicRisks(alembic, chain, 'up', plan.steps.map((s) => s.revision), target) : undefined;
  for (const f of offline?.failures ?? []) ctx.output.note(`Not previewed: ${f.revision} cannot run in Alembic's offline mode (${f.reason}).`);
  const risks = upgradeRisks(plan.steps, offline?.riskyOf ?? core.riskyOfStep(chain.graph));
  if (!hasRisks(risks)) return;
  ctx.output.note([`Upgrade ${plan.target.display} applies ${plan.steps.length} migration(s), with:`, ...renderRiskPreview(risks, ctx.io.cwd)].join('\n'));
  await confirmSimple({
    operation: `upgrade ${plan.target.database}`,
    yes: false,
    stdinIsTTY: true,
    // A migration that may partially apply needs more than a reflexive "y".
    typeName: risks.nonTransactional.length ? plan.target.database : undefined,
  }, ctx.io.ask);
}
