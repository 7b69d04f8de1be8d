import { chainAsAlembicReadsIt } from '../alembic-reading';
import type { Command } from '../context';
import { historyEntries, revisionLine } from '../print';
import { warnAboutChain } from './shared';

/** `heads`: the revisions no other revision builds on. */
export const heads: Command = async (ctx) => {
  const chain = await chainAsAlembicReadsIt(ctx);
  warnAboutChain(ctx, chain);
  const headRevisions = chain.graph.heads;
  if (ctx.options.json) {
    const entries = historyEntries(chain.graph, { cwd: ctx.io.cwd }).filter((e) => e.head);
    ctx.output.json({ dir: chain.dir, heads: entries });
    return 0;
  }
  if (!headRevisions.length) {
    ctx.output.note(`No migrations in ${chain.dir}.`);
    return 0;
  }
  ctx.output.result(headRevisions.map((rev) => revisionLine(chain.graph, rev, { verbose: ctx.options.verbose })).join('\n'));
  return 0;
};
