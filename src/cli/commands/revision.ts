import type { Command } from '../context';
import { loadAuthoringApi } from '../core';
import { displayPath } from '../print';

/** `revision -m MSG`: a new `.sql` file with a fresh id, its parent the current head. `--from-database` and `--autogenerate`: their own files. */
export const revision: Command = async (ctx) => {
  if (ctx.options.fromDatabase) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for this form (it loads the diff engine)
    return (require('./revision-from-database') as typeof import('./revision-from-database')).revisionFromDatabase(ctx);
  }
  if (ctx.options.autogenerate) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for this form
    return (require('./revision-autogenerate') as typeof import('./revision-autogenerate')).revisionAutogenerate(ctx);
  }
  const dir = await ctx.migrationsDir();
  const created = await loadAuthoringApi().createRevision(dir, { message: ctx.options.message!.trim() });
  ctx.output.result(`Created revision ${created.revision}: ${displayPath(created.file, ctx.io.cwd)}`);
  return 0;
};
