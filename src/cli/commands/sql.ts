import type { CommandContext } from '../context';
import { renderRiskPreview, upgradeRisks } from '../print-integrity';
import { alembicOptions } from './alembic';

/**
 * `upgrade --sql` / `downgrade --sql`: the offline script on stdout. `FROM:TO` starts from FROM
 * without asking any database (Alembic's form); otherwise a configured database gives the start.
 * An upgrade's destructive statements and non-transactional migrations are listed on stderr.
 */
export async function printSql(ctx: CommandContext, direction: 'up' | 'down', targetArg: string): Promise<number> {
  const chain = await ctx.chain({ requireValid: true });
  const colon = targetArg.indexOf(':');
  const target = colon >= 0 ? targetArg.slice(colon + 1) || 'head' : targetArg;
  const from = colon >= 0 ? chain.graph.resolve(targetArg.slice(0, colon) || 'base', []).revisions : undefined;
  const url = from ? undefined : ctx.optionalDatabaseUrl()?.url;
  if (!from && !url) ctx.logger.info(`-- no database configured: rendering from ${direction === 'up' ? '<base>' : 'head'}; give FROM:TO to start elsewhere`);
  const core = ctx.core();
  const project = await ctx.alembicProject();
  if (project) {
    // The project's own Alembic prints it; its starting point is FROM, else the database's heads.
    const start = from ?? (url ? await ctx.core().withConnection(url, { applicationName: 'migration-chain --sql' }, (c) => core.readHeads(c, core.bookkeeping({}))) : []);
    const alembic = await alembicOptions(ctx, project, chain, url ?? '');
    const result = await core.alembicSql(alembic, { chain, direction, target, from: start });
    ctx.output.result(result.sql);
    if (result.error) throw result.error;
    return 0;
  }
  const sql = await core.renderSql({ chain, direction, target, from, url });
  if (direction === 'up') {
    // The same start renderSql used: the database's heads when one is configured, else FROM / base.
    const steps = url
      ? (await core.planRun({ chain, url, direction, target })).steps
      : chain.graph.upgradePlan(from ?? [], chain.graph.resolve(target, from ?? []).revisions).map((r) => chain.graph.get(r)!).map((m) => ({
        revision: m.revision, message: m.message, file: m.file, transactional: m.transactional, hasDowngrade: m.hasDowngrade,
      }));
    const preview = renderRiskPreview(upgradeRisks(steps, core.riskyOfStep(chain.graph)), ctx.io.cwd);
    if (preview.length) ctx.output.note(preview.map((l) => `-- ${l}`).join('\n'));
  }
  ctx.output.result(sql);
  return 0;
}
