// Group 15, in process: first paint of the revision graph (the engine's layout, the view with its
// badges, the message as the webview receives and checks it, and the first frame's HTML and SVG
// for the rows on screen) for 1,000 and 10,000 revisions, and the re-layout after one file
// changes (re-index through the ChainCache, then the same work). The browser's own paint of the
// ~40 visible cards is not in these figures; it does not grow with the chain (only visible rows
// become elements). Baseline: building the RevisionGraph and its history order, what the tree does.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChainCache } from '../../src/core/chain/cache';
import { loadChain } from '../../src/core/chain/load';
import { RevisionGraph } from '../../src/core/chain/graph';
import type { Chain } from '../../src/core/chain/chain';
import type { FolderSnapshot } from '../../src/extension/chains/folder-snapshot';
import { buildGraphView } from '../../src/extension/graph/graph-model';
import { parseHostMessage } from '../../src/webview/graph/protocol';
import { edgesSvg, nodeHtml, visibleRows } from '../../src/webview/graph/render';
import { scratch, type BenchContext } from '../lib/context';
import { historyWithMerges, nativeSql, writeNativeChain } from '../lib/generate';
import { median } from '../lib/measure';
import { atMost, pairedRatio, type Figure } from '../lib/report';

/** Everything between "the chain is read" and "the first frame's markup is ready". */
function firstFrame(chain: Chain): number {
  const snapshot: FolderSnapshot = { folder: { name: 'bench', uri: `file://${chain.dir}`, fsPath: chain.dir }, migrationsDir: chain.dir, chain };
  const view = buildGraphView({ snapshot, environments: [] });
  // postMessage structured-clones the view; JSON is the closest in-process stand-in.
  const received = parseHostMessage(JSON.parse(JSON.stringify({ type: 'graph', view })));
  if (received?.type !== 'graph') throw new Error('the webview would reject the view');
  const v = received.view;
  const [first, last] = visibleRows(v, 0, 900, 1);
  let html = edgesSvg(v, first, last);
  for (let r = first; r <= last; r++) html += nodeHtml(v, v.nodes[r], r === 0, false);
  return html.length + v.nodes.length;
}

export async function graphFigures(ctx: BenchContext): Promise<Figure[]> {
  const runs = Math.max(ctx.runs, 5);
  const sizes = ctx.quick ? [1_000, 2_000] : [1_000, 10_000];
  const figures: Figure[] = [];
  for (const n of sizes) {
    ctx.progress(`15: writing ${n} revisions with merges`);
    const revisions = historyWithMerges(n, 25, 3, `graph${n}`);
    const dir = writeNativeChain(join(scratch(ctx, `graph-${n}`), 'native'), revisions);
    const cache = new ChainCache();
    const chain = await loadChain(dir, { cache });
    if (chain.migrations.length !== n) throw new Error(`loadChain found ${chain.migrations.length} of ${n}`);

    ctx.progress(`15: first frame of ${n} revisions, ${runs} runs (alternating with the baseline)`);
    const ours: number[] = [];
    const base: number[] = [];
    for (let i = 0; i <= runs; i++) {
      // A fresh graph each run: the view must not profit from orders cached by the previous run.
      const fresh: Chain = { ...chain, graph: new RevisionGraph(chain.migrations) };
      let t = performance.now();
      firstFrame(fresh);
      const a = performance.now() - t;
      t = performance.now();
      new RevisionGraph(chain.migrations).historyOrder();
      const b = performance.now() - t;
      if (i > 0) { ours.push(a); base.push(b); }
    }
    const oursSample = { median: median(ours), runs: ours };
    const baseSample = { median: median(base), runs: base };

    ctx.progress(`15: re-layout after one file changes (${n} revisions)`);
    const relayout: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const target = revisions[(n >> 1) + i];
      const file = chain.migrations.find((m) => m.revision === target.revision)!.file;
      writeFileSync(file, nativeSql({ ...target, message: `${target.message} (edited ${i})` }));
      const started = performance.now();
      const re = await loadChain(dir, { cache, changed: [file] });
      firstFrame(re);
      if (i > 0) relayout.push(performance.now() - started);
    }
    const goal = n <= 1_000 ? [atMost(300, 'ms', oursSample.median)] : [];
    figures.push(
      {
        group: 15, name: `graph first paint: layout + view + first frame, ${n} revisions`, unit: 'ms', ours: oursSample.median,
        ratio: pairedRatio(oursSample, baseSample), baseline: { name: 'RevisionGraph + historyOrder (the tree)', value: baseSample.median },
        goals: goal, note: n > 1_000 ? 'no goal at this size; for orientation' : undefined,
      },
      { group: 15, name: `graph re-layout after one file changes, ${n} revisions`, unit: 'ms', ours: median(relayout), goals: [], note: 're-index through the ChainCache + the same first-paint work' },
    );
  }
  return figures;
}
