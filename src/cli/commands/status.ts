import type { Command } from '../context';
import { editedRevisions, renderStatus } from '../print';
import { warnAboutChain } from './shared';

/** `status`: where the database is and how many migrations are pending. */
export const status: Command = async (ctx) => {
  const chain = await ctx.chain();
  warnAboutChain(ctx, chain);
  const url = ctx.databaseUrl();
  const result = await ctx.core().getStatus(chain, { url: url.url });
  if (ctx.options.json) {
    ctx.output.json({
      database: result.target.display,
      versionTableExists: result.versionTableExists,
      current: result.heads,
      heads: chain.graph.heads,
      pending: result.pending,
      unknown: result.unknown,
      edited: editedRevisions(result),
    });
  } else {
    ctx.output.result(renderStatus(result, chain.graph).join('\n'));
  }
  return 0;
};
