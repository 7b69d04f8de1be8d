import type { Command } from '../context';
import { printSql } from './sql';
import { runOptions, summariseRun } from './shared';

/** `upgrade [TARGET]`: apply the pending migrations up to TARGET (default head). */
export const upgrade: Command = async (ctx) => {
  const target = ctx.positionals[0] ?? 'head';
  if (ctx.options.sql) return printSql(ctx, 'up', target);
  const chain = await ctx.chain({ requireValid: true });
  const url = ctx.databaseUrl();
  const result = await ctx.core().upgrade({ chain, url: url.url, target, ...runOptions(ctx) });
  ctx.output.result(summariseRun('Upgraded', result));
  return 0;
};
