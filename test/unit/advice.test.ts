import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { adviseHeads, reparent } from '../../src/core/advice/heads';
import { RevisionGraph } from '../../src/core/chain/graph';
import type { Migration } from '../../src/core/chain/model';
import { parsePythonMigration } from '../../src/core/chain/parse-python';
import { parseSqlMigration } from '../../src/core/chain/parse-sql';
import { MigrationChainError } from '../../src/core/errors';

function mig(revision: string, downRevisions: string[] = []): Migration {
  return {
    file: `/chain/${revision}.sql`, format: 'sql', revision, downRevisions, dependsOn: [], branchLabels: [],
    message: revision, transactional: true, revisionLine: 1, downRevisionLine: 2,
    hasDowngrade: true, hasVerify: false, checksum: '',
  };
}

// base -> a1 -> a2 (head) and base -> b1 (head)
function twoHeads(): RevisionGraph {
  return new RevisionGraph([mig('base'), mig('a1', ['base']), mig('a2', ['a1']), mig('b1', ['base'])]);
}

describe('multiple heads advice', () => {
  it('without a database: re-parenting the shorter branch is suggested, and the reason says it rests on the files', () => {
    const [advice, ...rest] = adviseHeads(twoHeads());
    assert.equal(rest.length, 0);
    assert.deepEqual(advice.heads, ['a2', 'b1']);
    assert.equal(advice.advice, 'reparent-safe');
    assert.deepEqual(advice.branches, [['a1', 'a2'], ['b1']]);
    assert.equal(advice.applied, undefined);
    assert.deepEqual(advice.reparent, { revision: 'b1', file: '/chain/b1.sql', line: 2, from: ['base'], to: 'a2' });
    assert.match(advice.reason, /No database is connected/);
  });

  it('a database that applied only the shared part: re-parenting is safe', () => {
    const g = twoHeads();
    const [advice] = adviseHeads(g, g.appliedSet(['base']));
    assert.equal(advice.advice, 'reparent-safe');
    assert.deepEqual(advice.applied, [[], []]);
    assert.match(advice.reason, /applied neither branch/);
  });

  it('a database that applied one branch: a merge revision is required', () => {
    const g = twoHeads();
    const [advice] = adviseHeads(g, g.appliedSet(['a1']));
    assert.equal(advice.advice, 'merge-required');
    assert.deepEqual(advice.applied, [['a1'], []]);
    assert.equal(advice.reparent, undefined);
    assert.match(advice.reason, /applied a1 from a2's branch/);
    assert.match(advice.reason, /merge revision with a2 and b1/);
  });

  it('a database that applied both branches: a merge revision is required', () => {
    const g = twoHeads();
    const [advice] = adviseHeads(g, g.appliedSet(['a2', 'b1']));
    assert.equal(advice.advice, 'merge-required');
    assert.deepEqual(advice.applied, [['a1', 'a2'], ['b1']]);
    assert.match(advice.reason, /both branches/);
  });

  it('gives one answer per pair of heads, and none for a single head', () => {
    const three = new RevisionGraph([mig('base'), mig('a', ['base']), mig('b', ['base']), mig('c', ['base'])]);
    assert.deepEqual(adviseHeads(three).map((a) => a.heads), [['a', 'b'], ['a', 'c'], ['b', 'c']]);
    assert.deepEqual(adviseHeads(new RevisionGraph([mig('base'), mig('a', ['base'])])), []);
  });

  it('a branch that joins the chain twice cannot be moved by one down_revision', () => {
    // Bases p and q; h1 merges p->a and q->b; h2 merges p and q directly. The shorter branch {h2}
    // starts at a merge, so moving it would need two down_revisions.
    const g = new RevisionGraph([mig('p'), mig('q'), mig('a', ['p']), mig('b', ['q']), mig('h1', ['a', 'b']), mig('h2', ['p', 'q'])]);
    const advice = adviseHeads(g);
    assert.equal(advice.length, 1);
    assert.equal(advice[0].advice, 'merge-required');
    assert.match(advice[0].reason, /more than one point/);
  });
});

describe('reparent', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-reparent-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  function changedLines(before: Buffer, after: Buffer): string[] {
    const a = before.toString('latin1').split('\n');
    const b = after.toString('latin1').split('\n');
    assert.equal(a.length, b.length, 'the number of lines must not change');
    return b.filter((line, i) => line !== a[i]);
  }

  it('rewrites only the down_revision line of a .sql file (BOM, CRLF and odd bytes kept)', async () => {
    const file = path.join(dir, 'b1_second.sql');
    const original = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('-- revision: b1\r\n--   down_revision:   base   \r\n-- message: caf\xe9 \xff bytes\r\n\r\n', 'latin1'),
      Buffer.from('-- migrate:upgrade\r\nSELECT 1; -- down_revision: not-this-one\r\n\r\n-- migrate:downgrade\r\nSELECT 2;\r\n', 'latin1'),
    ]);
    fs.writeFileSync(file, original);
    const result = await reparent({ file, newParent: 'a2' });
    const after = fs.readFileSync(file);
    assert.deepEqual(changedLines(original, after), ['--   down_revision:   a2   \r']);
    assert.deepEqual(result, { file, line: 2, before: 'base', after: 'a2' });
    const parsed = parseSqlMigration(file, after.toString('utf8'));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.migration.downRevisions, ['a2']);
  });

  it('adds a down_revision line to a .sql base that has none', async () => {
    const file = path.join(dir, 'p.sql');
    fs.writeFileSync(file, '-- revision: p\n-- message: base\n\n-- migrate:upgrade\nSELECT 1;\n');
    await reparent({ file, newParent: ['a2', 'b1'] });
    assert.equal(fs.readFileSync(file, 'utf8'),
      '-- revision: p\n-- down_revision: a2, b1\n-- message: base\n\n-- migrate:upgrade\nSELECT 1;\n');
  });

  it('rewrites only the module-level down_revision of an Alembic .py file', async () => {
    const file = path.join(dir, 'b1_second.py');
    const original = Buffer.from([
      '"""second',
      '',
      "down_revision = 'in-the-docstring'",
      '"""',
      'from alembic import op',
      '',
      "revision = 'b1'",
      'down_revision: Union[str, None] = "base"  # the parent',
      'branch_labels = None',
      '',
      'def upgrade():',
      "    down_revision = 'local'",
      '    op.execute("SELECT 1")',
      '',
    ].join('\n'));
    fs.writeFileSync(file, original);
    const result = await reparent({ file, newParent: 'a2' });
    const after = fs.readFileSync(file);
    assert.deepEqual(changedLines(original, after), ['down_revision: Union[str, None] = "a2"  # the parent']);
    assert.equal(result.line, 8);
    const parsed = parsePythonMigration(file, after.toString('utf8'));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.migration.downRevisions, ['a2']);
  });

  it('replaces a multi-line tuple in a .py file with the new parent(s)', async () => {
    const file = path.join(dir, 'm.py');
    fs.writeFileSync(file, "revision = 'm'\ndown_revision = (\n    'a2',\n    'b1',\n)\n");
    await reparent({ file, newParent: ['a2', 'c3'] });
    assert.equal(fs.readFileSync(file, 'utf8'), "revision = 'm'\ndown_revision = ('a2', 'c3')\n");
  });

  it('refuses a bad parent id and leaves the file untouched', async () => {
    const file = path.join(dir, 'b1.sql');
    const text = '-- revision: b1\n-- down_revision: base\n\n-- migrate:upgrade\nSELECT 1;\n';
    fs.writeFileSync(file, text);
    await assert.rejects(reparent({ file, newParent: "a2'; DROP" }),
      (err: unknown) => err instanceof MigrationChainError && err.code === 'usage');
    assert.equal(fs.readFileSync(file, 'utf8'), text);
    assert.deepEqual(fs.readdirSync(dir), ['b1.sql']);
  });
});
