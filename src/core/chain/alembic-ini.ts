// alembic.ini (and, Alembic 1.16+, pyproject.toml's [tool.alembic]) read the way Alembic reads it: Python's configparser (BasicInterpolation, `%(here)s`
// from Alembic's Config, DEFAULT values visible in every section, full-line `#`/`;` comments,
// indented continuation lines, case-insensitive keys), then ScriptDirectory.from_config's rules for
// script_location, version_locations / version_path_separator and recursive_version_locations.
// Anything Alembic would refuse is an `error` here, never a guess.
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { IniError } from '../errors';

export interface IniSections {
  /** Section name (case-sensitive, as configparser keeps it) -> lower-cased key -> raw value. */
  sections: Map<string, Map<string, string>>;
  defaults: Map<string, string>;
}

/** configparser's reading of `text` (strict mode: a repeated section or key is an error, as in Python). */
export function parseIni(text: string): IniSections {
  const sections = new Map<string, Map<string, string>>();
  const defaults = new Map<string, string>();
  let current: Map<string, string> | undefined;
  let key: string | undefined;
  let keyIndent = 0;
  let valueLines: string[] = [];
  const flush = () => {
    if (current && key !== undefined) {
      while (valueLines.length > 1 && valueLines[valueLines.length - 1] === '') valueLines.pop();
      current.set(key, valueLines.join('\n'));
    }
    key = undefined;
    valueLines = [];
  };
  const lines = text.replace(/^\ufeff/, '').split(/\r\n|\r|\n/);
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const stripped = raw.trim();
    const indent = raw.length - raw.trimStart().length;
    if (stripped.startsWith('#') || stripped.startsWith(';')) return; // full-line comment (also inside a value)
    if (stripped === '') {
      // empty_lines_in_values: a blank line is kept inside a value that continues after it.
      if (key !== undefined) valueLines.push('');
      return;
    }
    if (key !== undefined && indent > keyIndent) {
      valueLines.push(stripped);
      return;
    }
    const header = /^\[(.+)\]/.exec(stripped);
    if (header) {
      flush();
      const name = header[1];
      if (name === 'DEFAULT') current = defaults;
      else {
        if (sections.has(name)) throw new IniError(`section [${name}] appears twice`, lineNo);
        current = new Map();
        sections.set(name, current);
      }
      return;
    }
    if (!current) throw new IniError('a line before the first [section] header', lineNo);
    const delimiter = /[=:]/.exec(stripped);
    if (!delimiter) throw new IniError(`'${stripped}' has no '=' or ':'`, lineNo);
    flush();
    const name = stripped.slice(0, delimiter.index).trim().toLowerCase();
    if (name === '') throw new IniError(`'${stripped}' has no key before '${delimiter[0]}'`, lineNo);
    if (current.has(name) && current !== defaults) throw new IniError(`key '${name}' appears twice in one section`, lineNo);
    key = name;
    keyIndent = indent;
    valueLines = [stripped.slice(delimiter.index + 1).trim()];
  });
  flush();
  return { sections, defaults };
}


/**
 * `section`'s `name` after BasicInterpolation (`%(key)s` from the section, DEFAULT and `vars`;
 * `%%` is `%`), or undefined when the key is absent. Throws IniError where Python would.
 */
export function iniValue(ini: IniSections, section: string, name: string, vars: Record<string, string> = {}): string | undefined {
  const own = ini.sections.get(section);
  const lookup = (k: string): string | undefined => {
    const key = k.toLowerCase();
    return own?.get(key) ?? ini.defaults.get(key) ?? vars[key];
  };
  const raw = lookup(name);
  if (raw === undefined) return undefined;
  const expand = (value: string, depth: number): string => {
    if (depth > 10) throw new IniError(`'${name}': interpolation nested more than 10 levels deep`);
    let out = '';
    for (let i = 0; i < value.length;) {
      const pct = value.indexOf('%', i);
      if (pct < 0) { out += value.slice(i); break; }
      out += value.slice(i, pct);
      const next = value[pct + 1];
      if (next === '%') { out += '%'; i = pct + 2; continue; }
      const ref = /^\(([^)]+)\)s/.exec(value.slice(pct + 1));
      if (next !== '(' || !ref) throw new IniError(`'${name}': '%' must be followed by '%' or '(name)s' (Python's configparser refuses this value)`);
      const target = lookup(ref[1]);
      if (target === undefined) throw new IniError(`'${name}': '%(${ref[1]})s' names no key of [${section}] or [DEFAULT]`);
      out += target.includes('%') ? expand(target, depth + 1) : target;
      i = pct + 1 + ref[0].length;
    }
    return out;
  };
  return expand(raw, 1);
}

