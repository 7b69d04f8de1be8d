// `revision --autogenerate -m MSG` (Alembic projects): the project's own `alembic revision
// --autogenerate` through the chain's engine, then the new revision's offline SQL (as Alembic prints
// it) and its lint, at once. A native chain's engine refuses with the native way to do it.
import { MigrationChainError, loadLintApi } from '../core';
import type { CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { renderLintText } from '../lint-output';
import { displayPath } from '../print';
import { runOptions } from './shared';

export async function revisionAutogenerate(ctx: CommandContext): Promise<number> {
  const core = ctx.core();
  await ctx.chain({ requireValid: true });
  const url = ctx.databaseUrl().url; // after the chain: the project found decides which .env is read
  const generated = await (await ctx.engine()).autogenerate(ctx.options.message!.trim(), { ...runOptions(ctx), url });
  const chain = await ctx.chain({ fresh: true });
  const migration = chain.migrations.find((m) => m.file === generated.file);
  if (!migration) {
    throw new MigrationChainError('chain', `Alembic wrote ${generated.file}, which the chain in ${chain.dir} does not read.`,
      'Run `migration-chain check` for the file\'s problems.');
  }
  const engine = await ctx.engine();
  const file = displayPath(generated.file, ctx.io.cwd);
  const lines = [`Created revision ${migration.revision} with alembic revision --autogenerate: ${file}`];
  const sql = await engine.offlineSql({ direction: 'up', target: migration.revision, from: migration.downRevisions, url, logger: ctx.logger, signal: ctx.signal });
  lines.push('', sql.sql.trimEnd(), '');
  const lintApi = loadLintApi();
  const facts = await lintApi.factsFor({ url, runtimeLockTimeoutMs: core.parseDatabaseUrl(url).isLocal ? 0 : core.DEFAULT_STATEMENT_LOCK_TIMEOUT_MS });
  const report = await lintApi.lintRevisions(chain, [migration.revision], facts, await engine.lintInput({ url, logger: ctx.logger, signal: ctx.signal }));
  lines.push(renderLintText(report, ctx.io.cwd));
  ctx.output.result(lines.join('\n'));
  return ExitCode.ok;
}
