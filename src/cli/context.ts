// What every command receives: parsed arguments, the terminal, and lazy access to the engine, the
// migrations folder, the chain and the database URL (each resolved only by commands that need it).
import * as path from 'node:path';
import { ChainError } from '../core/errors';
import type { Chain } from '../core/chain/chain';
import type { Logger } from '../core/log';
import { UsageError, type ParsedCommandLine, type ParsedOptions } from './args';
import { secretFormsOf } from '../core/secrets';
import { describeSource, requireDatabaseUrl, resolveDatabaseUrl, type ResolvedUrl } from './connection';
import { loadChainApi, loadCore } from './core';
import type { CliIo, Output } from './output';

export interface CommandContext {
  positionals: string[];
  options: ParsedOptions;
  io: CliIo;
  output: Output;
  logger: Logger;
  /** Aborted by Ctrl-C; passed to every engine call that can be cancelled. */
  signal: AbortSignal;
  core: typeof loadCore;
  migrationsDir(): Promise<string>;
  /** The parsed chain. With `requireValid`, error diagnostics throw a ChainError (exit 3). */
  chain(opts?: { requireValid?: boolean }): Promise<Chain>;
  /** The database URL or a usage error naming the three places it may come from. */
  databaseUrl(): ResolvedUrl;
  /** The database URL if one is configured. */
  optionalDatabaseUrl(): ResolvedUrl | undefined;
}

export type Command = (ctx: CommandContext) => Promise<number>;

export function createContext(
  args: ParsedCommandLine,
  io: CliIo,
  output: Output,
  logger: Logger,
  signal: AbortSignal,
): CommandContext {
  let dir: Promise<string> | undefined;
  let chain: Promise<Chain> | undefined;
  let resolved: { value: ResolvedUrl | undefined } | undefined;

  const resolveUrl = (): ResolvedUrl | undefined => {
    if (!resolved) {
      const value = resolveDatabaseUrl({ flag: args.options.url, env: io.env, cwd: io.cwd });
      // Registered before anything can print the URL or an error about it.
      output.addSecrets(secretFormsOf(value?.url, io.env));
      if (value) logger.debug(`database URL from ${describeSource(value.source)}`);
      resolved = { value };
    }
    return resolved.value;
  };

  const ctx: CommandContext = {
    positionals: args.positionals,
    options: args.options,
    io,
    output,
    logger,
    signal,
    core: loadCore,
    migrationsDir() {
      dir ??= findDir(args.options.dir, io.cwd, logger);
      return dir;
    },
    async chain(opts = {}) {
      chain ??= ctx.migrationsDir().then((d) => loadChainApi().loadChain(d));
      const loaded = await chain;
      if (opts.requireValid) {
        const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
        if (errors.length) throw new ChainError(errors);
      }
      return loaded;
    },
    databaseUrl() {
      return resolveUrl() ?? requireDatabaseUrl({ flag: args.options.url, env: io.env, cwd: io.cwd });
    },
    optionalDatabaseUrl: resolveUrl,
  };
  return ctx;
}

async function findDir(flag: string | undefined, cwd: string, logger: Logger): Promise<string> {
  if (flag !== undefined) {
    const dir = path.resolve(cwd, flag);
    logger.debug(`migrations folder from --dir: ${dir}`);
    return dir;
  }
  const found = await loadChainApi().findMigrationsDir(cwd);
  if (!found) {
    throw new UsageError(
      `No migrations folder in ${cwd}: there is no migrations/ and no alembic.ini naming a script_location.`,
      'Run from the project root or pass --dir PATH.',
    );
  }
  logger.debug(`migrations folder: ${found}`);
  return found;
}