/** What ScriptDirectory.from_config takes from alembic.ini (and pyproject.toml), resolved to absolute paths. */
export interface AlembicConfig {
  /** The project's config file: alembic.ini, or pyproject.toml for a project configured there alone. */
  iniFile: string;
  /** The folder holding it: `%(here)s`, and where relative paths start (Alembic runs there). */
  here: string;
  /** script_location as a folder, undefined for the `package:resource` form. */
  scriptDir?: string;
  /** Every version location in order (version_locations, else `<script_location>/versions`). */
  versionDirs: string[];
  /** true only when version_locations was set: a missing folder is then skipped, as Alembic does. */
  explicitLocations: boolean;
  /** recursive_version_locations = true: subfolders of each location are read too. */
  recursive: boolean;
  /** sourceless = true: Alembic loads .pyc revisions without a .py beside them. */
  sourceless: boolean;
  /** sqlalchemy.url when alembic.ini sets it (a URL source; may hold a password). */
  sqlalchemyUrl?: string;
  /** Why Alembic would refuse this file, when it would; the rest may be partial. */
  error?: string;
}

const SEPARATORS: Record<string, string> = { space: ' ', newline: '\n', os: path.delimiter, ':': ':', ';': ';' };
export const ALEMBIC_INI = 'alembic.ini';
export const PYPROJECT_TOML = 'pyproject.toml';

/**
 * The Alembic config file of a folder, as `cd <folder> && alembic …` finds one: alembic.ini, else
 * (Alembic 1.16+) a pyproject.toml with a [tool.alembic] table. Undefined: neither.
 */
export async function alembicConfigFileIn(dir: string): Promise<string | undefined> {
  const ini = path.join(dir, ALEMBIC_INI);
  if (await isFile(ini)) return ini;
  const toml = path.join(dir, PYPROJECT_TOML);
  if (!(await isFile(toml))) return undefined;
  try {
    return toolAlembicOf(await fs.readFile(toml, 'utf8')) ? toml : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `file` is a pyproject.toml (Alembic tells the two kinds of config file apart by that name alone). */
export function isPyprojectToml(file: string): boolean {
  return path.basename(file) === PYPROJECT_TOML;
}

/** pyproject.toml's [tool.alembic] table; undefined when there is none. Throws IniError on text tomllib refuses. */
export function toolAlembicOf(text: string): Record<string, unknown> | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- parsed only for projects that have a pyproject.toml
  const { parse } = require('smol-toml') as typeof import('smol-toml');
  let data: Record<string, unknown>;
  try {
    data = parse(text);
  } catch (err) {
    throw new IniError(`is not valid TOML: ${(err as Error).message.split('\n')[0]}`);
  }
  const tool = data.tool;
  if (typeof tool !== 'object' || tool === null || !('alembic' in tool)) return undefined;
  const table = (tool as Record<string, unknown>).alembic;
  if (typeof table !== 'object' || table === null || Array.isArray(table)) throw new IniError('[tool.alembic] is not a table (Alembic: "Incorrect TOML format")');
  return table as Record<string, unknown>;
}

/**
 * A [tool.alembic] string as Config._get_toml_config_value gives it: Python's `value % toml_args`,
 * where the only argument is `here` (the pyproject.toml's folder, POSIX form); `%%` is `%`.
 */
function tomlString(value: string, name: string, here: string): string {
  return value.replace(/%(%|\(([^)]*)\)s|.?)/g, (whole, what: string, key: string | undefined) => {
    if (what === '%') return '%';
    if (key === 'here') return here.split(path.sep).join('/');
    if (key !== undefined) throw new IniError(`[tool.alembic] ${name}: '%(${key})s' is not known (Alembic gives only %(here)s)`);
    throw new IniError(`[tool.alembic] ${name}: '${whole}' is not a valid %-format (write %% for a percent sign)`);
  });
}

/**
 * Reads a project's config as Alembic does: `configFile` is alembic.ini ([alembic], or `section`) or
 * pyproject.toml. As Config.get_alembic_option (Alembic 1.16+), a key alembic.ini lacks is taken
 * from [tool.alembic] of the pyproject.toml beside it, and the other way round for a pyproject.toml
 * project with an alembic.ini beside it (which the pyproject template writes for the URL and logging).
 * Never throws.
 */
