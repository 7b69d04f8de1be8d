import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChainCache, findMigrationsDir, findRiskyStatements, loadChain } from '../../src/core/chain';
import { createRevision } from '../../src/core/authoring/create-revision';
import { mergeHeads } from '../../src/core/authoring/merge-heads';
import { MigrationChainError, TargetError } from '../../src/core/errors';
import { FIXTURES, SEED } from './chain-helpers';

const fixture = (name: string): string => path.join(FIXTURES, name);

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'mc-chain-'));
}

describe('loadChain on the fixtures', () => {
  it('linear: one head, parents first, no diagnostics', async () => {
    const c = await loadChain(fixture('linear'));
    assert.deepEqual(c.diagnostics, []);
    assert.deepEqual(c.graph.topologicalOrder(), ['1a2b3c4d5e6f', '2b3c4d5e6f70', '3c4d5e6f7081']);
    assert.deepEqual(c.graph.heads, ['3c4d5e6f7081']);
  });
  it('branched: two heads as warnings, a branch label', async () => {
    const c = await loadChain(fixture('branched'));
    assert.deepEqual(c.graph.heads, ['bb0000000002', 'cc0000000001']);
    assert.deepEqual([...new Set(c.diagnostics.map((d) => `${d.code}:${d.severity}`))], ['multiple-heads:warning']);
    assert.deepEqual(c.graph.resolve('feature_b@head', []).revisions, ['bb0000000002']);
  });
  it('merged: the merge revision has both parents and there is one head', async () => {
    const c = await loadChain(fixture('merged'));
    assert.deepEqual(c.diagnostics, []);
    assert.deepEqual(c.graph.get('3d0000000001')?.downRevisions, ['1b0000000001', '2c0000000001']);
    assert.deepEqual(c.graph.heads, ['4e0000000001']);
    assert.deepEqual(c.graph.upgradePlan(['1b0000000001'], ['4e0000000001']), ['2c0000000001', '3d0000000001', '4e0000000001']);
  });
  it('broken: every problem is a typed diagnostic with file and line', async () => {
    const c = await loadChain(fixture('broken'));
    const got = c.diagnostics.map((d) => `${d.code}:${d.severity}:${path.basename(d.file ?? '')}:${d.line}`).sort();
    assert.deepEqual(got, [
      'cycle:error:ccc000000001_cycle_a.sql:2',
      'cycle:error:ccc000000002_cycle_b.sql:2',
      'duplicate-revision:error:ddd000000001_dup_one.sql:1',
      'duplicate-revision:error:ddd000000001_dup_two.sql:1',
      'missing-parent:error:bbb000000001_missing_parent.sql:2',
      'multiple-heads:warning:bbb000000001_missing_parent.sql:1',
      'multiple-heads:warning:ddd000000001_dup_one.sql:1',
      'no-revision:warning:seed_data.sql:1',
      'unparseable-header:error:eee000000001_bad_header.sql:1',
    ]);
  });
  it('alembic-project: found from alembic.ini; merges, labels, depends_on, docstrings', async () => {
    const dir = await findMigrationsDir(fixture('alembic-project'));
    assert.equal(dir, fixture('alembic-project/alembic/versions'));
    const c = await loadChain(dir as string);
    assert.deepEqual(c.diagnostics, []);
    assert.equal(c.migrations.length, 6, '__init__.py is skipped');
    assert.deepEqual(c.graph.heads, ['4f2e8a0b9c1d']);
    assert.deepEqual(c.graph.bases, ['1975ea83b712', '55af2cb1c267']);
    assert.deepEqual(c.graph.resolve('shoppingcart', []).revisions, ['27c6a30d7c24']);
    assert.deepEqual(c.graph.resolve('networking@head', []).revisions, ['4f2e8a0b9c1d']);
    assert.ok(c.graph.ancestors('55af2cb1c267').has('1975ea83b712'), 'depends_on is an ancestor');
    const net = c.graph.get('55af2cb1c267');
    assert.equal(net?.message, 'networking base: a second, independent branch');
    assert.equal(net?.revisionLine, 12, 'the commented-out revision above is ignored');
    assert.equal(c.graph.get('53fffde5ad5')?.hasDowngrade, false);
    assert.equal(c.graph.get('ae1027a6acf')?.message, 'Add a column');
  });
  it('throws a MigrationChainError(io) for a folder that does not exist', async () => {
    await assert.rejects(loadChain(path.join(FIXTURES, 'no-such-folder')), (e: unknown) => e instanceof MigrationChainError && e.code === 'io');
  });
});

