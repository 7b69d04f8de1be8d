// Alembic projects read through Alembic itself, in the background: the static reader paints first;
// this finds a Python with Alembic (migrationChain.python, the project's venv, the Python extension's
// interpreter, PATH), runs the engine's helper once per change of the revision files, and calls back
// so the folder re-reads. The re-read then takes the cached answer at once: files the static reader
// refused join the graph with Alembic's values, and every disagreement is a diagnostic on its file.
// Never in Restricted Mode (mayReadThroughAlembic). A failing or missing Python is logged once per
// change and leaves the static reading as it is.
import * as path from 'path';
import * as vscode from 'vscode';
import { core, type AlembicGraph, type AlembicGraphCache, type AlembicProject, type Chain } from '../core';
import { mayReadThroughAlembic } from './alembic-reading-gate';
import type { Log } from '../output/log';

const PYTHON_EXTENSION_ID = 'ms-python.python';
const PYTHON_API_TIMEOUT_MS = 5_000;

export interface ReadingRequest {
  project: AlembicProject | undefined;
  chain: Chain | undefined;
  /** migrationChain.python for the folder. */
  configuredPython: string | undefined;
  workspaceFolder: vscode.WorkspaceFolder;
  /** Called when an answer for the current files arrived: re-read, and apply() answers from the cache. */
  onAnswer: () => void;
}

export class AlembicReading {
  private cache: AlembicGraphCache | undefined;
  /** The key of the files a run is under way (or finished without an answer) for: never two runs for the same files. */
  private attempted = new Map<string, string>();
  /** One helper process at a time (the editor shares the machine); a request during a run waits, and only the latest waits. */
  private running: Promise<void> | undefined;
  private queued: (() => Promise<void>) | undefined;
  /** The answer last shown per project, kept across forget(): the same files keep their reading until the new interpreter answers (no flicker). */
  private readonly shown = new Map<string, { key: string; graph: AlembicGraph }>();

  constructor(private readonly log: Log, private readonly helperScript?: string) {}

  /** The chain to show: Alembic's reading merged in when it is known for these exact files, else `chain` as it is (and a run starts). */
  async apply(r: ReadingRequest): Promise<Chain | undefined> {
    const { project, chain } = r;
    if (!mayReadThroughAlembic({ trusted: vscode.workspace.isTrusted, project, chain }) || !project || !chain) return chain;
    const c = core();
    this.cache ??= new c.AlembicGraphCache();
    const versionDirs = chain.dirs ?? [chain.dir];
    const key = await c.alembicGraphKey(project.iniFile, versionDirs);
    const graph = this.cache.get(project.iniFile, key);
    if (graph) {
      this.shown.set(project.iniFile, { key, graph });
      return c.applyAlembicGraph(chain, graph, project.iniFile).chain;
    }
    if (this.attempted.get(project.iniFile) !== key) {
      this.attempted.set(project.iniFile, key);
      this.schedule(() => this.run(r, project, versionDirs));
    }
    const previous = this.shown.get(project.iniFile);
    return previous?.key === key ? c.applyAlembicGraph(chain, previous.graph, project.iniFile).chain : chain;
  }

  private schedule(job: () => Promise<void>): void {
    if (this.running) {
      this.queued = job;
      return;
    }
    this.running = job().finally(() => {
      this.running = undefined;
      const next = this.queued;
      this.queued = undefined;
      if (next) this.schedule(next);
    });
  }

  private async run(r: ReadingRequest, project: AlembicProject, versionDirs: string[]): Promise<void> {
    const c = core();
    try {
      const stopDir = await c.repositoryRoot(project.dir);
      const inside = (dir: string) => !path.relative(r.workspaceFolder.uri.fsPath, dir).startsWith('..');
      const lookup = {
        configured: r.configuredPython, projectDir: project.dir,
        stopDir: inside(stopDir) ? stopDir : r.workspaceFolder.uri.fsPath,
        selected: await selectedInterpreter(r.workspaceFolder.uri),
      };
      const { found, tried } = await c.findAlembicPython(lookup);
      if (!found) {
        this.log.info(`${path.relative(r.workspaceFolder.uri.fsPath, project.iniFile) || project.iniFile}: read from the files as text only; no Python with Alembic found (tried: ${tried.map((t) => t.source).join('; ') || 'none'}). Set migrationChain.python to check the reading through Alembic.`);
        return;
      }
      const started = Date.now();
      const { graph } = await c.readAlembicGraph({
        python: found.python, iniFile: project.iniFile, projectDir: project.dir, versionDirs, cache: this.cache, helperScript: this.helperScript,
      });
      this.log.info(`${project.iniFile}: read through Alembic ${graph.alembicVersion} (${found.source}) in ${Date.now() - started} ms: ${graph.revisions.length} revisions, ${graph.errors.length} problems`);
      for (const w of graph.warnings) this.log.warn(`${project.iniFile}: Alembic warns: ${w}`);
      r.onAnswer();
    } catch (err) {
      this.log.warn(`${project.iniFile}: could not read through Alembic: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** A new run for every project on the next apply(): migrationChain.python changed, and another interpreter may hold another Alembic. */
  forget(): void {
    this.attempted.clear();
    this.cache = undefined;
  }
}

/**
 * The interpreter selected in the Python extension, through its public API, only when that extension
 * is installed; anything unexpected (no API, an older one, a slow activation) means "none".
 */
async function selectedInterpreter(resource: vscode.Uri): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension(PYTHON_EXTENSION_ID);
  if (!ext) return undefined;
  try {
    const api: unknown = ext.isActive ? ext.exports : await withTimeout(Promise.resolve(ext.activate()), PYTHON_API_TIMEOUT_MS);
    const envs = (api as { environments?: Record<string, unknown> } | undefined)?.environments;
    if (!envs || typeof envs.getActiveEnvironmentPath !== 'function') return undefined;
    const active = (envs.getActiveEnvironmentPath as (r?: vscode.Uri) => { path?: unknown } | undefined)(resource);
    let executable: unknown;
    if (typeof envs.resolveEnvironment === 'function' && active) {
      const resolved = await withTimeout(Promise.resolve((envs.resolveEnvironment as (e: unknown) => unknown)(active)), PYTHON_API_TIMEOUT_MS);
      executable = (resolved as { executable?: { uri?: { fsPath?: unknown } } } | undefined)?.executable?.uri?.fsPath;
    }
    if (typeof executable === 'string' && executable) return executable;
    return typeof active?.path === 'string' && active.path ? active.path : undefined;
  } catch {
    return undefined;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e instanceof Error ? e : new Error(String(e))); });
  });
}
