// What every command receives: parsed arguments, the terminal, and lazy access to the engine, the
// migrations folder, the chain and the database URL (each resolved only by commands that need it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { alembicProject, type AlembicProject } from '../core/alembic/project';
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
  /** The Alembic project whose versions folder is the migrations folder, if there is one: runs go through its Alembic. */
  alembicProject(): Promise<AlembicProject | undefined>;
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
  let located: Promise<Located> | undefined;
  const locate = () => (located ??= locateChain(args.options, io.cwd, logger));
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
    async migrationsDir() {
      return (await locate()).dir;
    },
    async alembicProject() {
      return (await locate()).project;
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

interface Located {
  dir: string;
  project?: AlembicProject;
}

/**
 * The migrations folder and, for an Alembic project, its alembic.ini: --config FILE; --dir PATH (an
 * Alembic project when an alembic.ini between it and here names that folder); ./alembic.ini or
 * ./migrations; else the nearest alembic.ini above the working directory, or the only one below it
 * (said on stderr).
 */
async function locateChain(options: ParsedOptions, cwd: string, logger: Logger): Promise<Located> {
  const chainApi = loadChainApi();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const find = require('../core/alembic/find') as typeof import('../core/alembic/find');
  const versionsOf = async (ini: string): Promise<string> => {
    const dir = await chainApi.alembicVersionsDirOf(ini);
    if (!dir) throw new UsageError(`${ini} names no versions folder that exists (script_location/versions or version_locations).`, 'Check script_location in that file, or pass --dir PATH.');
    return dir;
  };
  if (options.config !== undefined) {
    const ini = path.resolve(cwd, options.config);
    if (!fs.existsSync(ini)) throw new UsageError(`--config ${ini}: no such file.`, 'Pass the path of the project\'s alembic.ini.');
    const dir = options.dir !== undefined ? path.resolve(cwd, options.dir) : await versionsOf(ini);
    logger.debug(`Alembic project ${ini} (from --config); migrations folder ${dir}`);
    return { dir, project: alembicProject(ini) };
  }
  if (options.dir !== undefined) {
    const dir = path.resolve(cwd, options.dir);
    logger.debug(`migrations folder from --dir: ${dir}`);
    return { dir, project: await find.projectNaming(cwd, dir) };
  }
  const found = await chainApi.findMigrationsDir(cwd);
  if (found) {
    logger.debug(`migrations folder: ${found}`);
    return { dir: found, project: await find.projectNaming(cwd, found) };
  }
  const nearest = await find.findNearestAlembicIni(cwd);
  if (nearest && 'ambiguous' in nearest) {
    throw new UsageError(
      `Several Alembic projects below ${cwd}: ${nearest.ambiguous.map((f) => path.relative(cwd, f)).join(', ')}.`,
      'Pass --config PATH/alembic.ini to choose one.',
    );
  }
  if (!nearest) {
    throw new UsageError(
      `No migrations folder in ${cwd}: there is no migrations/ and no alembic.ini here, above or below.`,
      'Run from the project root or pass --dir PATH or --config PATH/alembic.ini.',
    );
  }
  const dir = await versionsOf(nearest.iniFile);
  logger.info(`Alembic project: ${path.relative(cwd, nearest.iniFile) || nearest.iniFile} (found ${nearest.where === 'here' ? 'here' : `${nearest.where} the working directory`})`);
  return { dir, project: alembicProject(nearest.iniFile) };
}
