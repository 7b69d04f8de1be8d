import { irreversible } from '../../core/run/step';
import type { Command } from '../context';
import { confirmDangerous, protectedPatternsFrom } from '../confirm';
import { renderDowngradePlan } from '../print-integrity';
import { alembicOptions } from './alembic';
import { printSql } from './sql';
import { formatRevisions, runOptions, summariseRun } from './shared';

/** `downgrade TARGET`: show what would be undone (newest first), confirm, undo. */
export const downgrade: Command = async (ctx) => {
  const target = ctx.positionals[0];
  if (ctx.options.sql) return printSql(ctx, 'down', target);
  const chain = await ctx.chain({ requireValid: true });
  const url = ctx.databaseUrl();
  const core = ctx.core();
  const plan = await core.planRun({ chain, url: url.url, direction: 'down', target });
  if (!plan.steps.length) {
    ctx.output.result(`Nothing to do: the database is at ${formatRevisions(plan.from)}.`);
    return 0;
  }
  ctx.output.note(renderDowngradePlan(plan, ctx.io.cwd).join('\n'));
  // Refused before asking: no confirmation can make a missing downgrade section run.
  if (plan.irreversible?.length) {
    throw irreversible(plan.irreversible.map((rev) => chain.graph.get(rev)).filter((m) => m !== undefined));
  }
  await confirmDangerous({
    operation: `downgrade ${plan.steps.length} migration${plan.steps.length === 1 ? '' : 's'}`,
    target: plan.target,
    yes: ctx.options.yes,
    confirmDatabase: ctx.options.confirmDatabase,
    stdinIsTTY: ctx.io.stdinIsTTY,
    protectedPatterns: protectedPatternsFrom(ctx.io.env),
  }, ctx.io.ask);
  const project = await ctx.alembicProject();
  const result = project
    ? await core.alembicDowngrade({ ...(await alembicOptions(ctx, project, chain, url.url)), target })
    : await core.downgrade({ chain, url: url.url, target, ...runOptions(ctx) });
  ctx.output.result(summariseRun('Downgraded', result));
  return 0;
};
