// The format table (src/core/chain/formats.ts) is the one place that says which files are
// migrations and what each kind can do; discovery, the editor's globs and the capability questions
// must all agree with it.
import * as assert from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverMigrationFiles } from '../../src/core/chain/discover';
import {
  FORMATS, canDowngrade, formatOf, hasSqlText, hasVerifyBlock, migrationExtensions, migrationFileGlob,
} from '../../src/core/chain/formats';
import { loadChain } from '../../src/core/chain/load';
import { rev } from './chain-helpers';

describe('the migration format table', () => {
  it('names a format for every listed extension and for nothing else', () => {
    for (const spec of Object.values(FORMATS)) {
      for (const ext of spec.extensions) assert.strictEqual(formatOf(`/m/0001_x${ext.toUpperCase()}`), spec.id, ext);
    }
    for (const other of ['a.ts', 'a.txt', 'a.sql.bak', 'Makefile', '.hidden.sql', '__init__.py', 'script.py.mako']) {
      assert.strictEqual(formatOf(`/m/${other}`), undefined, other);
    }
  });

  it('the editor glob covers exactly the table\'s extensions (no .ts: nothing parses it)', () => {
    assert.deepStrictEqual(migrationExtensions(), ['sql', 'js', 'cjs', 'mjs', 'py']);
    assert.strictEqual(migrationFileGlob(), '**/*.{sql,js,cjs,mjs,py}');
    for (const ext of migrationExtensions()) assert.ok(formatOf(`x.${ext}`), ext);
  });

  it('discovery lists the files the table names and the parser of each reads them', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mc-formats-'));
    try {
      await fs.writeFile(path.join(dir, 'a.sql'), '-- revision: a\n-- down_revision: None\n-- migrate:upgrade\nSELECT 1;\n');
      await fs.writeFile(path.join(dir, 'b.js'), "exports.revision = 'b';\nexports.down_revision = 'a';\nexports.upgrade = async () => {};\n");
      await fs.writeFile(path.join(dir, 'c.py'), "revision = 'c'\ndown_revision = 'b'\ndef upgrade():\n    pass\n");
      await fs.writeFile(path.join(dir, 'd.ts'), "export const revision = 'd';\nexport const down_revision = 'c';\n");
      await fs.writeFile(path.join(dir, '__init__.py'), '');
      const found = await discoverMigrationFiles(dir);
      assert.deepStrictEqual(found.map((f) => [path.basename(f.file), f.format]), [['a.sql', 'sql'], ['b.js', 'js'], ['c.py', 'py']]);
      const chain = await loadChain(dir);
      assert.deepStrictEqual(chain.migrations.map((m) => [m.revision, m.format]), [['a', 'sql'], ['b', 'js'], ['c', 'py']]);
      assert.deepStrictEqual(chain.graph.heads, ['c']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('answers the capability questions per format', () => {
    const section = { text: 'SELECT 1;', line: 5 };
    const sqlUp = rev('a', [], { upgrade: section });
    assert.ok(!canDowngrade(sqlUp), 'a .sql file without a downgrade section cannot go down');
    assert.ok(canDowngrade(rev('a', [], { downgrade: section })));
    assert.ok(!hasVerifyBlock(rev('a', [], { verify: { text: '  \n', line: 3 } })), 'a blank verify section is no block');
    assert.ok(hasVerifyBlock(rev('a', [], { verify: section })));
    assert.ok(hasSqlText(sqlUp));

    const js = rev('b', [], { format: 'js', hasDowngrade: false, hasVerify: true });
    assert.ok(!canDowngrade(js) && hasVerifyBlock(js) && !hasSqlText(js));
    const py = rev('c', [], { format: 'py', hasDowngrade: true, hasVerify: true });
    assert.ok(canDowngrade(py) && !hasVerifyBlock(py) && !hasSqlText(py));
    assert.strictEqual(FORMATS.py.execution.kind, 'elsewhere');
  });

  it('the .sql parser adds the in-transaction check for statements PostgreSQL refuses there', () => {
    const result = FORMATS.sql.parse('/m/a.sql', '-- revision: a\n-- migrate:upgrade\nCREATE INDEX CONCURRENTLY i ON t (c);\n');
    assert.ok(result.ok);
    assert.deepStrictEqual(result.diagnostics.map((d) => [d.code, d.line]), [['non-transactional-statement', 3]]);
  });
});
