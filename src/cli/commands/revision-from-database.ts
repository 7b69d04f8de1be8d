// `revision --from-database -m MSG`: the next revision written from the dev database's changes,
// then linted at once against that database (its version and table sizes); nothing is applied.
import { loadLintApi } from '../core';
import type { CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { renderLintText } from '../lint-output';
import { displayPath } from '../print';

export async function revisionFromDatabase(ctx: CommandContext): Promise<number> {
  const core = ctx.core();
  const dir = await ctx.migrationsDir();
  const url = ctx.databaseUrl().url;
  const generated = await core.revisionFromDatabase({ dir, url, message: ctx.options.message!.trim(), logger: ctx.logger, signal: ctx.signal });
  const file = displayPath(generated.file, ctx.io.cwd);
  const lines = [
    `Created revision ${generated.revision} from ${generated.target.display}: ${file}`,
    `  ${generated.upgrade.length} upgrade and ${generated.downgrade.length} downgrade statement(s), rehearsed on a scratch database; nothing was applied.`,
  ];
  for (const m of generated.dataLoss) lines.push(`${file}:${m.line}: warning: loses data: the statement ${m.reason} [data-loss]`);

  const lintApi = loadLintApi();
  const chain = await core.loadChain(dir);
  // The runner's lock_timeout default (5 s for a remote database) satisfies require-lock-timeout, as in `lint`.
  const facts = await lintApi.factsFor({ url, runtimeLockTimeoutMs: core.parseDatabaseUrl(url).isLocal ? 0 : core.DEFAULT_STATEMENT_LOCK_TIMEOUT_MS });
  const report = await lintApi.lintRevisions(chain, [generated.revision], facts);
  lines.push(renderLintText(report, ctx.io.cwd));
  ctx.output.result(lines.join('\n'));
  return ExitCode.ok;
}
