// One data source per chain: each workspace folder's chains (its own migrations folder, or every
// alembic.ini project below it, core/alembic/read/find.ts locateFolderChains), each read from its files
// (re-read when a watched file is created, changed or deleted) with the database status from ONE
// getStatus call per refresh. Everything the editor shows listens to `onDidChange`; nothing else
// reads files or queries.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { ChainCache, core, sqlalchemyUrlOf, type Chain, type DatabaseTarget, type LocatedChain, MigrationChainError, migrationExtensions } from '../core';
import { resolveDatabaseUrl, resolveDirectUrl, secretKey, type ResolvedUrl } from '../connection/database-url';
import type { Log } from '../output/log';
import type { SettingsReader } from '../settings/settings';
import type { FolderSnapshot } from './folder-snapshot';
import { chainRef, type WorkspaceFolderRef } from './chain-keys';
import { requireTrust } from '../connection/trust';
import { AlembicReading } from './alembic-reading';

const DEBOUNCE_MS = 150;
// Migration files (by the engine's format table), the Alembic config and the dotenv files a URL may come from.
const WATCHED = `**/{${migrationExtensions().map((e) => `*.${e}`).join(',')},alembic.ini,pyproject.toml,.env*}`;

export interface Deps {
  log: Log;
  settings: SettingsReader;
  secrets: vscode.SecretStorage;
  /** The Alembic graph helper shipped with the extension (media/alembic_graph.py); default: found next to the engine. */
  helperScript?: string;
}

export class WorkspaceChains implements vscode.Disposable {
  private readonly folders = new Map<string, FolderChains>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private pollTimer: NodeJS.Timeout | undefined;
  /** Resolves when every folder open at activation has been read once. */
  readonly ready: Promise<void>;

  constructor(private readonly deps: Deps) {
    vscode.workspace.onDidChangeWorkspaceFolders(() => void this.syncFolders(), null, this.disposables);
    vscode.workspace.onDidGrantWorkspaceTrust(() => void this.refresh(), null, this.disposables);
    deps.settings.onDidChange((e) => {
      if (e.affectsConfiguration('migrationChain.python')) for (const f of this.folders.values()) f.alembic.forget();
      this.schedulePoll();
      void this.refresh();
    }, null, this.disposables);
    deps.secrets.onDidChange((e) => {
      for (const f of this.folders.values()) if (f.snapshots().some((s) => e.key === secretKey(s.folder.uri))) void f.refresh();
    }, null, this.disposables);
    this.ready = this.syncFolders();
    this.schedulePoll();
  }

  /** Every chain of every folder, folders in workspace order, a folder's chains by project path. */
  snapshots(): FolderSnapshot[] {
    return [...this.folders.values()].flatMap((f) => f.snapshots());
  }

  /** The chain known by `key` (FolderRef.uri; a workspace folder's URI names its own or only chain). */
  snapshot(key: string): FolderSnapshot | undefined {
    return this.owner(key)?.snapshotOf(key);
  }

  workspaceFolder(key: string): vscode.WorkspaceFolder | undefined {
    return this.owner(key)?.folder;
  }

  /** Re-reads files and status of the folder holding one chain (or all); resolves when the new snapshots are published. */
  async refresh(key?: string): Promise<void> {
    const targets = key ? [this.owner(key)].filter((f): f is FolderChains => !!f) : [...this.folders.values()];
    await Promise.all(targets.map((f) => f.refresh()));
  }

  /**
   * Re-reads only the files reported changed since the last read (a save reports its file at once),
   * and the status, of the folder holding one chain: a save's follow-up without rescanning the folder.
   */
  async reread(key: string): Promise<void> {
    await this.owner(key)?.poll();
  }

  /**
   * The URL to run against, re-resolved now (never the one cached for display), and the direct URL
   * when one is configured (runs that need one session use it when the URL is pooled). Refuses untrusted.
   */
  async connect(key: string, action: string): Promise<{ url: string; directUrl?: string; target: DatabaseTarget; source: ResolvedUrl }> {
    requireTrust(action);
    const f = this.owner(key);
    const snapshot = f?.snapshotOf(key);
    if (!f || !snapshot) throw new Error(`No workspace folder ${key}`);
    const resolved = await f.resolveUrl(snapshot);
    if (!resolved) {
      const s = this.deps.settings.for(f.folder);
      throw new MigrationChainError('usage',
        `${snapshot.folder.name}: no database URL configured.`,
        `Run "Migration Chain: Set Database URL", set migrationChain.databaseUrl, or put ${s.envVariable} in ${s.envFile}.`);
    }
    const target = core().parseDatabaseUrl(resolved.url);
    this.deps.log.rememberUrl(resolved.url);
    const direct = f.resolveDirectUrl(snapshot);
    if (direct) this.deps.log.rememberUrl(direct.url);
    return { url: resolved.url, ...(direct && direct.url !== resolved.url ? { directUrl: direct.url } : {}), target, source: resolved };
  }

