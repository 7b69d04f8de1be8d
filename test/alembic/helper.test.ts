// The Alembic graph helper (media/alembic_graph.py, run by core/alembic/read/graph-helper.ts) against real
// `alembic history --verbose` and `alembic heads` on the static reader's corpus (every case of
// test/alembic/static-reader.test.ts), on a project with labelled branches, a merge and depends_on,
// and on the example project. For each case every revision's id, parents, depends_on, branch names
// (inherited ones included), path and message, and the set of heads must be Alembic's. The agreement
// figures are printed. Importing the corpus registers the static reader's suite too.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readAlembicGraph, AlembicGraphCache } from '../../src/core/alembic/read/graph-cache';
import { applyAlembicGraph } from '../../src/core/alembic/read/graph-compare';
import { runAlembicHelper, type AlembicGraph } from '../../src/core/alembic/read/graph-helper';
import { loadChain } from '../../src/core/chain/load';
import { alembicPython, realAlembic } from '../support/alembic';
import { REPO_ROOT } from '../reliability/support/cli';
import { BASES, CORPUS } from './static-reader.test';

interface HistoryEntry { revision: string; parents: string[]; dependsOn: string[]; branchNames: string[]; path: string; doc: string }

/** `alembic history --verbose` (Script.log_entry) parsed back into fields. */
function parseVerboseHistory(text: string): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  const lines = text.split('\n');
  const list = (v: string) => (v === '<base>' ? [] : v.split(',').map((s) => s.trim()).filter(Boolean));
  for (let i = 0; i < lines.length; i++) {
    const rev = /^Rev: (\S+)/.exec(lines[i]);
    if (!rev) continue;
    const e: HistoryEntry = { revision: rev[1], parents: [], dependsOn: [], branchNames: [], path: '', doc: '' };
    for (i++; i < lines.length && !lines[i].startsWith('Path: '); i++) {
      const [field, ...rest] = lines[i].split(': ');
      const value = rest.join(': ');
      if (field === 'Parent' || field === 'Merges') e.parents = list(value);
      else if (field === 'Also depends on') e.dependsOn = list(value);
      else if (field === 'Branch names') e.branchNames = list(value);
    }
    e.path = lines[i].slice('Path: '.length);
    const doc: string[] = [];
    for (i += 2; i < lines.length && lines[i].startsWith('    '); i++) doc.push(lines[i].slice(4));
    // Script.doc: the stripped docstring up to its first blank line.
    e.doc = doc.join('\n').split('\n\n')[0];
    out.push(e);
  }
  return out;
}

function alembicHeads(ini: string): string[] {
  const r = realAlembic(ini, ['heads'], {});
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').map((l) => l.trim().split(' ')[0]).filter(Boolean).sort();
}

/** The differences between the helper's answer and real Alembic's CLI for one project; [] = agreement. */
function differences(ini: string, graph: AlembicGraph): string[] {
  const r = realAlembic(ini, ['history', '--verbose'], {});
  assert.equal(r.status, 0, r.stderr);
  const history = parseVerboseHistory(r.stdout);
  const diffs: string[] = [];
  if (graph.errors.length) diffs.push(`helper errors: ${JSON.stringify(graph.errors)}`);
  const byRev = new Map(graph.revisions.map((g) => [g.revision, g]));
  if (graph.revisions.length !== history.length) diffs.push(`helper lists ${graph.revisions.length} revisions, alembic history ${history.length}`);
  for (const h of history) {
    const g = byRev.get(h.revision);
    if (!g) { diffs.push(`${h.revision}: missing from the helper`); continue; }
    const ours = { parents: g.downRevisions, dependsOn: g.dependsOn, branchNames: [...g.allBranchLabels].sort(), path: g.path, doc: g.doc };
    const theirs = { parents: h.parents, dependsOn: h.dependsOn, branchNames: [...h.branchNames].sort(), path: h.path, doc: h.doc };
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) diffs.push(`${h.revision}: helper ${JSON.stringify(ours)}, alembic ${JSON.stringify(theirs)}`);
  }
  const heads = alembicHeads(ini);
  if (JSON.stringify([...graph.heads].sort()) !== JSON.stringify(heads)) diffs.push(`heads: helper ${graph.heads.join(',')}, alembic ${heads.join(',')}`);
  return diffs;
}

function project(root: string, name: string, files: Record<string, string | Buffer>): string {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'versions'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'alembic.ini'), '[alembic]\nscript_location = %(here)s\n');
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, 'versions', f), text);
  return path.join(dir, 'alembic.ini');
}

const PY = (doc: string, body: string) => `"""${doc}"""\n${body}\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`;

// Labelled expand/contract branches, a merge, depends_on on a label and on a revision, a non-literal id.
const BRANCHES: Record<string, string> = {
  'root.py': PY('root', "revision = 'root'\ndown_revision = None"),
  'exp1.py': PY('expand one\n\nmore text', "revision = 'exp1'\ndown_revision = 'root'\nbranch_labels = ('expand',)"),
  'exp2.py': PY('expand two', "revision = 'exp2'\ndown_revision = 'exp1'"),
  'con1.py': PY('contract one', "revision = 'con1'\ndown_revision = 'root'\nbranch_labels = 'contract'\ndepends_on = 'expand'"),
  'con2.py': PY('contract two', "SUFFIX = '2'\nrevision = 'con' + SUFFIX\ndown_revision = 'con1'\ndepends_on = ['exp2']"),
  'merge.py': PY('merge', "revision = 'merge'\ndown_revision = ('exp2', 'con2')"),
  'tip.py': PY('tip', "revision = 'tip'\ndown_revision = 'merge'"),
};