export async function readAlembicConfig(configFile: string, section = 'alembic'): Promise<AlembicConfig> {
  const abs = path.resolve(configFile);
  const here = path.dirname(abs);
  const config: AlembicConfig = { iniFile: abs, here, versionDirs: [], explicitLocations: false, recursive: false, sourceless: false };
  const tomlMain = isPyprojectToml(abs);
  const iniPath = tomlMain ? path.join(here, ALEMBIC_INI) : abs;
  const tomlPath = tomlMain ? abs : path.join(here, PYPROJECT_TOML);
  let iniText: string | undefined;
  let tomlText: string | undefined;
  try {
    if (tomlMain) tomlText = await fs.readFile(abs, 'utf8');
    else iniText = await fs.readFile(abs, 'utf8');
  } catch (err) {
    config.error = `cannot read ${abs}: ${(err as Error).message}`;
    return config;
  }
  if (tomlMain) iniText = await fs.readFile(iniPath, 'utf8').catch(() => undefined);
  else tomlText = await fs.readFile(tomlPath, 'utf8').catch(() => undefined);
  try {
    const ini = iniText === undefined ? undefined : parseIni(iniText);
    let toml: Record<string, unknown> | undefined;
    if (tomlText !== undefined) {
      try {
        toml = toolAlembicOf(tomlText);
      } catch (err) {
        // A pyproject.toml beside alembic.ini that is not TOML is the project's own business until Alembic needs it.
        if (tomlMain) throw err;
      }
    }
    if (tomlMain && !toml) throw new IniError('has no [tool.alembic] table');
    if (!tomlMain && !toml && !ini?.sections.has(section)) throw new IniError(`has no [${section}] section`);
    // configparser's has_option: the section's own keys and [DEFAULT]'s.
    const iniHas = (name: string) => (ini?.sections.has(section) ?? false) && (ini!.sections.get(section)!.has(name.toLowerCase()) || ini!.defaults.has(name.toLowerCase()));
    const fromIni = (name: string) => (ini && iniHas(name) ? iniValue(ini, section, name, { here }) : undefined);
    const fromToml = (name: string): unknown => (toml && Object.prototype.hasOwnProperty.call(toml, name) ? toml[name] : undefined);
    const tomlStr = (name: string): string | undefined => {
      const v = fromToml(name);
      if (v === undefined) return undefined;
      if (typeof v !== 'string') throw new IniError(`[tool.alembic] ${name} must be a string`);
      return tomlString(v, name, here);
    };
    const tomlList = (name: string): string[] | undefined => {
      const v = fromToml(name);
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new IniError(`[tool.alembic] ${name} must be a list of strings`);
      return (v as string[]).map((x) => tomlString(x, name, here));
    };
    const bool = (name: string): boolean => {
      if (iniHas(name)) return fromIni(name) === 'true';
      const v = fromToml(name);
      if (v === undefined) return false;
      if (typeof v !== 'boolean') throw new IniError(`[tool.alembic] ${name} must be true or false (Alembic: "boolean value expected")`);
      return v;
    };
    const get = (name: string) => (iniHas(name) ? fromIni(name) : tomlStr(name));
    const resolve = (p: string) => path.resolve(here, p);
    const script = get('script_location');
    const prepend = iniHas('prepend_sys_path') ? fromIni('prepend_sys_path') : tomlList('prepend_sys_path')?.join(' ');
    if (script === undefined && !tomlMain && isFlaskMigrateFolder(here)) config.scriptDir = here; // Flask-Migrate sets it to its directory
    else if (script === undefined) config.error = tomlMain ? 'no script_location in [tool.alembic]' : `no script_location in [${section}]`;
    else if (isPackageResource(script)) config.scriptDir = await packageResourceDir(script, prepend, here);
    else config.scriptDir = resolve(script);
    // ScriptDirectory() refuses a script folder that is not there, even when version_locations are.
    if (script !== undefined && !config.scriptDir) config.error = `script_location ${script}: the package resource is not under prepend_sys_path here`;
    else if (config.scriptDir && !(await isDir(config.scriptDir))) config.error = `script_location ${config.scriptDir} does not exist (Alembic: "Path doesn't exist")`;
    const iniLocations = fromIni('version_locations');
    const tomlLocations = iniLocations ? undefined : tomlList('version_locations');
    if (iniLocations) {
      config.explicitLocations = true;
      // Alembic 1.16+ reads path_separator first, then the older version_path_separator.
      const sepName = fromIni('path_separator') ?? fromIni('version_path_separator');
      let parts: string[];
      if (sepName === undefined) {
        // Alembic's legacy split (no separator configured): commas and runs of spaces.
        parts = iniLocations.split(/, *| +/);
      } else {
        const sep = SEPARATORS[sepName];
        if (sep === undefined) throw new IniError(`'${sepName}' is not a valid version_path_separator (Alembic accepts space, newline, os, ':' and ';')`);
        parts = iniLocations.split(sep).map((x) => (fromIni('path_separator') !== undefined ? x.trim() : x)).filter((x) => x !== '');
      }
      config.versionDirs = parts.map(resolve);
    } else if (tomlLocations && tomlLocations.length) {
      config.explicitLocations = true;
      config.versionDirs = tomlLocations.map(resolve);
    } else if (config.scriptDir) {
      config.versionDirs = [path.join(config.scriptDir, 'versions')];
    }
    config.recursive = bool('recursive_version_locations');
    config.sourceless = bool('sourceless');
    // Config.get_main_option: alembic.ini only, never pyproject.toml.
    const url = ini ? (iniHas('sqlalchemy.url') ? fromIni('sqlalchemy.url') : undefined) : undefined;
    if (url && url.trim()) config.sqlalchemyUrl = url.trim();
  } catch (err) {
    config.error = `${path.basename(abs)} ${(err as Error).message}`;
  }
  return config;
}

