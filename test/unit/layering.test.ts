// The layering rules of ARCHITECTURE.md, checked on the source text so a violation fails CI:
// the engine and the CLI never import `vscode`, nothing loads `pg` or `umzug` at module load
// (the extension must activate without them; only `import type` and in-function requires are allowed),
// and no module reaches itself through its imports (type imports included: a circle of types is
// still two modules that cannot be read, moved or tested one without the other).
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

/** Relative module specifiers a file names: imports (type or value), re-exports, require() and import(). */
function relativeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\(\s*|^import\s+)['"](\.{1,2}\/[^'"]*)['"]/gm)) out.push(m[1]);
  return out;
}

/** The file a relative specifier names (`x.ts` or `x/index.ts`), if it is one of `files`. */
function resolveImport(from: string, spec: string, files: ReadonlySet<string>): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((f) => files.has(f));
}

/** Every import circle (strongly connected component of more than one file, or a file importing itself). */
function importCircles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do { w = stack.pop() as string; onStack.delete(w); component.push(w); } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) circles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return circles;
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

  it('no import circles anywhere in src (type imports included)', () => {
    const files = sources(SRC);
    const known = new Set(files);
    const graph = new Map(files.map((f) => [f, relativeImports(fs.readFileSync(f, 'utf8'))
      .map((spec) => resolveImport(f, spec, known)).filter((t): t is string => t !== undefined)]));
    assert.ok([...graph.values()].some((deps) => deps.length > 0), 'the import reader found no imports at all');
    assert.deepStrictEqual(importCircles(graph).map((c) => c.map((f) => path.relative(SRC, f))), []);
  });

  it('src/extension reaches the engine only through src/extension/core.ts (its one door)', () => {
    const files = sources(SRC);
    const known = new Set(files);
    const door = path.join(SRC, 'extension', 'core.ts');
    const offenders = sources(path.join(SRC, 'extension')).filter((f) => f !== door).flatMap((f) =>
      relativeImports(fs.readFileSync(f, 'utf8'))
        .map((spec) => resolveImport(f, spec, known))
        .filter((t): t is string => t !== undefined && t.startsWith(path.join(SRC, 'core') + path.sep))
        .map((t) => `${path.relative(SRC, f)} -> ${path.relative(SRC, t)}`));
    assert.deepStrictEqual(offenders, []);
  });

  it('the checks above do catch a violation', () => {
    assert.deepStrictEqual(relativeImports("import type { A } from './a';\nexport { b } from '../b';\nconst c = require('./c') as typeof import('./c');"),
      ['./a', '../b', './c', './c']);
    assert.deepStrictEqual(importCircles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])), [['a', 'b', 'c']]);
    assert.deepStrictEqual(importCircles(new Map([['a', ['a']]])), [['a']]);
    assert.deepStrictEqual(importCircles(new Map([['a', ['b']], ['b', []]])), []);
    assert.ok(loadsAtModuleLevel("import { Client } from 'pg';", 'pg'));
    assert.ok(loadsAtModuleLevel("const { Umzug } = require('umzug');", 'umzug'));
    assert.ok(!loadsAtModuleLevel("import type { Client } from 'pg';", 'pg'));
    assert.ok(!loadsAtModuleLevel("  const pg = require('pg');", 'pg'));
  });
});
