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


/**
 * The engine's rooms, lowest first (ARCHITECTURE.md, "Layers"). A file may import its own room and
 * rooms on lower floors; rooms on one floor are independent of each other. A new room must be placed.
 */
const CORE_FLOORS: readonly (readonly string[])[] = [
  ['text.ts', 'errors.ts', 'log.ts', 'secrets.ts'],
  ['sql', 'dotenv.ts'],
  ['chain'],
  ['db'],
  ['run', 'schema', 'advice'],
  ['status'],
  ['verify', 'drift'],
  ['reset', 'authoring'],
  ['alembic'],
  ['lint'],
  ['stairway', 'environments'],
  ['engine', 'graph-view'],
  ['index.ts'],
];

/** The room of a file under src/core: its first folder, or the file itself at the top. */
function roomOf(coreDir: string, file: string): string {
  return path.relative(coreDir, file).split(path.sep)[0];
}

/** Imports between rooms that break the floors: `from -> to` with the reason. */
function floorViolations(edges: readonly [string, string][], floors: readonly (readonly string[])[]): string[] {
  const floor = new Map(floors.flatMap((rooms, i) => rooms.map((r) => [r, i] as const)));
  const out: string[] = [];
  for (const [from, to] of edges) {
    if (from === to) continue;
    const a = floor.get(from);
    const b = floor.get(to);
    if (a === undefined || b === undefined) out.push(`${from} -> ${to}: ${a === undefined ? from : to} is on no floor`);
    else if (a === b) out.push(`${from} -> ${to}: same floor`);
    else if (a < b) out.push(`${from} -> ${to}: upward`);
  }
  return out;
}

/** A front end choosing between the native runner and Alembic itself, instead of asking the chain's engine. */
const FORK = /(?<!\.)\balembic(?:Upgrade|Downgrade|Stamp|Reset|Sql|Risks|ScratchBuilder|Engine|Options)\b|(?<!\.)\b(?:offlineAlembic|fleetAlembic)\b|(?<![.\w])project\s*\?\s*[^.?:\s]|\bif\s*\(\s*!?\s*project\s*\)|kind\s*===\s*'alembic'|core\/alembic\/(?:run|reset|preview)'/;

