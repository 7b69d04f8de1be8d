import { type HeadPairAdvice, type Chain, loadAdviceApi } from '../core';
import { chainAsAlembicReadsIt } from '../alembic-reading';
import type { Command, CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { displayPath, renderDiagnostic } from '../print';
import { renderHeadAdvice } from '../print-integrity';
import { readStatusIfConfigured } from './shared';

/**
 * `check`: the files alone, no database. Non-zero on any error, for CI and pre-commit hooks. Several
 * heads get advice per pair (re-parent or merge); with a database URL configured the advice also
 * weighs what that database applied.
 */
export const check: Command = async (ctx) => {
  if (ctx.options.models) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for this form
    return (require('./check-models') as typeof import('./check-models')).checkModels(ctx);
  }
  const chain = await chainAsAlembicReadsIt(ctx);
  const cwd = ctx.io.cwd;
  const errors = chain.diagnostics.filter((d) => d.severity === 'error');
  const warnings = chain.diagnostics.length - errors.length;
  const ok = errors.length === 0;
  const advice = await headAdvice(ctx, chain);
  if (ctx.options.json) {
    ctx.output.json({
      ok,
      dir: displayPath(chain.dir, cwd),
      migrations: chain.migrations.length,
      heads: chain.graph.heads,
      diagnostics: chain.diagnostics.map((d) => (d.file ? { ...d, file: displayPath(d.file, cwd) } : d)),
      advice: advice.map((a) => (a.reparent ? { ...a, reparent: { ...a.reparent, file: displayPath(a.reparent.file, cwd) } } : a)),
    });
  } else {
    const lines = chain.diagnostics.map((d) => renderDiagnostic(d, cwd));
    lines.push(...renderHeadAdvice(advice, cwd));
    const n = chain.migrations.length;
    const heads = chain.graph.heads;
    lines.push(ok
      ? `check: OK, ${n} migration${n === 1 ? '' : 's'}, head${heads.length === 1 ? '' : 's'} ${heads.join(', ') || '(none)'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`
      : `check: ${errors.length} error${errors.length === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''} in ${displayPath(chain.dir, cwd)}`);
    ctx.output.result(lines.join('\n'));
  }
  return ok ? ExitCode.ok : ExitCode.chain;
};

/** Empty for a single head; the database is read only when there is advice to give. */
async function headAdvice(ctx: CommandContext, chain: Chain): Promise<HeadPairAdvice[]> {
  if (chain.graph.heads.length < 2) return [];
  const unread = loadAdviceApi().unreadFiles(chain);
  if (unread.length) {
    ctx.logger.info(`No advice on the ${chain.graph.heads.length} heads: ${unread.length} file(s) could not be read (${unread.map((f) => displayPath(f, ctx.io.cwd)).join(', ')}), so a head may be false. Fix the errors above first.`);
    return [];
  }
  const status = await readStatusIfConfigured(ctx, chain);
  const applied = status ? chain.graph.appliedSet(status.heads) : undefined;
  if (!status && !ctx.optionalDatabaseUrl()) ctx.logger.info('No database URL configured: the advice rests on the files alone.');
  return loadAdviceApi().adviseHeads(chain.graph, applied);
}
