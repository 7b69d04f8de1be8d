// Figure 11: reading an Alembic project through Alembic itself (media/alembic_graph.py, run by
// core/alembic/read/graph-helper.ts) on a generated 1,000-file .py chain. Reported without a goal: it runs
// in the editor's background after the static reader has painted. The baseline is the same Python's
// `python -m alembic heads` on the same project (Alembic loading every revision file once); the
// second figure is the editor's re-read when nothing changed (stats of the files, the cached answer).
import { join } from 'node:path';
import { AlembicGraphCache, readAlembicGraph } from '../../src/core/alembic/read/graph-cache';
import { runAlembicHelper } from '../../src/core/alembic/read/graph-helper';
import { findAlembicPython } from '../../src/core/alembic/python-policy';
import { REPO_ROOT } from '../lib/cli';
import { scratch, type BenchContext } from '../lib/context';
import { linearChain, writeAlembicProject } from '../lib/generate';
import { alternate, timeProcess, type Sample } from '../lib/measure';
import { pairedRatio, type Figure } from '../lib/report';

const REVISIONS = 1000;

export async function alembicHelperFigures(ctx: BenchContext): Promise<Figure[]> {
  const chain = linearChain(REVISIONS, 'helper');
  const head = chain[REVISIONS - 1].revision;
  const project = join(scratch(ctx, 'alembic-helper'), 'alembic');
  const versions = writeAlembicProject(project, chain);
  const iniFile = join(project, 'alembic.ini');
  const { found, tried } = await findAlembicPython({ projectDir: project });
  if (!found) {
    return [{ group: 11, name: `Alembic helper on ${REVISIONS} .py revisions`, unit: 'ms', goals: [],
      note: `no Python with Alembic (tried ${tried.map((t) => t.python).join(', ') || 'none'}; apt-get install python3-alembic)` }];
  }
  const python = found.python;
  const helperScript = join(REPO_ROOT, 'media', 'alembic_graph.py');
  const cache = new AlembicGraphCache();
  await readAlembicGraph({ python, iniFile, projectDir: project, helperScript, versionDirs: [versions], cache });
  ctx.progress(`11: Alembic helper on ${REVISIONS} .py revisions (${python}), ${ctx.runs} runs each`);
  const s = await alternate(ctx.runs, {
    helper: async () => {
      const started = performance.now();
      const graph = await runAlembicHelper({ python, iniFile, projectDir: project, helperScript });
      const ms = performance.now() - started;
      if (graph.revisions.length !== REVISIONS || graph.heads.join() !== head || graph.errors.length) {
        throw new Error(`the helper read ${graph.revisions.length} revisions, heads ${graph.heads.join(',')}, ${graph.errors.length} errors`);
      }
      return ms;
    },
    heads: () => {
      const r = timeProcess({ command: python, args: ['-m', 'alembic', 'heads'], cwd: project });
      if (!r.stdout.includes(head)) throw new Error(`alembic heads printed ${r.stdout.slice(0, 200)}`);
      return r.ms;
    },
    cached: async () => {
      const started = performance.now();
      const r = await readAlembicGraph({ python, iniFile, projectDir: project, helperScript, versionDirs: [versions], cache });
      if (!r.cached) throw new Error('the unchanged project was read again instead of answered from the cache');
      return performance.now() - started;
    },
  }) as Record<string, Sample>;
  return [{
    group: 11, name: `Alembic helper on ${REVISIONS} .py revisions (process, reported)`, unit: 'ms',
    ours: s.helper.median, baseline: { name: 'python -m alembic heads', value: s.heads.median }, ratio: pairedRatio(s.helper, s.heads), goals: [],
    note: `reported, no goal: runs in the background after the static reader painted (${found.source})`,
  }, {
    group: 11, name: 'editor re-read with nothing changed (file stats + cached answer)', unit: 'ms',
    ours: s.cached.median, baseline: { name: 'the helper run', value: s.helper.median }, ratio: pairedRatio(s.cached, s.helper), goals: [],
    note: 'reported, no goal: what every refresh pays once Alembic has answered',
  }];
}
