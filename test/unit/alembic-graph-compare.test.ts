// The Alembic helper's output checked at the boundary (core/alembic/read/graph-helper.ts) and compared with
// the static reader's chain (core/alembic/read/graph-compare.ts): every kind of disagreement, on its file and
// line, and the chain shown once Alembic has read what the static reader refused.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { alembicGraphKey } from '../../src/core/alembic/read/graph-cache';
import { applyAlembicGraph, compareWithAlembic } from '../../src/core/alembic/read/graph-compare';
import { defaultHelperScript, parseHelperOutput, type AlembicGraph, type AlembicRevisionInfo } from '../../src/core/alembic/read/graph-helper';
import { loadChain } from '../../src/core/chain/load';
import { MigrationChainError } from '../../src/core/errors';

const rev = (revision: string, file: string, down: string[] = [], extra: Partial<AlembicRevisionInfo> = {}): AlembicRevisionInfo => ({
  revision, downRevisions: down, branchLabels: [], allBranchLabels: [], dependsOn: [], doc: '', path: file, ...extra,
});
const graphOf = (revisions: AlembicRevisionInfo[], errors: AlembicGraph['errors'] = []): AlembicGraph => ({ alembicVersion: '1.8.1', revisions, heads: [], errors, warnings: [] });

describe('Alembic helper: output validation', () => {
  const good = {
    alembic: '1.8.1', heads: ['b'], warnings: [],
    revisions: [{ revision: 'b', down_revisions: ['a'], branch_labels: [], all_branch_labels: ['x'], depends_on: [], doc: 'add b', path: '/p/versions/b.py' }],
    errors: [{ message: 'SyntaxError: bad', file: '/p/versions/c.py', line: 3 }, { message: 'CommandError: no [alembic] section' }],
  };

  it('reads a well-formed answer into typed fields', () => {
    const g = parseHelperOutput(JSON.stringify(good));
    assert.deepEqual(g.revisions[0], { revision: 'b', downRevisions: ['a'], branchLabels: [], allBranchLabels: ['x'], dependsOn: [], doc: 'add b', path: '/p/versions/b.py' });
    // Without a scope (an older helper), a problem with a file is the file's, one without is the project's.
    assert.deepEqual(g.errors, [{ message: 'SyntaxError: bad', file: '/p/versions/c.py', line: 3, scope: 'file' }, { message: 'CommandError: no [alembic] section', scope: 'project' }]);
    assert.deepEqual(g.heads, ['b']);
  });

  it('refuses every mis-typed field, naming it, rather than assuming a shape', () => {
    const broken: [string, unknown, RegExp][] = [
      ['not JSON', 'Traceback (most recent call last):', /not JSON/],
      ['a list', [], /output is not an object/],
      ['revision a number', { ...good, revisions: [{ ...good.revisions[0], revision: 7 }] }, /revisions\[0\]\.revision is not a string/],
      ['parents a string', { ...good, revisions: [{ ...good.revisions[0], down_revisions: 'a' }] }, /down_revisions is not a list/],
      ['a label not a string', { ...good, revisions: [{ ...good.revisions[0], branch_labels: [null] }] }, /branch_labels\[0\] is not a string/],
      ['relative path', { ...good, revisions: [{ ...good.revisions[0], path: 'versions/b.py' }] }, /path is not absolute/],
      ['line zero', { ...good, errors: [{ message: 'x', line: 0 }] }, /errors\[0\]\.line/],
      ['heads missing', { ...good, heads: undefined }, /heads is not a list/],
      ['unknown scope', { ...good, errors: [{ message: 'x', scope: 'global' }] }, /errors\[0\]\.scope/],
    ];
    for (const [name, value, re] of broken) {
      assert.throws(() => parseHelperOutput(typeof value === 'string' ? value : JSON.stringify(value)),
        (e: unknown) => e instanceof MigrationChainError && e.code === 'io' && re.test(e.message), name);
    }
  });
});

