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
  const url = ctx.runDatabaseUrl();
  const core = ctx.core();
  const plan = await core.planRun({ chain, url: url.url, direction: 'down', target });
  if (!plan.steps.length) {
    ctx.output.result(`Nothing to do: the database is at ${formatRevisions(plan.from)}.`);
    return 0;
  }
  ctx.output.note(renderDowngradePlan(plan, ctx.io.cwd).join('\n'));
  const project = await ctx.alembicProject();
  const alembic = project ? await alembicOptions(ctx, project, chain, url.url) : undefined;
  if (alembic) {
    // What the undo deletes, from `alembic downgrade --sql`; a revision it cannot print is said, never guessed.
    const risks = await core.alembicRisks(alembic, chain, 'down', plan.steps.map((s) => s.revision), target);
    const drops = plan.steps.flatMap((s) => risks.riskyOf(s).filter((r) => r.kind === 'destructive').map((r) => `  ${r.statement} (${s.revision})`));
    if (drops.length) ctx.output.note(['The downgrade SQL (alembic downgrade --sql) deletes data:', ...drops].join('\n'));
    for (const f of risks.failures) ctx.output.note(`Not previewed: ${f.revision} cannot run in Alembic's offline mode (${f.reason}).`);
  }
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
  const result = alembic
    ? await core.alembicDowngrade({ ...alembic, target })
    : await core.downgrade({ chain, url: url.url, target, ...runOptions(ctx) });
  ctx.output.result(summariseRun('Downgraded', result));
  return 0;
};
