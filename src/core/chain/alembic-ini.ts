// alembic.ini read the way Alembic reads it: Python's configparser (BasicInterpolation, `%(here)s`
// from Alembic's Config, DEFAULT values visible in every section, full-line `#`/`;` comments,
// indented continuation lines, case-insensitive keys), then ScriptDirectory.from_config's rules for
// script_location, version_locations / version_path_separator and recursive_version_locations.
// Anything Alembic would refuse is an `error` here, never a guess.
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';

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

export class IniError extends Error {
  constructor(message: string, readonly line?: number) {
    super(line ? `line ${line}: ${message}` : message);
  }
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

/** What ScriptDirectory.from_config takes from alembic.ini, resolved to absolute paths. */
export interface AlembicConfig {
  iniFile: string;
  /** The folder holding the ini: `%(here)s`, and where relative paths start (Alembic runs there). */
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

/** Reads `iniFile`'s [alembic] section (or `section`) as Alembic does. Never throws. */
export async function readAlembicConfig(iniFile: string, section = 'alembic'): Promise<AlembicConfig> {
  const abs = path.resolve(iniFile);
  const here = path.dirname(abs);
  const config: AlembicConfig = { iniFile: abs, here, versionDirs: [], explicitLocations: false, recursive: false, sourceless: false };
  let text: string;
  try {
    text = await fs.readFile(abs, 'utf8');
  } catch (err) {
    config.error = `cannot read ${abs}: ${(err as Error).message}`;
    return config;
  }
  try {
    const ini = parseIni(text);
    if (!ini.sections.has(section)) throw new IniError(`has no [${section}] section`);
    const get = (name: string) => iniValue(ini, section, name, { here });
    const resolve = (p: string) => path.resolve(here, p);
    const script = get('script_location');
    if (script === undefined) config.error = `no script_location in [${section}]`;
    else if (isPackageResource(script)) config.scriptDir = await packageResourceDir(script, get('prepend_sys_path'), here);
    else config.scriptDir = resolve(script);
    // ScriptDirectory() refuses a script folder that is not there, even when version_locations are.
    if (script !== undefined && !config.scriptDir) config.error = `script_location ${script}: the package resource is not under prepend_sys_path here`;
    else if (config.scriptDir && !(await isDir(config.scriptDir))) config.error = `script_location ${config.scriptDir} does not exist (Alembic: "Path doesn't exist")`;
    const locations = get('version_locations');
    if (locations) {
      config.explicitLocations = true;
      const sepName = get('version_path_separator');
      let parts: string[];
      if (sepName === undefined) {
        // Alembic's legacy split (no separator configured): commas and runs of spaces.
        parts = locations.split(/, *| +/);
      } else {
        const sep = SEPARATORS[sepName];
        if (sep === undefined) throw new IniError(`'${sepName}' is not a valid version_path_separator (Alembic accepts space, newline, os, ':' and ';')`);
        parts = locations.split(sep).filter((x) => x !== '');
      }
      config.versionDirs = parts.map(resolve);
    } else if (config.scriptDir) {
      config.versionDirs = [path.join(config.scriptDir, 'versions')];
    }
    config.recursive = get('recursive_version_locations') === 'true';
    config.sourceless = get('sourceless') === 'true';
    const url = get('sqlalchemy.url');
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
