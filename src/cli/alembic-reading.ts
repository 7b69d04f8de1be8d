// `check`, `history` and `heads` of an Alembic project read the chain as Alembic itself reads it
// (media/alembic_graph.py through core/alembic/read/graph-helper.ts) when a Python with Alembic is found
// (core/alembic/python-policy.ts: the --alembic-command's python, the project's venv, PATH), merged
// into the static reading exactly as the editor does (graph-compare.ts): a revision file Alembic
// cannot load is an error with its file and line, a file only Alembic can read joins the chain.
// Reading loads (executes) the revision files, as any `alembic history` does. --static keeps the
// text-only reader; no Python with Alembic, or a failure of the reading as a whole, leaves the static
// reading with a note, never a refusal.
import * as path from 'node:path';
import { type Chain, loadAlembicReadingApi } from './core';
import type { CommandContext } from './context';

export async function chainAsAlembicReadsIt(ctx: CommandContext): Promise<Chain> {
  const chain = await ctx.chain();
  if (ctx.options.static) return chain;
  const project = await ctx.alembicProject();
  if (!project) return chain;
  // The Python side is loaded only for an Alembic project.
  const { policy, find, helper, compare } = loadAlembicReadingApi();
  const shown = path.relative(ctx.io.cwd, project.iniFile) || project.iniFile;
  const configured = policy.splitCommand(ctx.options.alembicCommand ?? '');
  // `--alembic-command "PYTHON -m alembic"` names the interpreter; another command (poetry run alembic) does not.
  const fromCommand = configured.length === 3 && configured[1] === '-m' && configured[2] === 'alembic' ? configured[0] : undefined;
  const { found, tried } = await policy.findAlembicPython({ configured: fromCommand, projectDir: project.dir, stopDir: await find.repositoryRoot(project.dir) });
  if (!found) {
    ctx.logger.info(`${shown}: read from the files as text only; no Python with Alembic found (tried: ${tried.map((t) => t.source).join('; ') || 'none'}).`);
    return chain;
  }
  try {
    const started = Date.now();
    const graph = await helper.runAlembicHelper({ python: found.python, iniFile: project.iniFile, projectDir: project.dir, signal: ctx.signal });
    const whole = graph.errors.filter((e) => e.scope === 'project');
    if (whole.length) {
      ctx.logger.warn(`${shown}: not read through Alembic (${found.source}): ${whole.map((e) => e.message).join('; ')}. The files were read as text only.`);
      return chain;
    }
    ctx.logger.info(`${shown}: read through Alembic ${graph.alembicVersion} (${found.source}) in ${Date.now() - started} ms; --static reads the files as text only.`);
    for (const w of graph.warnings) ctx.logger.warn(`Alembic warns: ${w}`);
    return compare.applyAlembicGraph(chain, graph, project.iniFile).chain;
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    ctx.logger.warn(`${shown}: could not read through Alembic (${err instanceof Error ? err.message : String(err)}); the files were read as text only.`);
    return chain;
  }
}
