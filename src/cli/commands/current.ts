import type { Command } from '../context';
import { revisionLine } from '../print';
import { warnAboutUnknown } from './shared';

/** `current`: the revision(s) in the database's version table. */
export const current: Command = async (ctx) => {
  const chain = await ctx.chain();
  const url = ctx.databaseUrl();
  const status = await ctx.core().getStatus(chain, { url: url.url });
  if (ctx.options.json) {
    ctx.output.json({
      database: status.target.display,
      versionTableExists: status.versionTableExists,
      current: status.heads,
      unknown: status.unknown,
    });
    return 0;
  }
  warnAboutUnknown(ctx, status);
  if (!status.heads.length) {
    ctx.output.note(status.versionTableExists
      ? `No revision recorded in ${status.target.display}: the database is at <base>.`
      : `${status.target.display} has no alembic_version table: no migration has been run (or its tables were made without migrations; see \`stamp\`).`);
    return 0;
  }
  ctx.output.result(status.heads.map((rev) => revisionLine(chain.graph, rev, { verbose: ctx.options.verbose })).join('\n'));
  return 0;
};
