import type { Command } from '../context';
import { confirmDangerous, protectedPatternsFrom } from '../confirm';
import { irreversible } from '../core';
import { renderDowngradePlan } from '../print-integrity';
import { printSql } from './sql';
import { formatRevisions, runOptions, summariseRun } from './shared';

/** `downgrade TARGET`: show what would be undone (newest first) and what it deletes, confirm, undo. */
export const downgrade: Command = async (ctx) => {
  if (ctx.options.phantoms) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for this form
    return (require('./downgrade-phantoms') as typeof import('./downgrade-phantoms')).downgradePhantoms(ctx);
  }
  const target = ctx.positionals[0];
  if (ctx.options.sql) return printSql(ctx, 'down', target);
  const chain = await ctx.chain({ requireValid: true });
  const url = ctx.runDatabaseUrl().url;
  const engine = await ctx.engine();
  const preview = await engine.previewRun('down', target, { url, ...runOptions(ctx) });
  const { plan } = preview;
  if (!plan.steps.length) {
    ctx.output.result(`Nothing to do: the database is at ${formatRevisions(plan.from)}.`);
    return 0;
  }
  ctx.output.note(renderDowngradePlan(plan, ctx.io.cwd).join('\n'));
  // What the undo deletes (for an Alembic project from `alembic downgrade --sql`), and what could not be read.
  for (const note of preview.notes) ctx.output.note(note);
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
  const result = await engine.downgrade(target, { url, ...runOptions(ctx) });
  ctx.output.result(summariseRun('Downgraded', result));
  return 0;
};
