import type { CommandContext } from '../context';

/**
 * `upgrade --sql` / `downgrade --sql`: the offline script on stdout. `FROM:TO` starts from FROM
 * without asking any database (Alembic's form); otherwise a configured database gives the start.
 */
export async function printSql(ctx: CommandContext, direction: 'up' | 'down', targetArg: string): Promise<number> {
  const chain = await ctx.chain({ requireValid: true });
  const colon = targetArg.indexOf(':');
  const target = colon >= 0 ? targetArg.slice(colon + 1) || 'head' : targetArg;
  const from = colon >= 0 ? chain.graph.resolve(targetArg.slice(0, colon) || 'base', []).revisions : undefined;
  const url = from ? undefined : ctx.optionalDatabaseUrl()?.url;
  if (!from && !url) ctx.logger.info(`-- no database configured: rendering from ${direction === 'up' ? '<base>' : 'head'}; give FROM:TO to start elsewhere`);
  const sql = await ctx.core().renderSql({ chain, direction, target, from, url });
  ctx.output.result(sql);
  return 0;
}