describe('the seed chain in migrations/', () => {
  it('is the four seed revisions in order, head 556b79de2825, without diagnostics', async () => {
    const c = await loadChain(SEED);
    assert.deepEqual(c.diagnostics, []);
    assert.deepEqual(c.graph.topologicalOrder(), ['000000000000', '4b9608290b5d', 'add_discovery_query', '556b79de2825']);
    assert.deepEqual(c.graph.heads, ['556b79de2825']);
    assert.equal(c.graph.get('add_discovery_query')?.file, path.join(SEED, 'add_discovery_query_table.sql'));
  });
  it('every revision is reversible, verifiable, transactional and free of risky statements', async () => {
    const c = await loadChain(SEED);
    for (const m of c.migrations) {
      assert.ok(m.hasDowngrade && m.hasVerify && m.transactional, m.revision);
      assert.deepEqual(findRiskyStatements(m), [], m.revision);
    }
  });
  it('creates exactly the five tables, and 556b79de2825 is idempotent', async () => {
    const c = await loadChain(SEED);
    const created = c.migrations.flatMap((m) => [...(m.upgrade?.text ?? '').matchAll(/CREATE TABLE (\w+)/g)].map((x) => x[1])).sort();
    assert.deepEqual(created, ['discovery_queries', 'email_logs', 'jobs', 'prospects', 'settings']);
    const fk = c.graph.get('556b79de2825');
    assert.match(fk?.upgrade?.text ?? '', /ADD COLUMN IF NOT EXISTS discovery_query_id/);
    assert.match(fk?.upgrade?.text ?? '', /IF NOT EXISTS \(/);
    assert.equal(fk?.verify?.text, 'SELECT discovery_query_id FROM prospects LIMIT 0;');
  });
});

describe('findMigrationsDir', () => {
  it('prefers alembic.ini, else migrations/, else nothing', async () => {
    const dir = await tempDir();
    assert.equal(await findMigrationsDir(dir), undefined);
    await fs.mkdir(path.join(dir, 'migrations'));
    assert.equal(await findMigrationsDir(dir), path.join(dir, 'migrations'));
    await fs.mkdir(path.join(dir, 'db/versions'), { recursive: true });
    await fs.writeFile(path.join(dir, 'alembic.ini'), '[alembic]\nscript_location = db\n');
    assert.equal(await findMigrationsDir(dir), path.join(dir, 'db/versions'));
  });
});

describe('ChainCache (incremental re-index)', () => {
  it('re-parses only the changed file, and follows additions and deletions', async () => {
    const dir = await tempDir();
    const write = (name: string, rev: string, parent: string, body = 'SELECT 1;') =>
      fs.writeFile(path.join(dir, name), `-- revision: ${rev}\n-- down_revision: ${parent}\n-- migrate:upgrade\n${body}\n`);
    await write('a.sql', 'aaa', '');
    await write('b.sql', 'bbb', 'aaa');
    const cache = new ChainCache();
    const first = await loadChain(dir, { cache });
    assert.equal(cache.stats.parsed, 2);
    const again = await loadChain(dir, { cache });
    assert.equal(cache.stats.parsed, 2, 'unchanged files come from the cache');
    assert.deepEqual(again.graph.heads, first.graph.heads);

    await write('b.sql', 'bbb', 'aaa', 'SELECT 2; -- edited');
    const edited = await loadChain(dir, { cache, changed: [path.join(dir, 'b.sql')] });
    assert.equal(cache.stats.parsed, 3);
    assert.notEqual(edited.graph.get('bbb')?.checksum, first.graph.get('bbb')?.checksum);
    // A body-only edit patches the graph (withContentChanges): the link tables are reused, not rebuilt.
    const links = (g: unknown) => (g as { childIdx: unknown }).childIdx;
    assert.ok(links(edited.graph) !== undefined && links(edited.graph) === links(again.graph), 'the graph was rebuilt for a body edit');

    await write('c.sql', 'ccc', 'bbb');
    const added = await loadChain(dir, { cache, changed: ['c.sql'] });
    assert.deepEqual(added.graph.heads, ['ccc']);
    await fs.unlink(path.join(dir, 'c.sql'));
    const removed = await loadChain(dir, { cache, changed: [path.join(dir, 'c.sql')] });
    assert.deepEqual(removed.graph.heads, ['bbb']);
    assert.equal(removed.migrations.length, 2);
    const rescan = await loadChain(dir, { cache });
    assert.deepEqual(rescan.graph.topologicalOrder(), ['aaa', 'bbb']);

    // A header edit changes the structure: the graph is rebuilt, not patched.
    await write('b.sql', 'bbb', '');
    const reparented = await loadChain(dir, { cache, changed: [path.join(dir, 'b.sql')] });
    assert.deepEqual(reparented.graph.bases, ['aaa', 'bbb']);
    assert.notEqual(links(reparented.graph), links(rescan.graph), 'a header edit rebuilds the graph');
    assert.deepEqual(reparented.diagnostics.map((d) => d.code), ['multiple-heads', 'multiple-heads']);
    // A body edit that breaks the file drops it from the chain with its diagnostic.
    await fs.writeFile(path.join(dir, 'b.sql'), '-- revision: bbb\n-- down_revision: aaa\n');
    const broken = await loadChain(dir, { cache, changed: [path.join(dir, 'b.sql')] });
    assert.deepEqual(broken.migrations.map((m) => m.revision), ['aaa']);
    assert.deepEqual(broken.diagnostics.map((d) => [d.code, d.line]), [['unparseable-header', 1]]);
  });
});

describe('authoring', () => {
  it('createRevision writes <rev>_<slug>.sql on top of the head, and the chain accepts it', async () => {
    const dir = await tempDir();
    const first = await createRevision(dir, { message: 'Create base tables!' });
    assert.match(first.revision, /^[0-9a-f]{12}$/);
    assert.equal(path.basename(first.file), `${first.revision}_create_base_tables.sql`);
    const second = await createRevision(dir, { message: 'add\nsettings' });
    const c = await loadChain(dir);
    assert.deepEqual(c.diagnostics, []);
    assert.deepEqual(c.graph.topologicalOrder(), [first.revision, second.revision]);
    assert.equal(c.graph.get(second.revision)?.message, 'add settings');
    assert.equal(c.graph.get(second.revision)?.hasDowngrade, true);
    assert.equal(c.graph.get(second.revision)?.upgrade?.text, '');
  });
  it('refuses a second head by default, and accepts explicit parents (by prefix)', async () => {
    const dir = await tempDir();
    await fs.cp(fixture('branched'), dir, { recursive: true });
    await assert.rejects(createRevision(dir, { message: 'x' }), TargetError);
    const r = await createRevision(dir, { message: 'on c', parents: ['cc00'] });
    assert.deepEqual((await loadChain(dir)).graph.get(r.revision)?.downRevisions, ['cc0000000001']);
  });
  it('mergeHeads lists every head and leaves one head; refuses with fewer than two', async () => {
    const dir = await tempDir();
    await fs.cp(fixture('branched'), dir, { recursive: true });
    const merge = await mergeHeads(dir);
    const c = await loadChain(dir);
    assert.deepEqual(c.graph.get(merge.revision)?.downRevisions, ['bb0000000002', 'cc0000000001']);
    assert.deepEqual(c.graph.heads, [merge.revision]);
    assert.ok(c.diagnostics.every((d) => d.severity !== 'error'));
    await assert.rejects(mergeHeads(dir), (e: unknown) => e instanceof MigrationChainError && /Nothing to merge/.test(e.message));
  });
  it('never overwrites an existing file', async () => {
    const dir = await tempDir();
    const { file } = await createRevision(dir, { message: 'x' });
    const { writeMigration } = await import('../../src/core/authoring/create-revision');
    const chain = await loadChain(dir);
    const before = await fs.readFile(file, 'utf8');
    await fs.writeFile(path.join(dir, 'abcdefabcdef_clash.sql'), 'keep me');
    await assert.rejects(writeMigration(dir, chain, 'clash', [], undefined, 'abcdefabcdef'), /Refusing to overwrite/);
    assert.equal(await fs.readFile(path.join(dir, 'abcdefabcdef_clash.sql'), 'utf8'), 'keep me');
    assert.equal(await fs.readFile(file, 'utf8'), before);
  });
});