describe('Alembic graph helper vs real alembic history and heads', function () {
  this.timeout(300_000);
  let root: string;
  let python: string;

  before(() => {
    python = alembicPython();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-helper-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('agrees with Alembic on every case of the corpus, on labelled branches with a merge, and on the example project', async () => {
    const cases: [string, string][] = Object.keys(CORPUS).map((name, i) => [name, project(root, `case${i}`, { ...BASES, 'case.py': CORPUS[name] })]);
    cases.push(['expand/contract branches, merge, depends_on', project(root, 'branches', BRANCHES)]);
    cases.push(['examples/alembic-backend', path.join(REPO_ROOT, 'examples', 'alembic-backend', 'backend', 'alembic.ini')]);
    let agree = 0;
    let mergedAgree = 0;
    let adopted = 0;
    const failures: string[] = [];
    for (const [name, ini] of cases) {
      const graph = await runAlembicHelper({ python, iniFile: ini, projectDir: path.dirname(ini) });
      const diffs = differences(ini, graph);
      if (diffs.length === 0) agree++;
      else failures.push(`${name}: ${diffs.join('; ')}`);
      // What the editor shows: the static reading with Alembic's answer merged in must be Alembic's graph,
      // and the only disagreements are files the static reader refused.
      const versions = path.dirname(graph.revisions[0].path);
      const { chain, disagreements } = applyAlembicGraph(await loadChain(versions), graph, ini);
      const unexpected = disagreements.filter((d) => d.kind !== 'read-by-alembic-only');
      adopted += disagreements.length - unexpected.length;
      const shown = [...chain.graph.revisions].sort().map((r) => {
        const m = chain.graph.get(r)!;
        return { r, down: m.downRevisions, dep: m.dependsOn, labels: [...m.branchLabels].sort(), doc: m.message };
      });
      const theirs = graph.revisions.map((g) => ({ r: g.revision, down: g.downRevisions, dep: g.dependsOn, labels: [...g.branchLabels].sort(), doc: g.doc }))
        .sort((a, b) => (a.r < b.r ? -1 : 1));
      const sameHeads = JSON.stringify([...chain.graph.heads].sort()) === JSON.stringify([...graph.heads].sort());
      if (unexpected.length === 0 && sameHeads && JSON.stringify(shown) === JSON.stringify(theirs)) mergedAgree++;
      else failures.push(`${name} (merged): ${JSON.stringify({ unexpected, heads: chain.graph.heads, shown, theirs })}`);
    }
    console.log(`      helper vs real Alembic: ${cases.length} projects (${Object.keys(CORPUS).length} corpus cases + 2); agree: ${agree}; differ: ${cases.length - agree}`);
    console.log(`      static reading + helper (what the editor shows) vs Alembic: agree: ${mergedAgree}/${cases.length}; files only Alembic could read: ${adopted}`);
    assert.deepEqual(failures, []);
  });

  it('reports a file Alembic cannot load with its file and line, and still reads the others', async () => {
    const ini = project(root, 'broken', {
      ...BASES,
      'boom.py': PY('boom', "revision = 'boom'\ndown_revision = 'base0001'\nx = 1 / 0"),
      'syntax.py': "revision = (\n",
    });
    const graph = await runAlembicHelper({ python, iniFile: ini, projectDir: path.dirname(ini) });
    const versions = path.join(path.dirname(ini), 'versions');
    assert.deepEqual(graph.revisions.map((r) => r.revision).sort(), ['base0001', 'base0002']);
    assert.deepEqual(graph.errors.map((e) => [e.file, e.line, e.message.split(':')[0]]).sort(),
      [[path.join(versions, 'boom.py'), 4, 'ZeroDivisionError'], [path.join(versions, 'syntax.py'), 1, 'SyntaxError']]);
    const missing = await runAlembicHelper({ python, iniFile: path.join(root, 'nowhere.ini'), projectDir: root });
    assert.equal(missing.errors.length, 1);
    assert.match(missing.errors[0].message, /CommandError/);
  });

  it('the editor\'s reading: a non-literal revision joins the graph with Alembic\'s values; the cache answers until a file changes', async () => {
    const ini = project(root, 'merged', BRANCHES);
    const versions = path.join(path.dirname(ini), 'versions');
    const cache = new AlembicGraphCache();
    const first = await readAlembicGraph({ python, iniFile: ini, projectDir: path.dirname(ini), versionDirs: [versions], cache });
    assert.equal(first.cached, false);
    const chain = await loadChain(versions);
    assert.ok(!chain.graph.has('con2'), 'the static reader refuses `revision = \'con\' + SUFFIX`');
    const { chain: shown, disagreements } = applyAlembicGraph(chain, first.graph, ini);
    assert.deepEqual(disagreements.map((d) => [d.kind, path.basename(d.file), d.revision]), [['read-by-alembic-only', 'con2.py', 'con2']]);
    assert.deepEqual(shown.graph.heads, ['tip']);
    assert.equal(shown.diagnostics.filter((d) => d.severity === 'error').length, 0);

    assert.equal((await readAlembicGraph({ python, iniFile: ini, projectDir: path.dirname(ini), versionDirs: [versions], cache })).cached, true);
    fs.writeFileSync(path.join(versions, 'tip2.py'), PY('tip two', "revision = 'tip2'\ndown_revision = 'tip'"));
    const after = await readAlembicGraph({ python, iniFile: ini, projectDir: path.dirname(ini), versionDirs: [versions], cache });
    assert.equal(after.cached, false);
    assert.deepEqual(after.graph.heads, ['tip2']);
  });
});
