// `graph --format svg|png|dot|mermaid`: the revision graph for a pull request, a design doc or a CI
// artifact, drawn from the same layout as the editor's graph. With an environments file, every
// node carries where each environment stands (the same reads as `env status`). PNG is the SVG
// drawn by resvg (rasterize.ts), at the same scale as the editor's Export PNG.
import * as path from 'node:path';
import { MigrationChainError, UsageError, loadEnvironmentsApi, loadGraphApi, type Chain, type EnvironmentState, type ExportFormat, type NodeMarks } from '../core';
import type { Command, CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { svgToPng } from '../rasterize';
import { targetsOf } from './env';
import { warnAboutChain } from './shared';

type GraphApi = ReturnType<typeof loadGraphApi>;

export const graph: Command = async (ctx) => {
  const api = loadGraphApi();
  const png = ctx.options.format === 'png';
  if (png && ctx.output.stdoutIsTerminal) {
    throw new UsageError('`graph --format png` writes binary PNG data and stdout is a terminal.', 'Redirect it to a file: migration-chain graph --format png > chain.png');
  }
  const chain = await ctx.chain();
  warnAboutChain(ctx, chain);
  const layout = api.layoutRevisionGraph(chain);
  const marks = await environmentMarksIfConfigured(ctx, chain, api);
  const title = `Migration chain: ${path.relative(ctx.io.cwd, chain.dir) || '.'}`;
  if (png) {
    const size = api.svgSize(layout, { marks, title });
    const scale = api.pngScale(size);
    const bytes = svgToPng(ctx.output.redact(api.renderGraph('svg', layout, { marks, title })), scale);
    const image = api.pngHeader(bytes, 'resvg');
    if (scale < 1) ctx.logger.warn(`the graph is ${size.width}×${size.height} px; the PNG is drawn at ${Math.round(scale * 100)}% (${image.width}×${image.height}) to stay within a browser's image limits. --format svg keeps the full size.`);
    ctx.output.binary(bytes);
    return ExitCode.ok;
  }
  ctx.output.result(api.renderGraph(ctx.options.format as ExportFormat, layout, { marks, title }));
  return ExitCode.ok;
};

async function environmentMarksIfConfigured(ctx: CommandContext, chain: Chain, api: GraphApi): Promise<NodeMarks | undefined> {
  const env = loadEnvironmentsApi();
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
