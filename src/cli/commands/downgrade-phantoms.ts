// `downgrade --phantoms`: the revisions this database applied from files the working tree no longer
// has (another git branch), undone tip first with the downgrade SQL the audit log kept at apply
// time. A protected or remote database only gets the report (exit 8), never a change.
import type { CommandContext } from '../context';
import { confirmDangerous, protectedPatternsFrom } from '../confirm';
import { ExitCode } from '../exit-codes';
import { formatRevisions, runOptions } from './shared';

export async function downgradePhantoms(ctx: CommandContext): Promise<number> {
  const chain = await ctx.chain({ requireValid: true });
  const url = ctx.databaseUrl().url;
  const core = ctx.core();
  const protectedPatterns = protectedPatternsFrom(ctx.io.env);
  const report = await core.findPhantoms({ chain, url, protectedPatterns });
  if (!report.phantoms.length) {
    ctx.output.result(`No revisions from another branch: every revision ${report.target.database} records is in ${chain.dir}.`);
    return ExitCode.ok;
  }
  const n = report.phantoms.length;
  ctx.output.note([
    `${n} revision${n === 1 ? '' : 's'} from another branch ${n === 1 ? 'is' : 'are'} applied to ${report.target.display} (no file here), newest first:`,
    ...report.phantoms.map((p) => `  ${p.revision}  parents ${formatRevisions(p.parents)}  ${p.downgradeSql === null ? `NO stored downgrade: ${p.unavailable}` : `stored downgrade (${p.downgradeSql.split('\n').length} lines)`}`),
  ].join('\n'));
  if (!report.refusal) {
    await confirmDangerous({
      operation: `undo ${n} revision${n === 1 ? '' : 's'} from another branch with their stored downgrade`,
      target: report.target,
      yes: ctx.options.yes,
      confirmDatabase: ctx.options.confirmDatabase,
      stdinIsTTY: ctx.io.stdinIsTTY,
      protectedPatterns,
    }, ctx.io.ask);
  }
  const result = await core.downgradePhantoms({ chain, url, protectedPatterns, ...runOptions(ctx) });
  ctx.output.result(`Undid ${result.undone.length} revision(s) from another branch: ${formatRevisions(result.from)} -> ${formatRevisions(result.to)}.`);
  return ExitCode.ok;
}
