import { chainAsAlembicReadsIt } from '../alembic-reading';
import type { Command } from '../context';
import { historyEntries, renderHistory } from '../print';
import { readStatusIfConfigured, warnAboutChain, warnAboutUnknown } from './shared';

/** `history`: every revision, heads first; `(current)` marks when a database is configured. */
export const history: Command = async (ctx) => {
  const chain = await chainAsAlembicReadsIt(ctx);
  warnAboutChain(ctx, chain);
  const status = await readStatusIfConfigured(ctx, chain);
  if (status) warnAboutUnknown(ctx, status);
  const opts = { current: status?.heads, states: status?.revisions, verbose: ctx.options.verbose, cwd: ctx.io.cwd };
  if (ctx.options.json) {
    ctx.output.json({
      dir: chain.dir,
      database: status?.target.display ?? null,
      current: status?.heads ?? null,
      revisions: historyEntries(chain.graph, opts),
    });
  } else {
    const lines = renderHistory(chain.graph, opts);
    if (lines.length) ctx.output.result(lines.join('\n'));
    else ctx.output.note(`No migrations in ${chain.dir}.`);
  }
  return 0;
};
