import type { Command } from '../context';
import { formatRevisions, runOptions } from './shared';

/** `stamp REV`: record REV as applied without running anything (adopting a create_all database). */
export const stamp: Command = async (ctx) => {
  const target = ctx.positionals[0];
  await ctx.chain({ requireValid: true });
  const url = ctx.runDatabaseUrl().url;
  const result = await (await ctx.engine()).stamp(target, { url, ...runOptions(ctx), force: ctx.options.force });
  const how = result.via ? ` (${result.via})` : result.forced ? ' (forced)' : '';
  ctx.output.result(`Stamped ${formatRevisions(result.from)} -> ${formatRevisions(result.to)}${how}.`);
  return 0;
};
