// Reading an Alembic project's graph through Alembic itself: the helper script shipped with the
// extension (media/alembic_graph.py) loads alembic.ini with Alembic's Config and ScriptDirectory and
// prints JSON. Loading revision files executes them, so callers run this only where running the
// workspace's code is allowed (a trusted workspace; the CLI's own user). The JSON is checked here,
// field by field: it comes from another program and is never assumed to have the right shape.
import { alembicProject } from './project';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MigrationChainError } from '../../errors';

export interface AlembicRevisionInfo {
  revision: string;
  downRevisions: string[];
  /** Declared in the file. */
  branchLabels: string[];
  /** Declared plus inherited along the branch, as Alembic's RevisionMap spreads them. */
  allBranchLabels: string[];
  dependsOn: string[];
  /** Alembic's Script.doc: the docstring's first paragraph. */
  doc: string;
  /** Absolute path of the revision file. */
  path: string;
}

export interface AlembicGraphProblem {
  message: string;
  /**
   * 'file': a revision file Alembic cannot load (Alembic's own runs would stop there too);
   * 'project': anything else (no Alembic, a configuration Alembic refuses, the helper's own failure).
   */
  scope: 'file' | 'project';
  file?: string;
  line?: number;
}

export interface AlembicGraph {
  alembicVersion: string;
  revisions: AlembicRevisionInfo[];
  heads: string[];
  /** Files Alembic could not load (with file and line when known) and graph-level failures. */
  errors: AlembicGraphProblem[];
  warnings: string[];
}

export const HELPER_SCRIPT_NAME = 'alembic_graph.py';
export const DEFAULT_HELPER_TIMEOUT_MS = 60_000;

/** The helper script: media/alembic_graph.py above this module (out/src/core/alembic, or dist/ in a bundle). */
export function defaultHelperScript(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'media', HELPER_SCRIPT_NAME);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new MigrationChainError('io', `The Alembic graph helper (media/${HELPER_SCRIPT_NAME}) is missing from this installation.`);
}

export interface HelperRun {
  python: string;
  /** alembic.ini, or pyproject.toml for a project configured there alone (Alembic 1.16+). */
  iniFile: string;
  /** Working directory: the folder holding alembic.ini, as for the users' own `alembic` runs. */
  projectDir: string;
  helperScript?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Runs the helper (argv, no shell) and returns its checked output. */
export function runAlembicHelper(run: HelperRun): Promise<AlembicGraph> {
  const script = run.helperScript ?? defaultHelperScript();
  const timeout = run.timeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const flask = alembicProject(run.iniFile).flaskMigrate;
    execFile(run.python, [script, run.iniFile, ...(flask ? [flask.directory] : [])], {
      cwd: run.projectDir, timeout, killSignal: 'SIGKILL', maxBuffer: 256 * 1024 * 1024, windowsHide: true, signal: run.signal,
      // Python's own encoding for the JSON text, whatever the locale.
      env: { ...process.env, PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '1' },
    }, (err, stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string };
        if (e.name === 'AbortError') { reject(e); return; }
        const why = e.killed && e.signal === 'SIGKILL'
          ? `did not finish within ${Math.round(timeout / 1000)} s`
          : e.code === 'ENOENT' ? `could not start ${run.python}` : `failed: ${lastLine(stderr) || e.message}`;
        reject(new MigrationChainError('io', `Reading ${run.iniFile} through Alembic ${why}.`,
          'Check migrationChain.python (or the project\'s virtual environment) and that Alembic imports there.'));
        return;
      }
      try {
        resolve(parseHelperOutput(stdout));
      } catch (parseErr) {
        reject(parseErr instanceof Error ? parseErr : new Error(String(parseErr)));
      }
    });
  });
}

/** Checks the helper's JSON: every field's type, never assumed. Throws MigrationChainError('io') naming the first bad field. */
export function parseHelperOutput(stdout: string): AlembicGraph {
  let data: unknown;
  try {
    data = JSON.parse(stdout.trim());
  } catch {
    throw bad('is not JSON', stdout);
  }
  const root = object(data, 'output');
  return {
    alembicVersion: optionalString(root.alembic, 'alembic') ?? 'unknown',
    revisions: array(root.revisions, 'revisions').map((r, i) => revisionInfo(r, `revisions[${i}]`)),
    heads: strings(root.heads, 'heads'),
    errors: array(root.errors, 'errors').map((e, i) => problem(e, `errors[${i}]`)),
    warnings: root.warnings === undefined ? [] : strings(root.warnings, 'warnings'),
  };
}

function revisionInfo(value: unknown, where: string): AlembicRevisionInfo {
  const r = object(value, where);
  const branchLabels = strings(r.branch_labels, `${where}.branch_labels`);
  const p = string(r.path, `${where}.path`);
  if (!path.isAbsolute(p)) throw bad(`${where}.path is not absolute`);
  return {
    revision: string(r.revision, `${where}.revision`),
    downRevisions: strings(r.down_revisions, `${where}.down_revisions`),
    branchLabels,
    allBranchLabels: r.all_branch_labels === undefined ? [...branchLabels] : strings(r.all_branch_labels, `${where}.all_branch_labels`),
    dependsOn: strings(r.depends_on, `${where}.depends_on`),
    doc: optionalString(r.doc, `${where}.doc`) ?? '',
    path: p,
  };
}

function problem(value: unknown, where: string): AlembicGraphProblem {
  const e = object(value, where);
  const file = optionalString(e.file, `${where}.file`);
  const scope = optionalString(e.scope, `${where}.scope`) ?? (file ? 'file' : 'project');
  if (scope !== 'file' && scope !== 'project') throw bad(`${where}.scope is neither "file" nor "project"`);
  const out: AlembicGraphProblem = { message: string(e.message, `${where}.message`), scope };
  if (file !== undefined) out.file = file;
  if (e.line !== undefined && e.line !== null) {
    if (typeof e.line !== 'number' || !Number.isInteger(e.line) || e.line < 1) throw bad(`${where}.line is not a positive whole number`);
    out.line = e.line;
  }
  return out;
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(`${where} is not an object`);
  return value as Record<string, unknown>;
}

function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw bad(`${where} is not a list`);
  return value;
}

function string(value: unknown, where: string): string {
  if (typeof value !== 'string') throw bad(`${where} is not a string`);
  return value;
}

function optionalString(value: unknown, where: string): string | undefined {
  return value === undefined || value === null ? undefined : string(value, where);
}

function strings(value: unknown, where: string): string[] {
  return array(value, where).map((v, i) => string(v, `${where}[${i}]`));
}

function bad(what: string, text?: string): MigrationChainError {
  const sample = text === undefined ? '' : ` (starts with ${JSON.stringify(text.trim().slice(0, 80))})`;
  return new MigrationChainError('io', `The Alembic graph helper's output ${what}${sample}.`);
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}
