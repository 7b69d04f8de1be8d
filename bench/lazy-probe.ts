// Figure 6's lazy-loading check, run as its own process so the module cache starts empty:
//   node out/bench/lazy-probe.js core DIR        (DATABASE_URL in the env)
//   node out/bench/lazy-probe.js extension BUNDLE
//   node -r out/bench/lazy-probe.js dist/cli.js COMMAND ARGS…   (preloaded: reports at exit)
// Prints one JSON line: at each stage, whether pg / umzug modules are in require.cache and whether
// the network modules (net, tls) were required. A bundle inlines pg, so require.cache cannot see it
// there; a request for `net`/`tls` is then the sign that pg's code ran.
import Module = require('node:module');
import { readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

interface Stage {
  stage: string;
  pg: boolean;
  umzug: boolean;
  net: boolean;
  ms?: number;
}

const requested = new Set<string>();
type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleInternals = Module as unknown as { _load: Load };
const originalLoad = moduleInternals._load;

function installHooks(vscodeStub?: unknown): void {
  moduleInternals._load = function (request, parent, isMain) {
    requested.add(request.replace(/^node:/, ''));
    if (request === 'vscode' && vscodeStub) return vscodeStub;
    return originalLoad.call(this, request, parent, isMain);
  };
}

function snapshot(stage: string, ms?: number): Stage {
  const files = Object.keys(require.cache);
  const inCache = (pkg: string) => files.some((f) => f.includes(`/node_modules/${pkg}/`));
  return { stage, pg: inCache('pg'), umzug: inCache('umzug'), net: requested.has('net') || requested.has('tls'), ms };
}

async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

interface CoreModule {
  loadChain(dir: string): Promise<unknown>;
  getStatus(chain: unknown, opts: { url: string }): Promise<unknown>;
}

async function probeCore(dir: string): Promise<Stage[]> {
  installHooks();
  const stages: Stage[] = [snapshot('start')];
  const core = await timed(() => require(join(__dirname, '..', 'src', 'core')) as CoreModule);
  stages.push(snapshot('require core', core.ms));
  const chain = await timed(() => core.value.loadChain(dir));
  stages.push(snapshot('loadChain', chain.ms));
  const url = process.env.DATABASE_URL;
  if (url) {
    const status = await timed(() => core.value.getStatus(chain.value, { url }));
    stages.push(snapshot('getStatus (first database call)', status.ms));
  }
  return stages;
}

/**
 * A stand-in for the `vscode` module that answers every property with another stand-in, so the
 * bundle's top level and activate() can run outside an editor. `then` is absent (not a thenable).
 */
function universalStub(name = 'vscode'): unknown {
  const target = function () {} as unknown as Record<string | symbol, unknown>;
  return new Proxy(target, {
    get(_t, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive) return () => '';
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'dispose') return () => {};
      return universalStub(`${name}.${String(prop)}`);
    },
    set: () => true, // assignments (treeView.message = …) are accepted and forgotten
    apply: () => universalStub(`${name}()`),
    construct: () => universalStub(`new ${name}`) as object,
  });
}

/**
 * The module object itself: a bundle's `import * as vscode` copies the module's own property names
 * (esbuild's __toESM), so they must be enumerable — taken from @types/vscode's top-level exports.
 */
function vscodeModuleStub(): Record<string, unknown> {
  const dts = readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
  const names = new Set([...dts.matchAll(/^\s{1,4}export (?:namespace|class|enum|const|function|let) ([A-Za-z_]+)/gm)].map((m) => m[1]));
  const mod: Record<string, unknown> = {};
  for (const name of names) Object.defineProperty(mod, name, { enumerable: true, get: () => universalStub(`vscode.${name}`) });
  return mod;
}

/**
 * Requires the bundle with a stand-in `vscode`: its top level must load none of pg, umzug, net.
 * activate() itself is measured in the real extension host (bench/groups/extension.ts), not here: a
 * stand-in that answers every property with a function cannot stand for the settings, URIs and
 * paths activate() reads, so a stub run measured a different program.
 */
async function probeExtension(bundle: string): Promise<{ stages: Stage[]; activate?: string }> {
  installHooks(vscodeModuleStub());
  const stages: Stage[] = [snapshot('start')];
  const ext = await timed(() => require(bundle) as { activate?: (ctx: unknown) => unknown });
  stages.push(snapshot('require bundle', ext.ms));
  return { stages, activate: typeof ext.value.activate === 'function' ? undefined : 'the bundle exports no activate()' };
}

/**
 * Preloaded into a CLI run (`node -r out/bench/lazy-probe.js dist/cli.js COMMAND …`), it reports
 * at exit — the control that shows a bundle's inlined pg does request `net` when a command connects
 * (and whether a file-only command avoids it).
 */
function reportAtExit(): void {
  installHooks();
  const start = snapshot('start');
  process.on('exit', () => {
    writeSync(1, `\n${JSON.stringify({ stages: [start, snapshot(`cli ${process.argv.slice(2).join(' ')}`)] })}\n`);
  });
}

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  const result = mode === 'core' ? { stages: await probeCore(arg) } : await probeExtension(arg);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0); // the bundle's top level may leave handles behind
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  });
} else {
  reportAtExit();
}