describe('Alembic helper: the script ships', () => {
  it('is found next to the engine and listed in the .vsix', () => {
    const script = defaultHelperScript();
    assert.strictEqual(path.basename(script), 'alembic_graph.py');
    assert.match(fs.readFileSync(script, 'utf8'), /ScriptDirectory\.from_config/);
    const ignore = fs.readFileSync(path.join(path.dirname(path.dirname(script)), '.vscodeignore'), 'utf8').split('\n').map((l) => l.trim());
    assert.ok(ignore.includes('!media/alembic_graph.py'), '.vscodeignore lets the helper into the package');
  });
});

describe('Alembic helper: disagreements with the static reader', () => {
  let dir: string;
  const write = (name: string, body: string) => fs.writeFileSync(path.join(dir, name), `"""${name}"""\n${body}\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    op.drop_table('t')\n`);
  const at = (name: string) => path.join(dir, name);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-compare-'));
    write('a.py', "revision = 'a'\ndown_revision = None");
    write('b.py', "revision = 'b'\ndown_revision = 'a'\nbranch_labels = ('x',)");
    write('c.py', "PREFIX = 'c'\nrevision = PREFIX + '01'\ndown_revision = 'b'");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('agreeing readings give no disagreement and keep the graph', async () => {
    write('c.py', "revision = 'c01'\ndown_revision = 'b'");
    const chain = await loadChain(dir);
    const g = graphOf([rev('a', at('a.py')), rev('b', at('b.py'), ['a'], { branchLabels: ['x'] }), rev('c01', at('c.py'), ['b'])]);
    assert.deepEqual(compareWithAlembic(chain, g, at('alembic.ini')), []);
    assert.equal(applyAlembicGraph(chain, g, at('alembic.ini')).chain.graph, chain.graph);
  });

  it('a file the static reader refused joins the graph with Alembic\'s values; its refusal becomes a warning on the same line', async () => {
    const chain = await loadChain(dir);
    assert.ok(!chain.graph.has('c01'));
    const refusal = chain.diagnostics.find((d) => d.file === at('c.py') && d.severity === 'error');
    assert.ok(refusal?.line, 'the static reader refuses the concatenation on its line');
    const g = graphOf([rev('a', at('a.py')), rev('b', at('b.py'), ['a'], { branchLabels: ['x'] }), rev('c01', at('c.py'), ['b'], { doc: 'c.py' })]);
    const { chain: shown, disagreements } = applyAlembicGraph(chain, g, at('alembic.ini'));
    assert.deepEqual(disagreements.map((d) => [d.kind, d.file, d.line, d.revision]), [['read-by-alembic-only', at('c.py'), refusal.line, 'c01']]);
    assert.deepEqual(shown.graph.heads, ['c01']);
    assert.equal(shown.graph.get('c01')?.message, 'c.py');
    assert.equal(shown.graph.get('c01')?.hasDowngrade, true);
    const onC = shown.diagnostics.filter((d) => d.file === at('c.py'));
    assert.deepEqual(onC.map((d) => [d.severity, d.code, d.line]), [['warning', 'alembic-disagreement', refusal.line]]);
    assert.match(onC[0].message, /Read through Alembic: revision c01, down_revision b/);
  });

  it('different parents, labels, depends_on, id; a revision only one side reads; a file Alembic cannot load', async () => {
    write('c.py', "revision = 'c01'\ndown_revision = 'b'\ndepends_on = 'a'");
    write('d.py', "revision = 'd'\ndown_revision = 'c01'");
    const chain = await loadChain(dir);
    const g = graphOf([
      rev('a', at('a.py')),
      rev('b', at('b.py'), ['z'], { branchLabels: ['y'] }),
      rev('c02', at('c.py'), ['b']),
      rev('e', at('sub/e.py'), ['a']),
    ], [{ message: 'ZeroDivisionError: division by zero', file: at('d.py'), line: 9, scope: 'file' }, { message: 'CommandError: no script_location', scope: 'project' }]);
    const found = compareWithAlembic(chain, g, at('alembic.ini')).map((d) => [d.kind, path.basename(d.file), d.line]);
    assert.deepEqual(found.sort(), [
      ['alembic-unavailable', 'alembic.ini', 1],
      ['alembic-error', 'd.py', 9],
      ['different-labels', 'b.py', 2],
      ['different-parents', 'b.py', 3],
      ['different-revision', 'c.py', 2],
      ['missing-revision', 'e.py', 1],
    ].sort());
    const ok = graphOf([rev('a', at('a.py')), rev('b', at('b.py'), ['a'], { branchLabels: ['x'] }), rev('c01', at('c.py'), ['b'], { dependsOn: [] })]);
    const more = compareWithAlembic(chain, ok, at('alembic.ini')).map((d) => [d.kind, path.basename(d.file)]);
    assert.deepEqual(more, [['different-depends-on', 'c.py'], ['extra-revision', 'd.py']]);
  });
});

