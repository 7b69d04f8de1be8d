import type { Command } from '../context';
import { confirmDangerous, protectedPatternsFrom } from '../confirm';
import { ExitCode } from '../exit-codes';
import { renderVerifyReport } from '../print';
import type { DatabaseDescription } from '../core';
import { alembicOptions } from './alembic';
import { runOptions } from './shared';

/**
 * `reset`: show the target and its tables, confirm, drop the public schema, upgrade head, verify.
 * An Alembic project is checked first (its Alembic starts, agrees on the heads, runs env.py) and
 * rebuilt by its own Alembic.
 */
export const reset: Command = async (ctx) => {
  // An Alembic project's chain errors are refused by its reset, with "nothing was dropped".
  const project = await ctx.alembicProject();
  const chain = await ctx.chain({ requireValid: !project });
  const url = ctx.databaseUrl();
  const confirm = async (info: DatabaseDescription): Promise<boolean> => {
    const tables = info.tables.length
      ? info.tables.map((t) => `  ${t.name} (${t.rows} row${t.rows === 1 ? '' : 's'})`)
      : ['  (no tables)'];
    ctx.output.note([
      `Reset ${info.target.display}`,
      `  host ${info.target.host}:${info.target.port}, database ${info.target.database}, user ${info.target.user}`,
      'Tables that will be dropped:',
      ...tables,
    ].join('\n'));
    await confirmDangerous({
      operation: 'reset (drop every table in schema public)',
      target: info.target,
      yes: ctx.options.yes,
      confirmDatabase: ctx.options.confirmDatabase,
      stdinIsTTY: ctx.io.stdinIsTTY,
      protectedPatterns: protectedPatternsFrom(ctx.io.env),
    }, ctx.io.ask);
    return true;
  };
  const result = project
    ? await ctx.core().alembicReset({ ...(await alembicOptions(ctx, project, chain, url.url)), backupFile: ctx.options.backup, confirm })
    : await ctx.core().reset({ chain, url: url.url, backupFile: ctx.options.backup, ...runOptions(ctx), confirm });
  const report = result.verify;
  if (report) ctx.output.result(renderVerifyReport(report, ctx.io.cwd).join('\n'));
  ctx.output.result('Reset complete.');
  return report && !report.ok ? ExitCode.verifyFailed : ExitCode.ok;
};
