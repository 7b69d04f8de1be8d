import type { CommandContext } from '../context';
import { renderRiskPreview, upgradeRisks } from '../print-integrity';

/**
 * `upgrade --sql` / `downgrade --sql`: the offline script on stdout, from the chain's engine (an
 * Alembic project's own Alembic prints it). `FROM:TO` starts from FROM without asking any database
 * (Alembic's form); otherwise a configured database gives the start. An upgrade's destructive
 * statements and non-transactional migrations are listed on stderr.
 */
export async function printSql(ctx: CommandContext, direction: 'up' | 'down', targetArg: string): Promise<number> {
  const chain = await ctx.chain({ requireValid: true });
  const colon = targetArg.indexOf(':');
  const target = colon >= 0 ? targetArg.slice(colon + 1) || 'head' : targetArg;
  const from = colon >= 0 ? chain.graph.resolve(targetArg.slice(0, colon) || 'base', []).revisions : undefined;
  const url = from ? undefined : ctx.optionalDatabaseUrl()?.url;
  if (!from && !url) ctx.logger.info(`-- no database configured: rendering from ${direction === 'up' ? '<base>' : 'head'}; give FROM:TO to start elsewhere`);
  const engine = await ctx.engine();
  const result = await engine.offlineSql({ direction, target, from, url, logger: ctx.logger, signal: ctx.signal });
  if (direction === 'up') {
    const preview = renderRiskPreview(upgradeRisks(result.steps, result.riskyOf), ctx.io.cwd);
    if (preview.length) ctx.output.note(preview.map((l) => `-- ${l}`).join('\n'));
  }
  ctx.output.result(result.sql);
  if (result.error) throw result.error;
  return 0;
}
