// The static .py reader never guesses (core/chain/parse-python.ts): values it cannot read as one
// literal are errors on their line, `;` separates statements, the last assignment wins, and no head
// advice is given while a file is unread (a dropped branch file makes a false head).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unreadFiles } from '../../src/core/advice/heads';
import { loadChain } from '../../src/core/chain/load';
import { parsePythonMigration } from '../../src/core/chain/parse-python';

const parse = (text: string) => parsePythonMigration('/v/x.py', text);

describe('static .py reader: strict', () => {
  it('`;` separates statements and the last assignment wins', () => {
    const r = parse("revision = 'old'\nrevision = 'c1'; down_revision = 'b1'\n");
    assert.ok(r.ok);
    assert.equal(r.migration.revision, 'c1');
    assert.deepEqual(r.migration.downRevisions, ['b1']);
  });

  for (const [name, text, line] of [
    ['concatenation', "revision = 'c1'\ndown_revision = 'b' + '1'\n", 2],
    ['implicit concatenation', "revision = 'c' '1'\n", 1],
    ['a name', "P = 'b1'\nrevision = 'c1'\ndown_revision = P\n", 3],
    ['a tuple assignment', "revision, down_revision = 'c1', 'b1'\n", 1],
    ['an if block', "if X:\n    revision = 'c1'\nelse:\n    revision = 'c2'\n", 4],
  ] as const) {
    it(`${name} is an error on its line, never a partial value or a silent drop`, () => {
      const r = parse(text);
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      assert.ok(!r.ok && errors.length > 0, JSON.stringify(r));
      assert.ok(errors.some((d) => d.line === line), JSON.stringify(errors));
    });
  }

  it('message: the docstring\'s first paragraph, as Alembic\'s Script.doc', () => {
    const r = parse('"""\n  add things\nover two lines\n\nRevision ID: c1\n"""\nrevision = \'c1\'\n');
    assert.ok(r.ok);
    assert.equal(r.migration.message, 'add things\nover two lines');
  });

  it('no head advice while a file is unread', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-unread-'));
    fs.writeFileSync(path.join(dir, 'a.py'), "revision = 'a1'\ndown_revision = None\n");
    fs.writeFileSync(path.join(dir, 'b.py'), "revision = 'b1'\ndown_revision = 'a1'\n");
    fs.writeFileSync(path.join(dir, 'c.py'), "from app import PARENT\nrevision = 'c1'\ndown_revision = PARENT\n");
    fs.writeFileSync(path.join(dir, 'd.py'), "revision = 'd1'\ndown_revision = 'c1'\n");
    const chain = await loadChain(dir);
    assert.ok(chain.graph.heads.length > 1, 'the unread file leaves a false head');
    assert.deepEqual(unreadFiles(chain), [path.join(dir, 'c.py')]);
  });

  it('no head advice while a revision id is defined twice (the file left out of the graph counts as unread)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-dup-'));
    fs.writeFileSync(path.join(dir, 'a.py'), "revision = 'a1'\ndown_revision = None\n");
    fs.writeFileSync(path.join(dir, 'b.py'), "revision = 'b1'\ndown_revision = 'a1'\n");
    fs.writeFileSync(path.join(dir, 'b2.py'), "revision = 'b1'\ndown_revision = 'c1'\n");
    fs.writeFileSync(path.join(dir, 'c.py'), "revision = 'c1'\ndown_revision = 'a1'\n");
    const chain = await loadChain(dir);
    assert.ok(chain.graph.heads.length > 1, 'the dropped file leaves a false head');
    const dup = chain.diagnostics.filter((d) => d.code === 'duplicate-revision');
    assert.deepEqual(dup.map((d) => path.basename(d.file!)).sort(), ['b.py', 'b2.py'], 'an error on both files');
    assert.deepEqual(unreadFiles(chain), [path.join(dir, 'b2.py')]);
  });

  it('a .py file without revision is an error (Alembic refuses the folder), and unread', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-norev-'));
    fs.writeFileSync(path.join(dir, 'a.py'), "revision = 'a1'\ndown_revision = None\n");
    fs.writeFileSync(path.join(dir, 'helpers.py'), 'def f():\n    return 1\n');
    const chain = await loadChain(dir);
    assert.deepEqual(chain.diagnostics.filter((d) => d.severity === 'error').map((d) => [path.basename(d.file!), d.code]), [['helpers.py', 'no-revision']]);
    assert.deepEqual(unreadFiles(chain), [path.join(dir, 'helpers.py')]);
  });
});
