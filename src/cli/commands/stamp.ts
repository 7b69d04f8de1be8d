import type { Command } from '../context';
import { alembicOptions } from './alembic';
import { formatRevisions, runOptions } from './shared';

/** `stamp REV`: record REV as applied without running anything (adopting a create_all database). */
export const stamp: Command = async (ctx) => {
  const target = ctx.positionals[0];
  const chain = await ctx.chain({ requireValid: true });
  const url = ctx.runDatabaseUrl();
  const project = await ctx.alembicProject();
  if (project) {
    if (ctx.options.force) ctx.logger.warn('--force has no effect on an Alembic project: Alembic\'s stamp checks nothing.');
    const result = await ctx.core().alembicStamp({ ...(await alembicOptions(ctx, project, chain, url.url)), target });
    ctx.output.result(`Stamped ${formatRevisions(result.from)} -> ${formatRevisions(result.to)} (Alembic).`);
    return 0;
  }
  const result = await ctx.core().stamp({ chain, url: url.url, target, force: ctx.options.force, ...runOptions(ctx) });
  ctx.output.result(`Stamped ${formatRevisions(result.from)} -> ${formatRevisions(result.to)}${result.forced ? ' (forced)' : ''}.`);
  return 0;
};
