// `revision --autogenerate -m MSG` (Alembic projects): the project's own `alembic revision
// --autogenerate`, then the new revision's offline SQL (as Alembic prints it) and its lint, at once.
import { MigrationChainError } from '../../core/errors';
import type { CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { renderLintText } from '../lint-output';
import { displayPath } from '../print';
import { alembicOptions } from './alembic';

export async function revisionAutogenerate(ctx: CommandContext): Promise<number> {
  const project = await ctx.alembicProject();
  if (!project) {
    throw new MigrationChainError('usage', '--autogenerate is for Alembic projects (an alembic.ini whose env.py has target_metadata).',
      'For a native chain use `migration-chain revision --from-database -m MSG`: it diffs the chain\'s head against the database.');
  }
  const core = ctx.core();
  const url = ctx.databaseUrl().url;
  const before = await ctx.chain({ requireValid: true });
  const options = await alembicOptions(ctx, project, before, url);
  const generated = await core.alembicAutogenerate(options, ctx.options.message!.trim());
  const chain = await ctx.chain({ fresh: true });
  const migration = chain.migrations.find((m) => m.file === generated.file);
  if (!migration) {
    throw new MigrationChainError('chain', `Alembic wrote ${generated.file}, which the chain in ${chain.dir} does not read.`,
      'Run `migration-chain check` for the file\'s problems.');
  }
  const file = displayPath(generated.file, ctx.io.cwd);
  const lines = [`Created revision ${migration.revision} with alembic revision --autogenerate: ${file}`];
  const offline = { project, command: options.command, logger: ctx.logger, signal: ctx.signal, url };
  const sql = await core.alembicSql(offline, { chain, direction: 'up', target: migration.revision, from: migration.downRevisions });
  lines.push('', sql.sql.trimEnd(), '');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the linter (WebAssembly parser) loads on use
  const lintApi = require('../../core/lint/chain') as typeof import('../../core/lint/chain');
  const facts = await lintApi.factsFor({ url, runtimeLockTimeoutMs: core.parseDatabaseUrl(url).isLocal ? 0 : core.DEFAULT_STATEMENT_LOCK_TIMEOUT_MS });
  const report = await lintApi.lintRevisions(chain, [migration.revision], facts, () => offline);
  lines.push(renderLintText(report, ctx.io.cwd));
  ctx.output.result(lines.join('\n'));
  return ExitCode.ok;
}
