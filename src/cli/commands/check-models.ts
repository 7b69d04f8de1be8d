// `check --models` (Alembic projects): the project's own `alembic check` (1.9+), each operation the
// models need that no revision makes printed as a diagnostic line, and an exit code CI can gate on
// (6 when the models and the migrations disagree).
import { MigrationChainError } from '../../core/errors';
import type { CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { displayPath } from '../print';
import { alembicOptions } from './alembic';

export async function checkModels(ctx: CommandContext): Promise<number> {
  const project = await ctx.alembicProject();
  if (!project) {
    throw new MigrationChainError('usage', '--models is for Alembic projects: it runs `alembic check`, which compares the SQLAlchemy models with the database.',
      'A native chain has no models; `migration-chain verify --drift` compares the database with the chain instead.');
  }
  const url = ctx.databaseUrl().url;
  const chain = await ctx.chain({ requireValid: true });
  const options = await alembicOptions(ctx, project, chain, url);
  const result = await ctx.core().alembicCheck(options);
  const env = displayPath(project.iniFile, ctx.io.cwd);
  if (ctx.options.json) {
    ctx.output.json({ ok: result.clean, alembicVersion: result.alembicVersion, operations: result.operations });
  } else {
    const lines = result.operations.map((op) => `${env}: error: the models need ${op.kind}${op.table ? ` on ${op.table}` : ''}, which no revision makes: ${op.text} [models-differ]`);
    lines.push(result.clean
      ? `check --models: OK, the models match the migrations (Alembic ${result.alembicVersion})`
      : `check --models: ${result.operations.length} operation(s) in the models have no revision; run \`migration-chain revision --autogenerate -m MSG\``);
    ctx.output.result(lines.join('\n'));
  }
  return result.clean ? ExitCode.ok : ExitCode.verifyFailed;
}
