// `check --models` (Alembic projects): the project's own `alembic check` (1.9+), each operation the
// models need that no revision makes printed as a diagnostic line, and an exit code CI can gate on
// (6 when the models and the migrations disagree).
import type { CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { displayPath } from '../print';
import { runOptions } from './shared';

export async function checkModels(ctx: CommandContext): Promise<number> {
  await ctx.chain({ requireValid: true });
  const url = ctx.databaseUrl().url; // after the chain: the project found decides which .env is read
  // A native chain's engine refuses: it has no models.
  const result = await (await ctx.engine()).checkModels({ ...runOptions(ctx), url });
  const env = displayPath((await ctx.alembicProject())?.iniFile ?? 'alembic.ini', ctx.io.cwd);
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
