import type { Command } from '../context';
import { confirmDangerous, protectedPatternsFrom } from '../confirm';
import { ExitCode } from '../exit-codes';
import { renderVerifyReport } from '../print';
import { runOptions } from './shared';

/** `reset`: show the target and its tables, confirm, drop the public schema, upgrade head, verify. */
export const reset: Command = async (ctx) => {
  const chain = await ctx.chain({ requireValid: true });
  const url = ctx.databaseUrl();
  const result = await ctx.core().reset({
    chain,
    url: url.url,
    backupFile: ctx.options.backup,
    ...runOptions(ctx),
    confirm: async (info) => {
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
    },
  });
  const report = result.verify;
  if (report) ctx.output.result(renderVerifyReport(report, ctx.io.cwd).join('\n'));
  ctx.output.result('Reset complete.');
  return report && !report.ok ? ExitCode.verifyFailed : ExitCode.ok;
};
