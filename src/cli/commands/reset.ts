import type { Command, CommandContext } from '../context';
import { type ResetPreview, ConfirmationError } from '../core';
import { confirmDangerous, protectedPatternsFrom } from '../confirm';
import { ExitCode } from '../exit-codes';
import { renderVerifyReport } from '../print';
import { runOptions } from './shared';

/**
 * `reset`: show the target, its tables and the guarantee (all-or-nothing, rehearsed, or not
 * rehearsed), confirm, then drop the public schema, upgrade head and verify. The chain's engine
 * runs it (an Alembic project is checked first: its Alembic starts, agrees on the heads, runs env.py).
 */
export const reset: Command = async (ctx) => {
  // Chain errors are refused by the engine's preflight, with "nothing was dropped".
  await ctx.chain();
  const url = ctx.runDatabaseUrl();
  const core = ctx.core();
  const confirm = async (info: ResetPreview): Promise<boolean> => {
    const tables = info.tables.length
      ? info.tables.map((t) => `  ${t.name} (${t.rows} row${t.rows === 1 ? '' : 's'})`)
      : ['  (no tables)'];
    ctx.output.note([
      `Reset ${info.target.display}`,
      `  host ${info.target.host}:${info.target.port}, database ${info.target.database}, user ${info.target.user}`,
      'Tables that will be dropped:',
      ...tables,
      `Then applies ${info.revisions.length} revision${info.revisions.length === 1 ? '' : 's'} up to head and verifies.`,
      core.describeGuarantee(info.guarantee, info.target),
    ].join('\n'));
    await confirmDangerous({
      operation: 'reset (drop every table in schema public)',
      target: info.target,
      yes: ctx.options.yes,
      confirmDatabase: ctx.options.confirmDatabase,
      stdinIsTTY: ctx.io.stdinIsTTY,
      protectedPatterns: protectedPatternsFrom(ctx.io.env),
    }, ctx.io.ask);
    if (core.needsSecondConfirmation(info.guarantee)) await confirmUnrehearsed(ctx, info);
    return true;
  };
  const result = await (await ctx.engine()).reset({
    // The verify report is printed below on stdout, so the engine does not log its checks as well.
    url: url.url, ...runOptions(ctx), logger: { ...ctx.logger, rendersVerifyReport: true }, backupFile: ctx.options.backup, rehearse: !ctx.options.noRehearsal, confirm,
  });
  const report = result.verify;
  ctx.output.result(renderVerifyReport(report, ctx.io.cwd).join('\n'));
  // "complete" only after a passing verify: a failed one says so instead (exit 6).
  ctx.output.result(!report.ok
    ? `Reset FAILED verify: ${info(result)}; the checks that failed are listed above.`
    : result.guarantee.kind === 'all-or-nothing'
      ? 'Reset complete (all-or-nothing: committed after verify passed).'
      : `Reset complete (${info(result)}).`);
  return report.ok ? ExitCode.ok : ExitCode.verifyFailed;
};

function info(result: { rehearsal?: { scratchDatabase: string } }): string {
  return result.rehearsal ? `rehearsed on ${result.rehearsal.scratchDatabase}, dropped since` : 'not rehearsed';
}

/** No CREATEDB: the reset cannot be rehearsed. Asked again in a terminal, even with --yes; scripts must say --no-rehearsal. */
async function confirmUnrehearsed(ctx: CommandContext, info: ResetPreview): Promise<void> {
  const nothing = 'nothing was changed.';
  if (!ctx.io.stdinIsTTY) {
    throw new ConfirmationError(`Refusing to reset ${info.target.display} without a rehearsal (${info.target.user} has no CREATEDB); ${nothing}`,
      `Grant CREATEDB to ${info.target.user} so the reset is rehearsed, or pass --no-rehearsal to reset without one.`);
  }
  const answer = await ctx.io.ask(`This reset is NOT rehearsed. Reset ${info.target.database} anyway? [y/N] `);
  if (!/^y(es)?$/i.test(answer.trim())) {
    throw new ConfirmationError(`Not confirmed; ${nothing}`, 'Grant CREATEDB to rehearse the reset, or answer "y".');
  }
}