  private owner(key: string): FolderChains | undefined {
    const direct = this.folders.get(key);
    if (direct) return direct;
    for (const f of this.folders.values()) if (f.snapshotOf(key)) return f;
    return undefined;
  }

  private syncFolders(): Promise<void> {
    const current = new Map((vscode.workspace.workspaceFolders ?? []).map((f) => [f.uri.toString(), f]));
    for (const [key, f] of this.folders) {
      if (!current.has(key)) { f.dispose(); this.folders.delete(key); }
    }
    const loads: Promise<void>[] = [];
    for (const [key, folder] of current) {
      if (this.folders.has(key)) continue;
      const f = new FolderChains(folder, this.deps, () => this.changed.fire());
      this.folders.set(key, f);
      loads.push(f.refresh());
    }
    this.changed.fire();
    return Promise.all(loads).then(() => undefined);
  }

  private schedulePoll(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    const seconds = this.deps.settings.for().statusPollSeconds;
    // A poll re-reads the status only; file changes arrive through the watcher.
    if (seconds > 0) this.pollTimer = setInterval(() => { for (const f of this.folders.values()) void f.poll(); }, seconds * 1000);
  }

  dispose(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    for (const f of this.folders.values()) f.dispose();
    this.folders.clear();
    for (const d of this.disposables) d.dispose();
  }
}

/** The chains of one workspace folder: one watcher and one parse cache, a snapshot per chain. */
class FolderChains implements vscode.Disposable {
  readonly ref: WorkspaceFolderRef;
  private current: FolderSnapshot[];
  private readonly watcher: vscode.FileSystemWatcher;
  private readonly disposables: vscode.Disposable[] = [];
  private debounce: NodeJS.Timeout | undefined;
  /** Refreshes never overlap: a request during one runs once more after it. */
  private running: Promise<void> | undefined;
  private again = false;
  private readonly lastSourceLine = new Map<string, string>();
  private readonly cache = new ChainCache();
  /** The chains found by the last search of the folder. */
  private located: LocatedChain[] | undefined;
  /** Each chain's static reading, kept apart from the shown chain (which may have Alembic's answer merged in). */
  private readonly staticChains = new Map<string, Chain>();
  /** How each chain's files were listed last time (an Alembic project's locations): a change rereads it. */
  private readonly listings = new Map<string, string>();
  /** Files a watcher reported since the last read; undefined = rescan the folder (mtime-cached). */
  private changedFiles: Set<string> | undefined;
  /** The chain as Alembic itself reads it, merged in once known (trusted workspaces only). */
  readonly alembic: AlembicReading;

