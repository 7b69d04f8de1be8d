// Bundles the two shipped programs into dist/:
//   src/extension/extension.ts -> dist/extension.js  (the VS Code extension: pg, umzug, dotenv inlined, minified)
//   src/cli/main.ts            -> dist/cli-main.js   (the `migration-chain` command line)
//   src/cli/launch.ts          -> dist/cli.js        (its executable: loads cli-main.js through a V8 code cache)
//   src/webview/graph/main.ts  -> dist/webview/graph.js (the revision graph webview's script: browser, loaded only when the graph opens)
// Usage: node esbuild.mjs [extension|cli ...] [--watch] [--no-minify]   (no names = both; --no-minify keeps names for a profiler)
// Tests are compiled by tsc to out/, not bundled: sinon cannot stub the getters a bundle's exports become.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const watch = args.includes('--watch');
const minify = !args.includes('--no-minify');
const wanted = args.filter((a) => !a.startsWith('--'));

/**
 * umzug's index and Umzug class require its own command line (`umzug/lib/cli`), which pulls in
 * @rushstack/ts-command-line and its JSON-schema validator: ~400 KB of the ~510 KB umzug adds to a
 * bundle. This project only calls the Umzug API (its CLI is src/cli), so that module becomes a stub
 * that fails loudly if anything ever reaches it.
 */
const dropUmzugCli = {
  name: 'drop-umzug-cli',
  setup(build) {
    build.onResolve({ filter: /^\.\/cli(\.js)?$/ }, (args) =>
      /[\\/]node_modules[\\/]umzug[\\/]lib[\\/]/.test(args.importer) ? { path: 'umzug-cli', namespace: 'stub' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: 'export class UmzugCLI { constructor() { throw new Error("umzug\'s CLI is not bundled in Migration Chain"); } }',
      loader: 'js',
    }));
  },
};

/**
 * pg asks once per process whether it runs on Cloudflare Workers. On Node 20 (no global `navigator`)
 * the test constructs a fetch `Response`, which loads Node's bundled undici: 15-30 ms of every CLI
 * start (bench figures 1-3). Both bundles only ever run on Node, so the test answers false at once.
 */
const pgOnNode = {
  name: 'pg-on-node',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const marker = 'function isCloudflareRuntime() {';
      if (!source.includes(marker)) throw new Error(`pg-on-node: ${args.path} no longer defines isCloudflareRuntime(); review this plugin`);
      return { contents: source.replace(marker, `${marker}\n  return false;`), loader: 'js' };
    });
  },
};

/**
 * The PostgreSQL parser (libpg-query) is WebAssembly that its loader reads from its own folder, so it
 * cannot be inlined: both programs require it from dist/libpg-query/, which the `pg-parser` target
 * fills (the loader bundled, the .wasm copied next to it). It is required on the first lint only.
 */
const PG_PARSER_DIR = 'dist/libpg-query';
const pgParserOutside = {
  name: 'pg-parser-outside',
  setup(build) {
    build.onResolve({ filter: /^libpg-query$/ }, () => ({ path: './libpg-query/index.cjs', external: true }));
  },
};

/**
 * The schema diff engine (@pgkit/migra with its inspector, ~560 KB, half of it a SQL parser its
 * client brings) serves one command, New Revision from Database. Both programs require it from
 * dist/schema-diff/index.cjs, which the `schema-diff` target builds, so no other start pays for it.
 */