/** Reads a project's .py revisions for the lint through Alembic (not a run): the editor's lint input, cached per folder. */
// Both read an Alembic project's files through Alembic; neither runs a migration.
const FORK_ALLOWED = new Set([path.join('extension', 'lint', 'alembic-lint-input.ts'), path.join('cli', 'alembic-reading.ts')]);

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


  it('inside src/core the rooms are floors: nothing imports upward or sideways (ARCHITECTURE.md, Layers)', () => {
    const core = path.join(SRC, 'core');
    const files = sources(core);
    const known = new Set(files);
    const edges = files.flatMap((f) => relativeImports(fs.readFileSync(f, 'utf8'))
      .map((spec) => resolveImport(f, spec, known)).filter((t): t is string => t !== undefined)
      .map((t) => [roomOf(core, f), roomOf(core, t)] as [string, string]));
    assert.ok(edges.length > 100, 'the import reader found the engine\'s imports');
    assert.deepStrictEqual([...new Set(floorViolations(edges, CORE_FLOORS))], []);
  });

  it('core/alembic: reading a project through Alembic (read/) never reaches the code that runs it (run/)', () => {
    const alembic = path.join(SRC, 'core', 'alembic');
    const files = sources(alembic);
    const known = new Set(sources(SRC));
    const read = path.join(alembic, 'read') + path.sep;
    const run = path.join(alembic, 'run') + path.sep;
    assert.ok(files.some((f) => f.startsWith(read)) && files.some((f) => f.startsWith(run)), 'both rooms exist');
    const offenders = files.filter((f) => f.startsWith(read)).flatMap((f) => relativeImports(fs.readFileSync(f, 'utf8'))
      .map((spec) => resolveImport(f, spec, known))
      .filter((t): t is string => t !== undefined && t.startsWith(run))
      .map((t) => `${path.relative(SRC, f)} -> ${path.relative(SRC, t)}`));
    assert.deepStrictEqual(offenders, []);
  });

  it('every error class in src is a MigrationChainError and lives in core/errors.ts (its first line says every failure is one of them)', () => {
    // Control flow that never leaves its module (dotenv's "this is not that form, try the next").
    const allowed = new Set(['ParseMiss']);
    const classes = new Map<string, { base: string; file: string }>();
    for (const f of sources(SRC)) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/\bclass\s+(\w+)\s+extends\s+(\w+)/g)) classes.set(m[1], { base: m[2], file: path.relative(SRC, f) });
    }
    const isChainError = (name: string, seen = 0): boolean =>
      name === 'MigrationChainError' || (seen < 20 && classes.has(name) && isChainError(classes.get(name)!.base, seen + 1));
    const offenders = [...classes].filter(([name, c]) => /Error$/.test(c.base) && !allowed.has(name) && (!isChainError(name) || c.file !== path.join('core', 'errors.ts')))
      .map(([name, c]) => `${c.file}: ${name} extends ${c.base}`);
    assert.ok(classes.size > 10, 'the class reader found the error classes');
    assert.deepStrictEqual(offenders, []);
  });

  it('src/extension keeps only its entry, its context and its one door at the top; the rest lives in rooms', () => {
    const loose = fs.readdirSync(path.join(SRC, 'extension'), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
    assert.deepStrictEqual(loose, ['context.ts', 'core.ts', 'extension.ts']);
  });

  it('src/cli reaches the engine only through src/cli/core.ts (its one door)', () => {
    const files = sources(SRC);
    const known = new Set(files);
    const door = path.join(SRC, 'cli', 'core.ts');
    const offenders = sources(path.join(SRC, 'cli')).filter((f) => f !== door).flatMap((f) =>
      relativeImports(fs.readFileSync(f, 'utf8'))
        .map((spec) => resolveImport(f, spec, known))
        .filter((t): t is string => t !== undefined && t.startsWith(path.join(SRC, 'core') + path.sep))
        .map((t) => `${path.relative(SRC, f)} -> ${path.relative(SRC, t)}`));
    assert.deepStrictEqual(offenders, []);
  });

  it('no front end forks between the native runner and Alembic: they ask the chain\'s engine (core/engine)', () => {
    const offenders = [...sources(path.join(SRC, 'cli')), ...sources(path.join(SRC, 'extension'))]
      .filter((f) => !FORK_ALLOWED.has(path.relative(SRC, f)))
      .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').map((line, i) => ({ line, i }))
        .filter(({ line }) => !/^\s*(\/\/|\*)/.test(line) && FORK.test(line))
        .map(({ line, i }) => `${path.relative(SRC, f)}:${i + 1}: ${line.trim()}`));
    assert.deepStrictEqual(offenders, []);
  });

  it('only the format table (and the parsers it names) asks which format a migration is', () => {
    const FORMAT_CHECK = /\.format\s*[!=]==?\s*['"](?:sql|js|py)['"]/;
    const allowed = (rel: string) => rel === path.join('core', 'chain', 'formats.ts') || rel === path.join('core', 'chain', 'assemble.ts')
      || /^core\/chain\/parse-[a-z]+\.ts$/.test(rel.split(path.sep).join('/'));
    const offenders = sources(SRC).map((f) => path.relative(SRC, f)).filter((rel) => !allowed(rel))
      .flatMap((rel) => fs.readFileSync(path.join(SRC, rel), 'utf8').split('\n').map((line, i) => ({ line, i }))
        .filter(({ line }) => FORMAT_CHECK.test(line)).map(({ line, i }) => `${rel}:${i + 1}: ${line.trim()}`));
    assert.ok(FORMAT_CHECK.test("if (m.format === 'py') {") && FORMAT_CHECK.test("m?.format !== 'sql'"), 'the check sees a format test');
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
    // Today's four upward imports, had they stayed, and a room on no floor.
    assert.deepStrictEqual(floorViolations([['sql', 'chain'], ['chain', 'authoring'], ['run', 'verify'], ['run', 'lint'], ['chain', 'sql'], ['verify', 'run'], ['chain', 'chain'], ['squash', 'chain']], CORE_FLOORS), [
      'sql -> chain: upward', 'chain -> authoring: upward', 'run -> verify: upward', 'run -> lint: upward', 'squash -> chain: squash is on no floor',
    ]);
    assert.deepStrictEqual(floorViolations([['run', 'schema']], CORE_FLOORS), ['run -> schema: same floor']);
    for (const fork of ["const project = await ctx.alembicProject(); if (project) {", "project ? core.alembicUpgrade(o) : core.upgrade(o)", "import { alembicOptions } from '../alembic';", "if (chain.kind === 'alembic') run();"]) {
      assert.ok(FORK.test(fork), fork);
    }
    assert.ok(!FORK.test('const engine = chainEngineFor({ chain, alembicProject: snapshot.alembicProject });'));
    assert.ok(!FORK.test('project?.dir'));
  });
});