describe('Alembic helper: a failure of the reading as a whole', () => {
  it('is a warning on alembic.ini and the static reading stands: no error, so nothing a run refuses', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-unavailable-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.py'), "revision = 'a'\ndown_revision = None\n\ndef upgrade():\n    pass\n");
      const chain = await loadChain(dir);
      // What Alembic 1.16+ made of the old helper: the whole reading failed, no revision listed.
      const g = graphOf([], [{ message: "KeyError: '_from_filename'", scope: 'project' }]);
      const { chain: shown, disagreements } = applyAlembicGraph(chain, g, path.join(dir, 'alembic.ini'));
      assert.deepEqual(disagreements.map((d) => [d.kind, path.basename(d.file)]), [['alembic-unavailable', 'alembic.ini']]);
      assert.deepEqual(shown.graph.revisions, ['a'], 'the static reading, not an empty graph');
      assert.deepEqual(shown.diagnostics.filter((d) => d.severity === 'error'), []);
      assert.match(shown.diagnostics.find((d) => d.code === 'alembic-error')!.message, /Not checked through Alembic.*_from_filename/);
      // A revision file Alembic cannot load stays an error: Alembic's own runs would stop there.
      const broken = applyAlembicGraph(chain, graphOf([rev('a', path.join(dir, 'a.py'))], [{ message: 'SyntaxError: x', file: path.join(dir, 'b.py'), line: 2, scope: 'file' }]), path.join(dir, 'alembic.ini'));
      assert.deepEqual(broken.chain.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, path.basename(d.file!), d.line]), [['alembic-error', 'b.py', 2]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Alembic helper: the cache key', () => {
  it('stays while nothing changes; changes with a revision file\'s content, a new or deleted file, and alembic.ini', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-key-'));
    try {
      const ini = path.join(dir, 'alembic.ini');
      const versions = path.join(dir, 'versions');
      fs.mkdirSync(path.join(versions, 'sub'), { recursive: true });
      fs.writeFileSync(ini, '[alembic]\nscript_location = %(here)s\n');
      fs.writeFileSync(path.join(versions, 'a.py'), "revision = 'a'\n");
      const key = () => alembicGraphKey(ini, [versions]);
      const first = await key();
      assert.strictEqual(await key(), first);
      let previous = first;
      const changed = async (what: string, change: () => void) => {
        change();
        const k = await key();
        assert.notStrictEqual(k, previous, what);
        previous = k;
      };
      await changed('content (size)', () => fs.writeFileSync(path.join(versions, 'a.py'), "revision = 'aa'\n"));
      await changed('mtime only', () => fs.utimesSync(path.join(versions, 'a.py'), new Date(2001, 1, 1), new Date(2001, 1, 1)));
      await changed('a new file in a subfolder', () => fs.writeFileSync(path.join(versions, 'sub', 'b.py'), "revision = 'b'\n"));
      await changed('a deleted file', () => fs.rmSync(path.join(versions, 'sub', 'b.py')));
      await changed('alembic.ini', () => fs.appendFileSync(ini, 'version_locations = %(here)s/versions\n'));
      const stable = await key();
      fs.writeFileSync(path.join(versions, 'notes.txt'), 'not a revision');
      assert.strictEqual(await key(), stable, 'files Alembic never loads do not count');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
