// RevisionGraph.historyOrder() against real Alembic: small revision folders with branches, merges,
// several bases and depends_on are written as Alembic `.py` files, `alembic history` prints them,
// and our order must be the same. Alembic breaks ties by the order it read the files in (its map's
// insertion order, i.e. os.listdir), so our graph is built from the files in that same order.
// Needs Debian's python3-alembic; without it the suite fails with the install hint.
import * as assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RevisionGraph } from '../../src/core/chain/graph';
import { loadChain } from '../../src/core/chain/load';

interface Rev { id: string; parents: string[]; dependsOn?: string[] }

const INSTALL_HINT = 'apt-get install -y python3-alembic python3-psycopg2';

/** The first interpreter that can import alembic (MC_PYTHON, python3 on PATH, Debian's python3). */
function alembicPython(): string {
  const candidates = [process.env.MC_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  for (const python of candidates) {
    if (spawnSync(python, ['-c', 'import alembic'], { encoding: 'utf8' }).status === 0) return python;
  }
  throw new Error(`No Python interpreter here imports alembic (tried ${candidates.join(', ')}); ${INSTALL_HINT}`);
}

const pyTuple = (ids: readonly string[]): string =>
  ids.length === 0 ? 'None' : ids.length === 1 ? `'${ids[0]}'` : `(${ids.map((i) => `'${i}'`).join(', ')})`;

function pyFile(r: Rev): string {
  return [`"""${r.id}`, '', `Revision ID: ${r.id}`, '"""', `revision = '${r.id}'`, `down_revision = ${pyTuple(r.parents)}`,
    'branch_labels = None', `depends_on = ${pyTuple(r.dependsOn ?? [])}`, '', 'def upgrade():', '    pass', '', 'def downgrade():', '    pass', ''].join('\n');
}

/** Writes one project per chain, runs `alembic history` on each in one Python process, and returns Alembic's order and ours. */
async function bothOrders(python: string, chains: readonly (readonly Rev[])[]): Promise<{ alembic: string[]; ours: string[] }[]> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'mc-history-'));
  try {
    const projects: string[] = [];
    for (const [k, revs] of chains.entries()) {
      const project = path.join(root, `p${k}`);
      const versions = path.join(project, 'alembic', 'versions');
      await fs.mkdir(versions, { recursive: true });
      await fs.writeFile(path.join(project, 'alembic.ini'), '[alembic]\nscript_location = %(here)s/alembic\n');
      for (const r of revs) await fs.writeFile(path.join(versions, `${r.id}.py`), pyFile(r));
      projects.push(project);
    }
    // Per project: the listing Alembic reads (os.listdir), then what `alembic history` prints.
    const script = [
      'import os, sys',
      'from alembic.config import main',
      'for project in sys.argv[1:]:',
      '    print("\\n".join(os.listdir(os.path.join(project, "alembic", "versions"))))',
      '    print("---")',
      '    sys.stdout.flush()',
      '    main(argv=["-c", os.path.join(project, "alembic.ini"), "history"])',
      '    print("===")',
      '    sys.stdout.flush()',
    ].join('\n');
    const run = spawnSync(python, ['-c', script, ...projects], { encoding: 'utf8' });
    assert.strictEqual(run.status, 0, `alembic history failed: ${run.stderr}`);
    const outputs = run.stdout.split('===\n').slice(0, projects.length);
    assert.strictEqual(outputs.length, projects.length, `alembic printed ${outputs.length} histories for ${projects.length} projects`);
    return await Promise.all(outputs.map(async (output, k) => {
      const [listing, history] = output.split('---\n');
      const alembic = history.trim().split('\n').map((line) => {
        const m = /-> (\S+?)(?: \(|,)/.exec(line);
        assert.ok(m, `unexpected alembic history line: ${line}`);
        return m[1];
      });
      const chain = await loadChain(path.join(projects[k], 'alembic', 'versions'));
      assert.deepStrictEqual(chain.diagnostics.filter((d) => d.severity === 'error'), []);
      const byFile = new Map(chain.migrations.map((m) => [path.basename(m.file), m]));
      const inAlembicsOrder = listing.trim().split('\n').filter((f) => f.endsWith('.py')).map((f) => byFile.get(f)!);
      return { alembic, ours: new RevisionGraph(inAlembicsOrder).historyOrder() };
    }));
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

/** A seeded random DAG: each revision has 0-2 parents among earlier ones, sometimes a depends_on. */
function randomChain(seed: number, size: number): Rev[] {
  let state = seed;
  const next = (n: number): number => { state = (state * 1103515245 + 12345) % 2147483648; return state % n; };
  const revs: Rev[] = [];
  for (let i = 0; i < size; i++) {
    const id = `r${seed}x${String(i).padStart(2, '0')}`;
    const parents = new Set<string>();
    if (i > 0 && next(8) !== 0) parents.add(revs[i - 1 - next(Math.min(i, 4))].id);
    if (i > 2 && next(4) === 0) parents.add(revs[next(i)].id);
    const dependsOn = i > 3 && next(6) === 0 ? [revs[next(i)].id].filter((d) => !parents.has(d)) : [];
    revs.push({ id, parents: [...parents], dependsOn });
  }
  return revs;
}

describe('history order matches real alembic history', function () {
  this.timeout(120000);
  const cases: Record<string, Rev[]> = {
    'a line': [{ id: 'l1', parents: [] }, { id: 'l2', parents: ['l1'] }, { id: 'l3', parents: ['l2'] }],
    'two branches from one branch point, one merged': [
      { id: 'root', parents: [] }, { id: 'a1', parents: ['root'] }, { id: 'a2', parents: ['a1'] },
      { id: 'b1', parents: ['root'] }, { id: 'b2', parents: ['b1'] }, { id: 'm1', parents: ['a2', 'b2'] },
      { id: 'c1', parents: ['root'] }, { id: 'c2', parents: ['c1'] },
    ],
    'two bases, a merge of both, a branch inside a branch': [
      { id: 'x0', parents: [] }, { id: 'y0', parents: [] }, { id: 'x1', parents: ['x0'] }, { id: 'x2', parents: ['x1'] },
      { id: 'x3', parents: ['x1'] }, { id: 'y1', parents: ['y0'] }, { id: 'mm', parents: ['x2', 'y1'] }, { id: 'top', parents: ['mm'] },
    ],
    'depends_on across branches': [
      { id: 'd0', parents: [] }, { id: 'd1', parents: ['d0'] }, { id: 'e0', parents: [] }, { id: 'e1', parents: ['e0'], dependsOn: ['d1'] },
      { id: 'e2', parents: ['e1'] }, { id: 'd2', parents: ['d1'] },
    ],
  };
  for (const seed of [3, 17, 29, 41, 53, 67]) cases[`a random chain (seed ${seed}, 16 revisions)`] = randomChain(seed, 16);

  let results: Map<string, { alembic: string[]; ours: string[] }>;
  before(async () => {
    const python = alembicPython();
    const names = Object.keys(cases);
    const orders = await bothOrders(python, names.map((n) => cases[n]));
    results = new Map(names.map((n, k) => [n, orders[k]]));
  });

  for (const [name, revs] of Object.entries(cases)) {
    it(name, () => {
      const { alembic, ours } = results.get(name)!;
      assert.strictEqual(alembic.length, revs.length, 'alembic printed every revision');
      assert.deepStrictEqual(ours, alembic);
    });
  }
});
