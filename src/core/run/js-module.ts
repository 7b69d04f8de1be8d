// `.js/.cjs/.mjs` migrations are loaded only when they run (never to draw the tree: their headers
// are read as text), and fresh each time so an edited file is not served from the require cache.
import { pathToFileURL } from 'node:url';
import type { ClientBase, QueryResult } from 'pg';
import type { Migration } from '../chain/model';
import { MigrationChainError } from '../errors';

/** What a `.js` migration's functions receive. */
export interface MigrationContext {
  client: ClientBase;
  sql: (text: string, params?: unknown[]) => Promise<QueryResult>;
  revision: string;
}

type MigrationFn = (ctx: MigrationContext) => unknown;

export interface ScriptMigration {
  upgrade?: MigrationFn;
  downgrade?: MigrationFn;
  verify?: MigrationFn;
}

type DynamicImport = (s: string) => Promise<Record<string, unknown>>;

/** Set by the CLI launcher (src/cli/launch.ts): an import() compiled outside its code-cached vm.Script. */
export const LAUNCHER_IMPORT = Symbol.for('migration-chain.dynamic-import');

// TypeScript compiles `import()` to `require()` under CommonJS; keep a real dynamic import for ESM.
// Under the CLI launcher this module is compiled by vm.Script, where Node 20 gives import() no
// callback once the V8 code cache is used, so the launcher's own import() is taken when it lent one.
function dynamicImport(specifier: string): Promise<Record<string, unknown>> {
  const lent = (globalThis as Record<symbol, unknown>)[LAUNCHER_IMPORT];
  if (typeof lent === 'function') return (lent as DynamicImport)(specifier);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a constant body: the only way to keep a real import() under CommonJS output
  return (new Function('specifier', 'return import(specifier)') as DynamicImport)(specifier);
}

export async function loadScriptMigration(migration: Migration): Promise<ScriptMigration> {
  let mod: Record<string, unknown>;
  try {
    if (migration.file.endsWith('.mjs')) {
      mod = await dynamicImport(`${pathToFileURL(migration.file).href}?t=${Date.now()}`);
    } else {
      try {
        delete require.cache[require.resolve(migration.file)];
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a .js migration is a CommonJS module loaded by path at run time
        mod = require(migration.file) as Record<string, unknown>;
      } catch (err) {
        if ((err as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw err;
        mod = await dynamicImport(`${pathToFileURL(migration.file).href}?t=${Date.now()}`);
      }
    }
  } catch (err) {
    throw new MigrationChainError('io', `Cannot load the migration module ${migration.file}: ${(err as Error).message ?? String(err)}`,
      'Fix the file so that Node can require it.', { cause: err });
  }
  const exported = (mod.default && typeof mod.default === 'object' ? mod.default : mod) as Record<string, unknown>;
  const fn = (name: string) => (typeof exported[name] === 'function' ? exported[name] as MigrationFn : undefined);
  return { upgrade: fn('upgrade'), downgrade: fn('downgrade'), verify: fn('verify') };
}

export function scriptContext(client: ClientBase, revision: string): MigrationContext {
  return { client, revision, sql: (text, params) => client.query(text, params) };
}
