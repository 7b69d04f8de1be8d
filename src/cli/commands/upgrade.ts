import type { Chain } from '../../core/chain/chain';
import type { OfflineAlembic } from '../../core/lint/alembic-offline';
import type { Command, CommandContext } from '../context';
import { confirmSimple } from '../confirm';
import { hasRisks, renderRiskPreview, upgradeRisks } from '../print-integrity';
import { ExitCode } from '../exit-codes';
import { renderVerifyReport } from '../print';
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
  const url = ctx.runDatabaseUrl();
  const project = await ctx.alembicProject();
  if (project) {
    const options = await alembicOptions(ctx, project, chain, url.url);
    // The .py revisions' statements come from Alembic's offline SQL, as for `lint`.
    if (ctx.io.stdinIsTTY || ctx.options.yes) await confirmRisks(ctx, url.url, target, () => options);
    const result = await ctx.core().alembicUpgrade({ ...options, target });
    if (result.verify) ctx.output.result(renderVerifyReport(result.verify, ctx.io.cwd).join('\n'));
    ctx.output.result(summariseRun('Upgraded', result));
    return result.verify && !result.verify.ok ? ExitCode.verifyFailed : ExitCode.ok;
  }
  // --yes skips the question, not the list of blocking locks on large tables.
  if (ctx.io.stdinIsTTY || ctx.options.yes) await confirmRisks(ctx, url.url, target);
  const result = await ctx.core().upgrade({ chain, url: url.url, target, ...runOptions(ctx) });
  ctx.output.result(summariseRun('Upgraded', result));
  return 0;
};

async function confirmRisks(ctx: CommandContext, url: string, target: string, alembic?: () => OfflineAlembic): Promise<void> {
  const chain = await ctx.chain();
  const core = ctx.core();
  const plan = await core.planRun({ chain, url, direction: 'up', target, throughAlembic: alembic !== undefined });
  if (plan.steps.length === 0) return;
  // An Alembic project's destructive statements come from its Alembic's offline SQL (not needed with --yes: only locks are printed then).
  const offline = alembic && !ctx.options.yes ? await core.alembicRisks(alembic(), chain, 'up', plan.steps.map((s) => s.revision), target) : undefined;
  for (const f of offline?.failures ?? []) ctx.output.note(`Not previewed: ${f.revision} cannot run in Alembic's offline mode (${f.reason}).`);
  const risks = upgradeRisks(plan.steps, offline?.riskyOf ?? core.riskyOfStep(chain.graph));
  const locks = await largeTableLocks(ctx, chain, plan.steps.map((s) => s.revision), url, alembic);
  if (ctx.options.yes) {
    if (locks.length) ctx.output.note(locks.join('\n'));
    return;
  }
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
    typeName: risks.nonTransactional.length ? plan.target.database : undefined,
  }, ctx.io.ask);
}

/** The confirmation's block of blocking locks on large tables ([] when none); a lint failure never blocks the run. */
async function largeTableLocks(ctx: CommandContext, chain: Chain, revisions: string[], url: string, alembic?: () => OfflineAlembic): Promise<string[]> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the parser loads only for an upgrade with pending revisions
    const api = require('../../core/lint/confirmation') as typeof import('../../core/lint/confirmation');
    const lines = await api.largeTableLocks(chain, revisions, url, alembic);
    return lines.length ? [api.largeTableLocksBlock(lines)] : [];
  } catch (err) {
    ctx.logger.warn(`lock check before the upgrade failed: ${err instanceof Error ? err.message : String(err)}`);
    return [];
  }
}
