import type { Command } from '../context';
import { loadAuthoringApi } from '../core';
import { displayPath } from '../print';

/** `revision -m MSG`: a new `.sql` file with a fresh id, its parent the current head. */
export const revision: Command = async (ctx) => {
  const dir = await ctx.migrationsDir();
  const created = await loadAuthoringApi().createRevision(dir, { message: ctx.options.message!.trim() });
  ctx.output.result(`Created revision ${created.revision}: ${displayPath(created.file, ctx.io.cwd)}`);
  return 0;
};
