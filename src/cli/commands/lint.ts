import { MigrationChainError, loadLintApi, type Chain } from '../core';
import type { Command, CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { lintJson, lintSarif, renderLintText } from '../lint-output';

/**
 * `lint`: the lock risk of revisions' upgrade statements. Scope: --since REV (the files alone),
 * --pending (what the database has not applied), else pending with a database URL and the whole
 * chain without one. The database, when configured, gives the version and table sizes.
 */
export const lint: Command = async (ctx) => {
  const api = loadLintApi();
  const chain = await ctx.chain({ requireValid: true });
  const url = ctx.optionalDatabaseUrl()?.url;
  if (ctx.options.pending && !url) ctx.databaseUrl(); // throws the usage error naming where a URL may come from
  // The runner's lock_timeout default (5 s for a remote database) satisfies require-lock-timeout.
  const runtimeLockTimeoutMs = url && !ctx.core().parseDatabaseUrl(url).isLocal ? ctx.core().DEFAULT_STATEMENT_LOCK_TIMEOUT_MS : 0;
  const target = { ...(url ? { url } : {}), ...(ctx.options.pgVersion !== undefined ? { serverMajor: ctx.options.pgVersion } : {}), runtimeLockTimeoutMs };
  const facts = await readFacts(ctx, api, target);
  const revisions = await scope(ctx, chain, url, facts.versionSource === 'database');
  const result = await api.lintRevisions(chain, revisions, facts, await (await ctx.engine()).lintInput({ url, logger: ctx.logger, signal: ctx.signal }));
  if (ctx.options.pgVersion !== undefined && facts.serverMajor !== ctx.options.pgVersion && facts.versionSource === 'database') {
    ctx.logger.warn(`--pg-version ${ctx.options.pgVersion} ignored: the database runs PostgreSQL ${facts.serverMajor}.`);
  }
  const cwd = ctx.io.cwd;
  if (ctx.options.format === 'json') ctx.output.json(lintJson(result, cwd));
  else if (ctx.options.format === 'sarif') ctx.output.json(lintSarif(result, cwd));
  else ctx.output.result(renderLintText(result, cwd));
  const failed = result.findings.some((f) => f.severity === 'error') || result.problems.some((p) => p.severity === 'error');
  return failed ? ExitCode.lintFailed : ExitCode.ok;
};

type LintApi = ReturnType<typeof loadLintApi>;

/** The catalog when the database answers; without --pending an unreachable database only costs the sizes. */
async function readFacts(ctx: CommandContext, api: LintApi, target: { url?: string; serverMajor?: number; runtimeLockTimeoutMs: number }) {
  try {
    return await api.factsFor(target);
  } catch (err) {
    if (ctx.options.pending || !(err instanceof MigrationChainError && err.code === 'connection')) throw err;
    ctx.logger.warn(`linting without table sizes: ${err.message}`);
    return api.factsFor({ ...(target.serverMajor !== undefined ? { serverMajor: target.serverMajor } : {}) });
  }
}

async function scope(ctx: CommandContext, chain: Chain, url: string | undefined, reachable: boolean): Promise<string[]> {
  const graph = chain.graph;
  if (ctx.options.since !== undefined) {
    const from = graph.resolve(ctx.options.since, []).revisions;
    return graph.upgradePlan(from, graph.heads);
  }
  if (url && reachable) {
    const status = await ctx.core().getStatus(chain, { url });
    return graph.upgradePlan(status.heads, graph.heads);
  }
  // A URL that does not answer is not "no URL": say which database, by host, was unreachable.
  ctx.logger.info(url
    ? `The database on ${ctx.core().parseDatabaseUrl(url).host} is unreachable: linting every revision (use --since REV to lint only new ones).`
    : 'No database URL configured: linting every revision (use --since REV to lint only new ones).');
  return graph.upgradePlan([], graph.heads);
}
