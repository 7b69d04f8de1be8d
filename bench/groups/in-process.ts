// Figure 5, in process (no child processes): loading 10,000 migration files, re-indexing after one
// file changes (ChainCache + the watcher's `changed` list), the CodeLens of one file and the tree's
// first page once a status is cached — the work the extension does on every keystroke-save.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChainCache } from '../../src/core/chain/cache';
import { loadChain } from '../../src/core/chain/load';
import type { Chain } from '../../src/core/chain/chain';
import { lensesFor } from '../../src/extension/codelens/codelens-model';
import { computeStatus, type ChainStatus } from '../../src/core/status/status';
import { findMigrationByFile, type FolderSnapshot } from '../../src/extension/chains/folder-snapshot';
import { childNodes, folderNode, presentNode } from '../../src/extension/tree/tree-model';
import { scratch, type BenchContext } from '../lib/context';
import { historyWithMerges, nativeSql, writeNativeChain } from '../lib/generate';
import { median, timeInProcess } from '../lib/measure';
import { atMost, type Figure } from '../lib/report';

/**
 * A status as one getStatus would cache it: the database at the revision halfway up the chain,
 * so the models see applied, current and pending revisions. Computed by the engine's own
 * computeStatus from that version row, without a database.
 */
function statusHalfway(chain: Chain): ChainStatus {
  const order = chain.graph.topologicalOrder();
  const current = order[Math.floor(order.length / 2)];
  const target = { host: '127.0.0.1', port: 5432, database: 'bench', user: 'bench', isLocal: true, display: 'postgres://bench@127.0.0.1:5432/bench' };
  return computeStatus(chain, target, { tables: { version: true, log: true, logDowngrade: true }, heads: [current], checksums: new Map() });
}

export async function inProcessFigures(ctx: BenchContext): Promise<Figure[]> {
  const n = ctx.sizes.inProcessFiles;
  const runs = Math.max(ctx.runs, 5);
  const revisions = historyWithMerges(n, 250, 3, 'inprocess');
  ctx.progress(`5: writing ${n} .sql migration files`);
  const dir = writeNativeChain(join(scratch(ctx, 'in-process'), 'native'), revisions);

  ctx.progress(`5: loadChain of ${n} files, ${runs} runs`);
  let chain: Chain | undefined;
  const cold = await timeInProcess(runs, async () => { chain = await loadChain(dir); });
  if (!chain || chain.migrations.length !== n) throw new Error(`loadChain found ${chain?.migrations.length} of ${n} migrations`);
  const errors = chain.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`the generated chain has errors: ${errors[0].message}`);

  const cache = new ChainCache();
  await loadChain(dir, { cache });
  const rescan = await timeInProcess(runs, () => loadChain(dir, { cache }));

  // Each run edits a different file (its message), as a save in the editor would, then re-indexes.
  const changedFiles = chain.migrations.map((m) => m.file);
  const reindexTimes: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const target = revisions[(n >> 1) + i];
    const file = changedFiles.find((f) => f.includes(target.revision))!;
    const message = `${target.message} (edited)`;
    writeFileSync(file, nativeSql({ ...target, message }));
    const started = performance.now();
    const re = await loadChain(dir, { cache, changed: [file] });
    const ms = performance.now() - started;
    if (re.graph.get(target.revision)?.message !== message) throw new Error('re-index did not pick up the edited file');
    if (i > 0) reindexTimes.push(ms);
  }
  const reindex = { median: median(reindexTimes) };
  chain = await loadChain(dir, { cache });

  const snapshot: FolderSnapshot = {
    folder: { name: 'bench', uri: `file://${dir}`, fsPath: dir },
    migrationsDir: dir,
    chain,
    status: statusHalfway(chain),
    refreshedAt: new Date(),
  };
  const someFile = chain.migrations[n >> 2].file;
  let lensCount = 0;
  const lens = await timeInProcess(Math.max(runs, 20), () => {
    const found = findMigrationByFile([snapshot], someFile);
    if (!found) throw new Error(`no migration found for ${someFile}`);
    lensCount = lensesFor(found.snapshot, found.migration).length;
  });
  if (lensCount === 0) throw new Error('lensesFor returned no lens for an applied revision');

  let pageSize = 0;
  const tree = await timeInProcess(runs, () => {
    const root = folderNode(snapshot);
    presentNode(root, snapshot);
    const children = childNodes(snapshot);
    for (const child of children) presentNode(child, snapshot);
    pageSize = children.length;
  });

  return [
    { group: 5, name: `loadChain: discover + parse + graph, ${n} files`, unit: 'ms', ours: cold.median, goals: [atMost(300, 'ms', cold.median)] },
    { group: 5, name: `re-index after one file changes (${n} files, ChainCache + changed)`, unit: 'ms', ours: reindex.median, goals: [atMost(5, 'ms', reindex.median)] },
    { group: 5, name: `reload with ChainCache, no watcher hint (${n} stats)`, unit: 'ms', ours: rescan.median, goals: [], note: 'for orientation: a refresh without a changed-file list' },
    { group: 5, name: `CodeLens for one file, status cached (${n} revisions)`, unit: 'ms', ours: lens.median, goals: [atMost(2, 'ms', lens.median)], note: 'findMigrationByFile + lensesFor (src/extension/codelens/codelens-model.ts)' },
    { group: 5, name: `tree: first page for ${n} revisions`, unit: 'ms', ours: tree.median, goals: [atMost(100, 'ms', tree.median)], note: `folder node + childNodes + presentNode for each of the ${pageSize} nodes VS Code would request (src/extension/tree/tree-model.ts)` },
  ];
}
