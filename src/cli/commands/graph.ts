// `graph --format svg|dot|mermaid`: the revision graph for a pull request, a design doc or a CI
// artifact, drawn from the same layout as the editor's graph. With an environments file, every
// node carries where each environment stands (the same reads as `env status`).
import * as path from 'node:path';
import { MigrationChainError } from '../../core/errors';
import type { Chain } from '../../core/chain/chain';
import type { EnvironmentState, ExportFormat, NodeMarks } from '../../core/graph-view';
import type { Command, CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { targetsOf } from './env';
import { warnAboutChain } from './shared';

type GraphApi = typeof import('../../core/graph-view');

export const graph: Command = async (ctx) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- required on first use: `graph` loads no database driver without environments
  const api = require('../../core/graph-view') as GraphApi;
  const chain = await ctx.chain();
  warnAboutChain(ctx, chain);
  const layout = api.layoutRevisionGraph(chain);
  const marks = await environmentMarksIfConfigured(ctx, chain, api);
  const title = `Migration chain: ${path.relative(ctx.io.cwd, chain.dir) || '.'}`;
  ctx.output.result(api.renderGraph(ctx.options.format as ExportFormat, layout, { marks, title }));
  return ExitCode.ok;
};

async function environmentMarksIfConfigured(ctx: CommandContext, chain: Chain, api: GraphApi): Promise<NodeMarks | undefined> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- only with an environments file
  const env = require('../../core/environments') as typeof import('../../core/environments');
  const config = env.loadEnvironments(ctx.io.cwd);
  if (!config.file) return undefined;
  const states: EnvironmentState[] = [];
  for (const e of config.environments) {
    try {
      const targets = await targetsOf(ctx, env, e);
      const status = await env.fleetStatus({
        environment: e.name, chain, targets, signal: ctx.signal, perServerConcurrency: e.perServerConcurrency ?? config.perServerConcurrency,
      });
      states.push({ name: e.name, tenantSet: !!e.tenants, targets: status.targets });
    } catch (err) {
      if (!(err instanceof MigrationChainError) || err.code === 'cancelled') throw err;
      ctx.logger.warn(`${e.name}: ${err.message}`);
      states.push({ name: e.name, tenantSet: !!e.tenants, error: err.message });
    }
  }
  return api.environmentMarks(chain, states);
}
