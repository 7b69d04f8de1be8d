// The `migration-chain` executable (dist/cli.js): loads the CLI bundle (dist/cli-main.js) through a
// V8 code cache, so a command does not compile ~290 kB of JavaScript at every start (15-20 ms of a
// 200 ms `history`; bench figures 2-4). Node 22.1+ keeps such a cache itself
// (module.enableCompileCache); on Node 20 it is kept here, in the user's own cache directory (never
// a shared one such as /tmp: V8 trusts a cache it accepts). Whatever goes wrong with the cache (no
// directory, a read-only disk, a cache V8 rejects) costs only the compile time, never the command.
import * as fs from 'node:fs';
import * as Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';

/** Set by esbuild.mjs when it bundles this file: which bundle to load and its content hash. */
declare const MIGRATION_CHAIN_MAIN: { file: string; sha256: string } | undefined;

interface CliMain {
  runCommandLine(): void;
}

function cacheDirectory(): string | undefined {
  const base = process.env.XDG_CACHE_HOME || (os.homedir() ? path.join(os.homedir(), '.cache') : '');
  return base && path.isAbsolute(base) ? path.join(base, 'migration-chain') : undefined;
}

type ModuleWrapper = (exports: unknown, require: NodeRequire, module: unknown, filename: string, dirname: string) => void;

/** The bundle compiled as a CommonJS module wrapper, from the cache when V8 accepts it; undefined when it cannot be read or compiled. */
function compileWithCodeCache(file: string, sha256: string): ModuleWrapper | undefined {
  try {
    const dir = cacheDirectory();
    const stat = fs.statSync(file);
    // The build's hash names the content; size and mtime catch a hand-edited bundle (V8 itself only
    // compares the source length).
    const name = `cli-${sha256.slice(0, 16)}-${stat.size}-${Math.trunc(stat.mtimeMs)}-${process.version}-${process.arch}.v8cache`;
    const cacheFile = dir && path.join(dir, name);
    let cached: Buffer | undefined;
    try {
      if (cacheFile) cached = fs.readFileSync(cacheFile);
    } catch {
      // first run with this bundle and this Node
    }
    const source = fs.readFileSync(file, 'utf8').replace(/^#!/, '//');
    // No importModuleDynamically: on Node 20 it is experimental (a warning printed into the first
    // prompt) and lost when the code cache is used; the bundle's one import() (an .mjs migration)
    // goes through lendDynamicImport's instead, and the prompt requires readline.
    const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
      filename: file,
      cachedData: cached,
    });
    if (cacheFile && (!cached || script.cachedDataRejected)) {
      // Written at exit: the cache then also holds the functions this command compiled lazily.
      process.once('exit', () => writeCache(cacheFile, () => script.createCachedData()));
    }
    return script.runInThisContext() as ModuleWrapper;
  } catch {
    return undefined;
  }
}

function writeCache(cacheFile: string, data: () => Buffer): void {
  try {
    const dir = path.dirname(cacheFile);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const old of fs.readdirSync(dir)) {
      if (old.startsWith('cli-') && old.endsWith('.v8cache') && old !== path.basename(cacheFile)) fs.rmSync(path.join(dir, old), { force: true });
    }
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data(), { mode: 0o600 });
    fs.renameSync(tmp, cacheFile);
  } catch {
    // a cache is an optimisation: a full disk or a read-only home must not change the command's result
  }
}

/**
 * An import() compiled here, in a module Node loaded itself (its callback is Node's loader), for the
 * bundle's ESM migrations (core/run/js-module.ts reads it under this symbol).
 */
function lendDynamicImport(): void {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a constant body: esbuild would turn a plain import() into require()
  const importer = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
  (globalThis as Record<symbol, unknown>)[Symbol.for('migration-chain.dynamic-import')] = importer;
}

/* eslint-disable @typescript-eslint/no-require-imports -- the launcher's job is to require the bundle it was built with */
function load(): CliMain {
  const bundle = typeof MIGRATION_CHAIN_MAIN === 'undefined' ? undefined : MIGRATION_CHAIN_MAIN;
  if (!bundle) return require('./main') as CliMain; // tsc output: out/src/cli/main.js next to this file
  const file = path.join(__dirname, bundle.file);
  const native = (Module as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
  if (native || !bundle.sha256 || process.env.MIGRATION_CHAIN_NO_CODE_CACHE) {
    const dir = cacheDirectory();
    if (native && dir && !process.env.MIGRATION_CHAIN_NO_CODE_CACHE) native(dir);
    return require(file) as CliMain;
  }
  const wrapper = compileWithCodeCache(file, bundle.sha256);
  if (!wrapper) return require(file) as CliMain;
  lendDynamicImport();
  const mod = { exports: {} as CliMain, filename: file, id: file, loaded: false };
  wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  return mod.exports;
}
/* eslint-enable @typescript-eslint/no-require-imports */

load().runCommandLine();