const SCHEMA_DIFF_DIR = 'dist/schema-diff';
const schemaDiffOutside = {
  name: 'schema-diff-outside',
  setup(build) {
    build.onResolve({ filter: /^@pgkit\/migra$/ }, () => ({ path: './schema-diff/index.cjs', external: true }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // engines.vscode ^1.90 runs extensions on Electron 29's Node 20; the CLI declares engines.node >= 20.
  target: 'node20',
  sourcemap: 'linked',     // dist/*.map stay out of the .vsix (.vscodeignore)
  // `vscode` is provided by the extension host. pg only requires pg-native when asked for native bindings.
  // @resvg/resvg-js (graph --format png, required on first use) is a native addon: it loads its
  // platform's .node file from node_modules, so it cannot be inlined.
  external: ['vscode', 'pg-native', '@resvg/resvg-js'],
  plugins: [dropUmzugCli, pgOnNode, pgParserOutside, schemaDiffOutside],
  metafile: true,
  logLevel: 'warning',
};

const targets = {
  extension: { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', minify },
  'cli-main': { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli-main.js', minify },
  'pg-parser': {
    ...common,
    entryPoints: ['node_modules/libpg-query/wasm/index.cjs'],
    outfile: `${PG_PARSER_DIR}/index.cjs`,
    minify,
    plugins: [],
  },
  'schema-diff': {
    ...common,
    // Its Migration class only: the package's index also loads its command line (trpc, zod).
    entryPoints: ['node_modules/@pgkit/migra/dist/migra.js'],
    outfile: `${SCHEMA_DIFF_DIR}/index.cjs`,
    minify,
    plugins: [pgOnNode],
  },
  'graph-webview': {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: ['src/webview/graph/main.ts'],
    outfile: 'dist/webview/graph.js',
    plugins: [],
    minify,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  },
  cli: {
    ...common,
    entryPoints: ['src/cli/launch.ts'],
    outfile: 'dist/cli.js',
    minify,
    banner: { js: '#!/usr/bin/env node' },
    // The tsc build's fallback (out/src/cli/main.js); never taken in the bundle, never bundled into it.
    external: [...common.external, './main'],
    plugins: [],
  },
};

const unknown = wanted.filter((w) => !(w in targets));
if (unknown.length) {
  console.error(`esbuild.mjs: unknown target(s) ${unknown.join(', ')}; known: ${Object.keys(targets).join(', ')}`);
  process.exit(2);
}
// The launcher embeds the hash of the bundle it loads, so cli-main is always built before it.
const names = wanted.length ? wanted : Object.keys(targets);
if (names.includes('cli') && !names.includes('cli-main')) names.splice(names.indexOf('cli'), 0, 'cli-main');
const selected = names.map((name) => [name, targets[name]]);

/** What dist/cli.js loads; an empty hash (watch mode: the bundle changes under it) turns the code cache off. */
function launcherDefine(withHash) {
  const sha256 = withHash ? createHash('sha256').update(readFileSync(targets['cli-main'].outfile)).digest('hex') : '';
  return { MIGRATION_CHAIN_MAIN: JSON.stringify({ file: path.basename(targets['cli-main'].outfile), sha256 }) };
}
for (const [name, options] of selected) {
  if (!existsSync(options.entryPoints[0])) {
    console.error(`esbuild.mjs: ${name}: entry point ${options.entryPoints[0]} does not exist`);
    process.exit(1);
  }
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** Prints the bundle's size and which packages fill it, so a heavy dependency is noticed the day it arrives. */
function report(name, options, metafile) {
  const out = options.outfile;
  const byPackage = new Map();
  for (const [file, info] of Object.entries(metafile.outputs[out]?.inputs ?? {})) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = m ? m[1] : path.dirname(file);
    byPackage.set(key, (byPackage.get(key) ?? 0) + info.bytesInOutput);
  }
  const top = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${kb(v)}`).join(', ');
  console.log(`[bundle] ${name}: ${out} ${kb(statSync(out).size)}  (largest: ${top})`);
}

function finish(name, options, result) {
  if (options.banner) chmodSync(options.outfile, 0o755);
  if (name === 'pg-parser') {
    mkdirSync(PG_PARSER_DIR, { recursive: true });
    copyFileSync('node_modules/libpg-query/wasm/libpg-query.wasm', `${PG_PARSER_DIR}/libpg-query.wasm`);
  }
  report(name, options, result.metafile);
}

if (watch) {
  for (const [name, options] of selected) {
    const ctx = await esbuild.context({
      ...options,
      ...(name === 'cli' ? { define: launcherDefine(false) } : {}),
      plugins: [...options.plugins, {
        name: 'report',
        setup(build) {
          build.onEnd((result) => { if (result.errors.length === 0) finish(name, options, result); });
        },
      }],
    });
    await ctx.watch();
  }
  console.log('[bundle] watching for changes (Ctrl-C to stop)');
} else {
  try {
    for (const [name, options] of selected) {
      finish(name, options, await esbuild.build(name === 'cli' ? { ...options, define: launcherDefine(true) } : options));
    }
  } catch {
    // esbuild has already printed the errors with file and line
    process.exit(1);
  }
}