/**
 * `pkg.mod:sub/path` as importlib would find it when alembic.ini puts the package's folder on
 * sys.path (prepend_sys_path, relative to the project folder). A package installed elsewhere is
 * not looked for: undefined, and the chain is not read.
 */
async function packageResourceDir(value: string, prependSysPath: string | undefined, here: string): Promise<string | undefined> {
  const [pkg, ...rest] = value.split(':');
  for (const entry of (prependSysPath ?? '').split(/, *| +|:/).filter(Boolean)) {
    const candidate = path.resolve(here, entry, ...pkg.split('.'), ...rest);
    try {
      if ((await fs.stat(candidate)).isDirectory()) return candidate;
    } catch {
      // not on this entry
    }
  }
  return undefined;
}

// Alembic's coerce_resource_to_filename: `pkg.mod:path` is a package resource unless it is a
// Windows drive path or an absolute path.
function isPackageResource(value: string): boolean {
  return value.includes(':') && !/^[A-Za-z]:[\\/]/.test(value) && !path.isAbsolute(value);
}

async function isDir(p: string): Promise<boolean> {
  try { return (await fs.stat(p)).isDirectory(); } catch { return false; }
}

async function isFile(p: string): Promise<boolean> {
  try { return (await fs.stat(p)).isFile(); } catch { return false; }
}

/**
 * sqlalchemy.url of `iniFile`'s [alembic] section, read synchronously (the CLI resolves its URL
 * synchronously); undefined when the file, the key or a readable value is missing.
 */
export function readSqlalchemyUrlSync(iniFile: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path.resolve(iniFile), 'utf8');
  } catch {
    return undefined;
  }
  return sqlalchemyUrlOf(text, iniFile);
}

/** sqlalchemy.url in alembic.ini's text (`iniFile` gives `%(here)s`); undefined when absent or unreadable. */
export function sqlalchemyUrlOf(text: string, iniFile: string): string | undefined {
  try {
    const abs = path.resolve(iniFile);
    return iniValue(parseIni(text), 'alembic', 'sqlalchemy.url', { here: path.dirname(abs) })?.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A Flask-Migrate migrations folder: its alembic.ini has no script_location because `flask db` sets
 * it to the folder itself, and its env.py takes the engine from the Flask app (`current_app`).
 * Read synchronously: it decides how a project is run, which callers ask without awaiting.
 */
export function isFlaskMigrateFolder(dir: string): boolean {
  let envPy: string;
  try {
    envPy = readFileSync(path.join(dir, 'env.py'), 'utf8');
  } catch {
    return false;
  }
  return /^\s*from\s+flask\s+import\s+[^\n]*\bcurrent_app\b/m.test(envPy);
}
