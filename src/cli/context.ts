// What every command receives: parsed arguments, the terminal, and lazy access to the engine, the
// migrations folder, the chain and the database URL (each resolved only by commands that need it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { alembicProject, type AlembicProject, readSqlalchemyUrlSync, ChainError, type Chain, type AlembicLocations, type Logger, secretFormsOf, loadChainApi, loadCore, loadFindApi, type ChainEngine, describeUrlSource, resolveDatabaseUrl, resolveDirectUrl, type ResolvedUrl, dotenvSearchPath } from './core';
import type { ParsedCommandLine, ParsedOptions } from './args';
import { UsageError } from './core';
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
  /**
   * The chain's engine, chosen in the core from its project (an Alembic project's own Alembic, else
   * the native runner); every database verb goes through it, so no command asks which one it is.
   */
  engine(): Promise<ChainEngine>;
  /** The chain's Alembic project, for reading it as Alembic does (never for choosing how to run: see engine()). */
  alembicProject(): Promise<AlembicProject | undefined>;
  /** The parsed chain. With `requireValid`, error diagnostics throw a ChainError (exit 3). */
  /** `fresh`: read the files again (a command that has just written one). */
  chain(opts?: { requireValid?: boolean; fresh?: boolean }): Promise<Chain>;
  /** The database URL or a usage error naming the three places it may come from. */
  databaseUrl(): ResolvedUrl;
  /** The database URL if one is configured. */
  optionalDatabaseUrl(): ResolvedUrl | undefined;
  /** The URL runs (upgrade, downgrade, stamp, reset, unlock) use: the direct URL when one is set, else the database URL. */
  runDatabaseUrl(): ResolvedUrl;
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
      const flag = args.options.url;
      if (flag !== undefined && !flag.trim()) throw new UsageError('--url is empty.', 'Pass a URL like postgres://user@localhost:5432/app.');
      const alembicIni = path.resolve(io.cwd, args.options.config ?? 'alembic.ini');
      // .env from the project folder (--config's, else the current one) up to the repository root,
      // as env.py files read `../.env`: run from backend/, the root's .env is found.
      const envFiles = envFilesFor(args.options, io.cwd);
      const value = resolveDatabaseUrl({ flag, env: io.env, envFiles, alembicIni, shownRelativeTo: io.cwd });
      // Registered before anything can print the URL or an error about it; alembic.ini's URL too,
      // which Alembic's own output may echo even when another source won.
      output.addSecrets(secretFormsOf(value?.url, io.env));
      const iniUrl = readSqlalchemyUrlSync(alembicIni);
      if (iniUrl && iniUrl !== value?.url) output.addSecrets(secretFormsOf(iniUrl, {}));
      if (value) logger.debug(`database URL from ${describeUrlSource(value.source, io.cwd)}`);
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
    async engine() {
      const [loaded, located] = await Promise.all([ctx.chain(), locate()]);
      const core = loadCore();
      return core.chainEngine(loaded, located.project, { configured: core.splitCommand(args.options.alembicCommand ?? '') });
    },
    async chain(opts = {}) {
      if (opts.fresh) chain = undefined;
      chain ??= locate().then((l) => loadChainApi().loadChain(l.dir, l.alembic ? { alembic: l.alembic } : {}));
      const loaded = await chain;
      if (opts.requireValid) {
        const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
        if (errors.length) throw new ChainError(errors);
      }
      return loaded;
    },
    databaseUrl() {
      const url = resolveUrl();
      if (url) return url;
      throw new UsageError(
        'No database URL: --url is not given, DATABASE_URL is not set, no .env up to the repository root defines it and alembic.ini sets no postgresql sqlalchemy.url.',
        'Pass --url postgres://user@host:5432/db, export DATABASE_URL, or add DATABASE_URL=... to .env.',
      );
    },
    optionalDatabaseUrl: resolveUrl,
    runDatabaseUrl() {
      const flag = args.options.directUrl;
      if (flag !== undefined && !flag.trim()) throw new UsageError('--direct-url is empty.', 'Pass the session URL of the database, e.g. postgres://user@db-host:5432/app.');
      const direct = resolveDirectUrl({ flag, env: io.env, envFiles: envFilesFor(args.options, io.cwd), shownRelativeTo: io.cwd });
      if (!direct) return ctx.databaseUrl();
      output.addSecrets(secretFormsOf(direct.url, io.env));
      logger.debug(`run URL (direct) from ${describeUrlSource(direct.source, io.cwd)}`);
      return direct;
    },
  };
  return ctx;
}

/** .env files, nearest first: from the project folder (--config's, else the working one) up to the repository root. */
function envFilesFor(options: ParsedOptions, cwd: string): string[] {
  return dotenvSearchPath(options.config ? path.dirname(path.resolve(cwd, options.config)) : cwd);
}

interface Located {
  dir: string;
  project?: AlembicProject;
  /** An Alembic project's version locations, listed as Alembic lists them. */
  alembic?: AlembicLocations;
}

/**
 * The migrations folder and, for an Alembic project, its alembic.ini: --config FILE; --dir PATH (an
 * Alembic project when an alembic.ini between it and here names that folder); ./alembic.ini or
 * ./migrations; else the nearest alembic.ini above the working directory, or the only one below it.
 * Which alembic.ini was used, and why, is said on stderr.
 */
async function locateChain(options: ParsedOptions, cwd: string, logger: Logger): Promise<Located> {
  const chainApi = loadChainApi();
  const find = loadFindApi();
  const shown = (ini: string) => path.relative(cwd, ini) || ini;
  const project = async (ini: string, why: string, dir?: string): Promise<Located> => {
    const location = await chainApi.alembicChainLocation(ini);
    if (!location && dir === undefined) {
      const config = await chainApi.readAlembicConfig(ini);
      throw new UsageError(`${ini} names no versions folder that exists (script_location/versions or version_locations)${config.error ? `: ${config.error}` : ''}.`,
        'Check script_location in that file, or pass --dir PATH.');
    }
    const chosen = dir ?? location!.dir;
    const locations = location && location.dir === chosen ? location.locations : [chosen];
    const more = locations.length > 1 ? ` + ${locations.length - 1} more version location(s)` : '';
    logger.info(`Alembic project: ${shown(ini)} (${why}); revisions in ${path.relative(cwd, chosen) || '.'}${more}`);
    return { dir: chosen, project: alembicProject(ini), alembic: { locations, recursive: location?.recursive ?? false, sourceless: location?.sourceless } };
  };
  if (options.config !== undefined) {
    const ini = path.resolve(cwd, options.config);
    if (!fs.existsSync(ini)) throw new UsageError(`--config ${ini}: no such file.`, 'Pass the path of the project\'s alembic.ini.');
    return project(ini, 'from --config', options.dir !== undefined ? path.resolve(cwd, options.dir) : undefined);
  }
  if (options.dir !== undefined) {
    const dir = path.resolve(cwd, options.dir);
    const named = await find.projectLocationNaming(cwd, dir);
    if (named) return project(named.project.iniFile, 'names the folder given with --dir');
    logger.debug(`migrations folder from --dir: ${dir}`);
    return { dir };
  }
  const found = await chainApi.findMigrationsDir(cwd);
  if (found) {
    const named = await find.projectLocationNaming(cwd, found);
    if (named) return project(named.project.iniFile, 'found here');
    logger.debug(`migrations folder: ${found}`);
    return { dir: found };
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
  return project(nearest.iniFile, `found ${nearest.where === 'here' ? 'here' : `${nearest.where} the working directory`}`);
}
