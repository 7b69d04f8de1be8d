// The layering rules of DESIGN.md, checked on the source text so a violation fails CI:
// the engine and the CLI never import `vscode`, and nothing loads `pg` or `umzug` at module load
// (the extension must activate without them; only `import type` and in-function requires are allowed).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const SRC = path.resolve(__dirname, '..', '..', '..', 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Value imports of `name` (not `import type`), and top-level `require(name)` calls. */
function loadsAtModuleLevel(text: string, name: string): boolean {
  const quoted = `['"]${name.replace(/[/]/g, '\\/')}['"]`;
  const valueImport = new RegExp(`^import\\s+(?!type\\b)[^;]*?from\\s+${quoted}|^import\\s+${quoted}`, 'm');
  const topLevelRequire = new RegExp(`^(?:const|let|var|import)\\b[^\\n]*require\\(${quoted}\\)`, 'm');
  return valueImport.test(text) || topLevelRequire.test(text);
}

describe('layering', () => {
  it('src/core and src/cli never import vscode', () => {
    const offenders = [...sources(path.join(SRC, 'core')), ...sources(path.join(SRC, 'cli'))]
      .filter((f) => /from\s+['"]vscode['"]|require\(['"]vscode['"]\)/.test(fs.readFileSync(f, 'utf8')));
    assert.deepStrictEqual(offenders.map((f) => path.relative(SRC, f)), []);
  });

  it('no module loads pg or umzug when it is imported', () => {
    const offenders = sources(SRC).filter((f) => {
      const text = fs.readFileSync(f, 'utf8');
      return ['pg', 'umzug'].some((dep) => loadsAtModuleLevel(text, dep));
    });
    assert.deepStrictEqual(offenders.map((f) => path.relative(SRC, f)), []);
  });

  it('the checks above do catch a violation', () => {
    assert.ok(loadsAtModuleLevel("import { Client } from 'pg';", 'pg'));
    assert.ok(loadsAtModuleLevel("const { Umzug } = require('umzug');", 'umzug'));
    assert.ok(!loadsAtModuleLevel("import type { Client } from 'pg';", 'pg'));
    assert.ok(!loadsAtModuleLevel("  const pg = require('pg');", 'pg'));
  });
});
