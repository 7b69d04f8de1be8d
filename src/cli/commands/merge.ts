import type { Command } from '../context';
import { loadAuthoringApi } from '../core';
import { displayPath } from '../print';

/** `merge [-m MSG]`: one revision whose parents are all current heads. */
export const merge: Command = async (ctx) => {
  const dir = await ctx.migrationsDir();
  const created = await loadAuthoringApi().mergeHeads(dir, { message: ctx.options.message?.trim() || undefined });
  ctx.output.result(`Created merge revision ${created.revision}: ${displayPath(created.file, ctx.io.cwd)}`);
  return 0;
};