  constructor(readonly folder: vscode.WorkspaceFolder, private readonly deps: Deps, private readonly publish: () => void) {
    this.ref = { name: folder.name, uri: folder.uri.toString(), fsPath: folder.uri.fsPath };
    this.current = [{ folder: chainRef(this.ref, '') }];
    this.alembic = new AlembicReading(deps.log, deps.helperScript);
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, WATCHED));
    const onFile = (uri: vscode.Uri) => {
      if (!this.concerns(uri.fsPath)) return;
      this.changedFiles?.add(uri.fsPath);
      this.scheduleRefresh();
    };
    this.watcher.onDidCreate(onFile, null, this.disposables);
    this.watcher.onDidChange(onFile, null, this.disposables);
    this.watcher.onDidDelete(onFile, null, this.disposables);
    // A save in the editor is reported at once, also where the file watcher misses changes (folders
    // created after it started, network file systems).
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(d.uri)?.uri.toString() === this.ref.uri) onFile(d.uri);
    }, null, this.disposables);
  }

  snapshots(): FolderSnapshot[] {
    return this.current;
  }

  snapshotOf(key: string): FolderSnapshot | undefined {
    // The folder's URI also names its only chain, wherever that chain's project sits.
    return this.current.find((s) => s.folder.uri === key) ?? (key === this.ref.uri && this.current.length === 1 ? this.current[0] : undefined);
  }

  /** A full refresh: rescans the folder (unchanged files come from the cache) and re-reads status. */
  refresh(): Promise<void> {
    this.changedFiles = undefined;
    return this.run();
  }

  /** Status only: files are re-read just where the watcher reported changes. */
  poll(): Promise<void> {
    return this.run();
  }

  private run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      // Yield first: the first read (which loads the engine) must not run inside activate().
      await Promise.resolve();
      try {
        do {
          this.again = false;
          this.current = await this.read();
          this.publish();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  resolveUrl(snapshot: FolderSnapshot): Promise<ResolvedUrl | undefined> {
    const s = this.deps.settings.for(this.folder);
    return resolveDatabaseUrl({
      secret: async () => this.deps.secrets.get(secretKey(snapshot.folder.uri)),
      setting: s.databaseUrl,
      folderPath: this.ref.fsPath,
      projectPath: snapshot.alembicProject?.dir,
      alembicIni: snapshot.alembicProject?.iniFile,
      envFile: s.envFile,
      envVariable: s.envVariable,
      env: process.env,
      readFile: readSmallFile,
    });
  }

  resolveDirectUrl(snapshot: FolderSnapshot): ResolvedUrl | undefined {
    const s = this.deps.settings.for(this.folder);
    return resolveDirectUrl({
      setting: s.directUrl,
      folderPath: this.ref.fsPath,
      projectPath: snapshot.alembicProject?.dir,
      envFile: s.envFile,
      env: process.env,
      readFile: readSmallFile,
    });
  }

  private async read(): Promise<FolderSnapshot[]> {
    const changed = this.changedFiles;
    this.changedFiles = new Set();
    const s = this.deps.settings.for(this.folder);
    let located = this.located;
    try {
      // Looking for alembic.ini files walks the folder: done on a full refresh and when a reported
      // file is not inside a known chain (a new project or migrations folder), not on every poll.
      const known = (f: string) => this.current.some((c) => c.chain && chainHolds(c.chain, f)) || /[\\/]\.env[^\\/]*$/.test(f);
      if (!located || !changed || [...changed].some((f) => !known(f))) {
        located = await core().locateFolderChains(this.ref.fsPath, s.migrationsDir);
        this.located = located;
      }
    } catch (err) {
      const snapshot: FolderSnapshot = { folder: chainRef(this.ref, ''), loadError: errorText(err) };
      this.deps.log.error(`${this.ref.name}: cannot read migrations: ${snapshot.loadError}`);
      return [snapshot];
    }
    // The folder's own chain keeps the folder's name; a project below it is shown by its path.
    const out: FolderSnapshot[] = [];
    for (const l of located) out.push(await this.readChain(l, changed));
    return out;
  }

  private async readChain(located: LocatedChain, changed: Set<string> | undefined): Promise<FolderSnapshot> {
    const c = core();
    const s = this.deps.settings.for(this.folder);
    const ref = chainRef(this.ref, located.relative);
    const snapshot: FolderSnapshot = { folder: ref, alembicProject: located.project };
    const label = ref.project ? `${this.ref.name}/${ref.project}` : this.ref.name;
    const before = this.current.find((p) => p.folder.uri === ref.uri);
    try {
      snapshot.migrationsDir = located.dir && fs.existsSync(located.dir) ? located.dir : undefined;
      // The static reading of this chain last time (before Alembic's answer was merged in).
      const previous = this.staticChains.get(ref.uri);
      const same = changed && previous && before?.migrationsDir === snapshot.migrationsDir;
      if (snapshot.migrationsDir) {
        const touched = same ? [...changed].filter((f) => chainHolds(previous, f)) : undefined;
        const listing = JSON.stringify(located.alembic ?? null);
        snapshot.chain = same && touched && touched.length === 0 && this.listings.get(ref.uri) === listing
          ? previous
          : await c.loadChain(snapshot.migrationsDir, { cache: this.cache, changed: touched, alembic: located.alembic });
        this.listings.set(ref.uri, listing);
        this.staticChains.set(ref.uri, snapshot.chain);
      } else {
        this.staticChains.delete(ref.uri);
      }
      // The static reading paints now; Alembic's own reading replaces it on a later refresh when it is known.
      snapshot.chain = await this.alembic.apply({
        project: snapshot.alembicProject, chain: snapshot.chain, configuredPython: s.python, workspaceFolder: this.folder,
        onAnswer: () => this.scheduleRefresh(),
      });
    } catch (err) {
      snapshot.loadError = errorText(err);
      this.deps.log.error(`${label}: cannot read migrations: ${snapshot.loadError}`);
    }
    if (!vscode.workspace.isTrusted) {
      snapshot.disconnected = { reason: 'untrusted' };
      return snapshot;
    }
    await this.rememberIniUrl(located.project?.iniFile);
    let resolved: ResolvedUrl | undefined;
    try {
      resolved = await this.resolveUrl(snapshot);
    } catch (err) {
      // A `${VAR}` set nowhere, an unreadable .env: said in the tree, not a silent "no URL".
      snapshot.disconnected = { reason: 'bad-url', message: errorText(err) };
      this.logSource(ref.uri, `${label}: ${errorText(err)}`);
      return snapshot;
    }
    if (!resolved) {
      snapshot.disconnected = { reason: 'no-url' };
      this.logSource(ref.uri, `${label}: no database URL (SecretStorage, migrationChain.databaseUrl, ${s.envFile}, environment ${s.envVariable})`);
      return snapshot;
    }
    this.deps.log.rememberUrl(resolved.url);
    let target: DatabaseTarget;
    try {
      target = c.parseDatabaseUrl(resolved.url);
    } catch (err) {
      snapshot.disconnected = { reason: 'bad-url', message: `${errorText(err)} (from ${resolved.label})` };
      this.logSource(ref.uri, `${label}: the database URL from ${resolved.label} is not valid: ${errorText(err)}`);
      return snapshot;
    }
    snapshot.connection = { source: resolved.source, label: resolved.label, target };
    this.logSource(ref.uri, `${label}: database ${target.display} (from ${resolved.label})`);
    if (!snapshot.chain) return snapshot;
    try {
      snapshot.status = await c.getStatus(snapshot.chain, { url: resolved.url });
      snapshot.refreshedAt = new Date();
    } catch (err) {
      snapshot.disconnected = { reason: 'error', message: errorText(err), target };
      this.deps.log.warn(`${label}: cannot read the database status: ${errorText(err)}`);
    }
    return snapshot;
  }

  /** alembic.ini's sqlalchemy.url is masked in the log even when another source wins: Alembic's output may echo it. */
  private async rememberIniUrl(iniFile: string | undefined): Promise<void> {
    if (!iniFile) return;
    const text = await fs.promises.readFile(iniFile, 'utf8').catch(() => undefined);
    const url = text === undefined ? undefined : sqlalchemyUrlOf(text, iniFile);
    if (url) this.deps.log.rememberUrl(url);
  }

  /** The connection source is logged when it changes, not on every poll. */
  private logSource(key: string, line: string): void {
    if (line === this.lastSourceLine.get(key)) return;
    this.lastSourceLine.set(key, line);
    this.deps.log.info(line);
  }

  private concerns(file: string): boolean {
    const s = this.deps.settings.for(this.folder);
    const base = path.basename(file);
    if (base === 'alembic.ini' || base === 'pyproject.toml' || path.resolve(this.ref.fsPath, s.envFile) === file) return true;
    for (const snapshot of this.current) {
      const project = snapshot.alembicProject;
      if (project && path.resolve(project.dir, s.envFile) === file) return true;
      if (snapshot.chain && chainHolds(snapshot.chain, file)) return true;
      if (!snapshot.chain && snapshot.migrationsDir && file.startsWith(snapshot.migrationsDir + path.sep)) return true;
    }
    // No migrations folder yet: the first file of one appears.
    return !this.current.some((c) => c.migrationsDir) && /[\\/](migrations|versions)[\\/]/.test(file);
  }

  private scheduleRefresh(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.run(), DEBOUNCE_MS);
  }

  dispose(): void {
    if (this.debounce) clearTimeout(this.debounce);
    for (const d of this.disposables) d.dispose();
    this.watcher.dispose();
  }
}

/** A `.env` or alembic.ini read for the URL: small files, read in one go; undefined when absent. */
function readSmallFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function chainHolds(chain: Chain, file: string): boolean {
  return (chain.dirs ?? [chain.dir]).some((d) => file.startsWith(d + path.sep));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
