// Figure 12, Alembic projects (issue 11): the editor's first paint of a 1,000-file `.py` chain read
// by the static reader (find the project, loadChain, the tree's first page), next to Alembic reading
// the same chain (`alembic history`); and `upgrade head` of the seed example delegated to the
// project's Alembic through our runner (lock session, supervisor, heads read around it, verify)
// next to a bare `alembic upgrade head`, each on a fresh database.
import { join } from 'node:path';
import { alembicUpgrade } from '../../src/core/alembic/run/locked-run';
import { alembicProject } from '../../src/core/alembic/read/project';
import { locateFolderChains } from '../../src/core/alembic/read/find';
import { loadChain } from '../../src/core/chain/load';
import type { Chain } from '../../src/core/chain/chain';
import { computeStatus } from '../../src/core/status/status';
import type { FolderSnapshot } from '../../src/extension/chains/folder-snapshot';
import { childNodes, folderNode, presentNode } from '../../src/extension/tree/tree-model';
import { REPO_ROOT } from '../lib/cli';
import { scratch, type BenchContext } from '../lib/context';
import { historyWithMerges, writeAlembicProject } from '../lib/generate';
import { alternate, type Sample } from '../lib/measure';
import { databaseState } from '../lib/postgres';
import { timeAlembic } from '../lib/alembic';
import { atMost, pairedRatio, ratioAtMost, type Figure } from '../lib/report';

const FILES = 1000;
const SEED_BACKEND = join(REPO_ROOT, 'examples', 'alembic-backend', 'backend');
const SEED_HEAD = '556b79de2825';

/** What the editor does before the tree shows: find alembic.ini below the folder, read the chain, present the first page. */
async function firstPaint(root: string): Promise<{ chain: Chain; rows: number }> {
  const [located] = await locateFolderChains(root);
  if (!located?.dir) throw new Error(`no Alembic project found under ${root}`);
  const chain = await loadChain(located.dir, { alembic: located.alembic });
  const target = { host: '127.0.0.1', port: 5432, database: 'bench', user: 'bench', isLocal: true, display: 'postgres://bench@127.0.0.1:5432/bench' };
  const snapshot: FolderSnapshot = {
    folder: { name: 'bench', uri: `file://${root}`, fsPath: root },
    migrationsDir: located.dir,
    chain,
    status: computeStatus(chain, target, { tables: { version: false, log: false, logDowngrade: false }, heads: [], checksums: new Map() }),
    refreshedAt: new Date(),
  };
  presentNode(folderNode(snapshot), snapshot);
  const children = childNodes(snapshot);
  for (const child of children) presentNode(child, snapshot);
  return { chain, rows: children.length };
}

export async function alembicProjectFigures(ctx: BenchContext): Promise<Figure[]> {
  const figures: Figure[] = [];
  const runs = Math.max(ctx.runs, 5);
  const revisions = historyWithMerges(FILES, 25, 3, 'alembic-paint');
  const root = scratch(ctx, 'alembic-paint');
  writeAlembicProject(join(root, 'backend'), revisions);
  ctx.progress(`12: first paint of ${FILES} .py revisions (static reader) vs alembic history, ${runs} runs each`);
  const peer = ctx.alembic;
  const paint: Record<string, (round: number) => Promise<number> | number> = {
    ours: async (round) => {
      const started = performance.now();
      const { chain, rows } = await firstPaint(root);
      const ms = performance.now() - started;
      if (round === 0 && (chain.migrations.length !== FILES || chain.diagnostics.some((d) => d.severity === 'error') || rows !== FILES)) {
        throw new Error(`first paint read ${chain.migrations.length} of ${FILES} revisions (${rows} rows, ${chain.diagnostics.length} diagnostics)`);
      }
      return ms;
    },
  };
  if (peer.available) paint.alembic = () => timeAlembic(peer, join(root, 'backend'), ['history']).ms;
  const p = await alternate(runs, paint) as Record<string, Sample>;
  figures.push({
    group: 12, name: `first paint of ${FILES} Alembic .py revisions: find alembic.ini + loadChain + tree first page (in process)`, unit: 'ms',
    ours: p.ours.median, baseline: { name: 'alembic history', value: p.alembic?.median }, ratio: pairedRatio(p.ours, p.alembic),
    goals: [atMost(100, 'ms', p.ours.median)],
    note: 'static reader; the baseline is Alembic itself reading the same files (a process, for orientation)',
  });

  if (!ctx.db || !peer.available) {
    figures.push({ group: 12, name: 'delegated upgrade head of the seed example', unit: 'ms', goals: [], failed: true,
      note: !ctx.db ? ctx.dbProblem ?? 'no database' : `alembic not measured: ${peer.available ? '' : peer.reason}` });
    return figures;
  }
  const server = ctx.db.server;
  const chain = await loadChain(join(SEED_BACKEND, 'alembic', 'versions'));
  const project = alembicProject(join(SEED_BACKEND, 'alembic.ini'));
  const command = { argv: [peer.command, ...peer.args], source: 'bench' };
  const fresh = (label: string, run: (url: string) => Promise<number> | number) => async (round: number) => {
    const url = await server.createDatabase('bench_alembic');
    try {
      const ms = await run(url);
      if (round === 0) {
        const state = await databaseState(url);
        if (state.versions.join(',') !== SEED_HEAD) throw new Error(`${label} left ${JSON.stringify(state)}, expected ${SEED_HEAD}`);
      }
      return ms;
    } finally {
      await server.dropDatabase(url);
    }
  };
  const pairs = Math.max(ctx.runs, 7);
  ctx.progress(`12: upgrade head of the seed example, ours (delegated) vs bare alembic, ${pairs} pairs on fresh databases`);
  const u = await alternate(pairs, {
    alembic: fresh('alembic upgrade head', (url) => timeAlembic(peer, SEED_BACKEND, ['upgrade', 'head'], url).ms),
    ours: fresh('alembicUpgrade', async (url) => {
      const started = performance.now();
      const result = await alembicUpgrade({ chain, url, project, command, target: 'head' });
      const ms = performance.now() - started;
      if (!result.verify?.ok) throw new Error('verify did not pass after the delegated upgrade');
      return ms;
    }),
  }) as Record<string, Sample>;
  const ratio = pairedRatio(u.ours, u.alembic);
  figures.push({
    group: 12, name: 'delegated upgrade head of the seed example (lock + Alembic under the supervisor + verify), fresh database', unit: 'ms',
    ours: u.ours.median, baseline: { name: 'bare alembic upgrade head', value: u.alembic.median }, ratio,
    goals: [ratioAtMost(1.1, ratio, 'bare alembic')],
    note: `median of ${pairs} paired runs`,
  });
  return figures;
}
