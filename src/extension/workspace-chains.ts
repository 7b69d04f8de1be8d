// One data source per workspace folder: the chain read from its files (re-read when a watched file
// is created, changed or deleted) and the database status from ONE getStatus call per refresh.
// Everything the editor shows listens to `onDidChange`; nothing else reads files or queries.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { ChainCache, core, type DatabaseTarget, MigrationChainError, migrationExtensions } from './core';
import { resolveDatabaseUrl, secretKey, type ResolvedUrl } from './connection';
import type { Log } from './log';
import type { SettingsReader } from './settings';
import type { FolderRef, FolderSnapshot } from './folder-snapshot';
import { requireTrust } from './trust';
import { AlembicReading } from './alembic-reading';

const DEBOUNCE_MS = 150;
// Migration files (by the engine's format table), the Alembic config and the dotenv files a URL may come from.
const WATCHED = `**/{${migrationExtensions().map((e) => `*.${e}`).join(',')},alembic.ini,.env*}`;

export interface Deps {
  log: Log;
  settings: SettingsReader;
  secrets: vscode.SecretStorage;
  /** The Alembic graph helper shipped with the extension (media/alembic_graph.py); default: found next to the engine. */
  helperScript?: string;
}

export class WorkspaceChains implements vscode.Disposable {
  private readonly folders = new Map<string, FolderChain>();
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
      for (const f of this.folders.values()) if (e.key === secretKey(f.ref.uri)) void f.refresh();
    }, null, this.disposables);
    this.ready = this.syncFolders();
    this.schedulePoll();
  }

  snapshots(): FolderSnapshot[] {
    return [...this.folders.values()].map((f) => f.snapshot);
  }

  snapshot(folderUri: string): FolderSnapshot | undefined {
    return this.folders.get(folderUri)?.snapshot;
  }

  workspaceFolder(folderUri: string): vscode.WorkspaceFolder | undefined {
    return this.folders.get(folderUri)?.folder;
  }

  /** Re-reads files and status of one folder (or all); resolves when the new snapshot is published. */
  async refresh(folderUri?: string): Promise<void> {
    const targets = folderUri ? [this.folders.get(folderUri)].filter((f): f is FolderChain => !!f) : [...this.folders.values()];
    await Promise.all(targets.map((f) => f.refresh()));
  }

  /** The URL to run against, re-resolved now (never the one cached for display). Refuses untrusted. */
  async connect(folderUri: string, action: string): Promise<{ url: string; target: DatabaseTarget; source: ResolvedUrl }> {
    requireTrust(action);
    const f = this.folders.get(folderUri);
    if (!f) throw new Error(`No workspace folder ${folderUri}`);
    const resolved = await f.resolveUrl();
    if (!resolved) {
      const s = this.deps.settings.for(f.folder);
      throw new MigrationChainError('usage',
        `${f.ref.name}: no database URL configured.`,
        `Run "Migration Chain: Set Database URL", set migrationChain.databaseUrl, or put ${s.envVariable} in ${s.envFile}.`);
    }
    const target = core().parseDatabaseUrl(resolved.url);
    this.deps.log.rememberUrl(resolved.url);
    return { url: resolved.url, target, source: resolved };
  }

  private syncFolders(): Promise<void> {
    const current = new Map((vscode.workspace.workspaceFolders ?? []).map((f) => [f.uri.toString(), f]));
    for (const [key, f] of this.folders) {
      if (!current.has(key)) { f.dispose(); this.folders.delete(key); }
    }
    const loads: Promise<void>[] = [];
    for (const [key, folder] of current) {
      if (this.folders.has(key)) continue;
      const f = new FolderChain(folder, this.deps, () => this.changed.fire());
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

class FolderChain implements vscode.Disposable {
  readonly ref: FolderRef;
  snapshot: FolderSnapshot;
  private readonly watcher: vscode.FileSystemWatcher;
  private readonly disposables: vscode.Disposable[] = [];
  private debounce: NodeJS.Timeout | undefined;
  /** Refreshes never overlap: a request during one runs once more after it. */
  private running: Promise<void> | undefined;
  private again = false;
  private lastSourceLine: string | undefined;
  private readonly cache = new ChainCache();
  /** Files a watcher reported since the last read; undefined = rescan the folder (mtime-cached). */
  private changedFiles: Set<string> | undefined;
  /** The chain as Alembic itself reads it, merged in once known (trusted workspaces only). */
  readonly alembic: AlembicReading;

  constructor(readonly folder: vscode.WorkspaceFolder, private readonly deps: Deps, private readonly publish: () => void) {
    this.ref = { name: folder.name, uri: folder.uri.toString(), fsPath: folder.uri.fsPath };
    this.snapshot = { folder: this.ref };
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
          this.snapshot = await this.read();
          this.publish();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  resolveUrl(projectDir = this.snapshot.alembicProject?.dir): Promise<ResolvedUrl | undefined> {
    const s = this.deps.settings.for(this.folder);
    return resolveDatabaseUrl({
      secret: async () => this.deps.secrets.get(secretKey(this.ref.uri)),
      setting: s.databaseUrl,
      folderPath: this.ref.fsPath,
      projectPath: projectDir,
      envFile: s.envFile,
      envVariable: s.envVariable,
      env: process.env,
      readFile: (file) => fs.promises.readFile(file, 'utf8').catch(() => undefined),
    });
  }

  private async read(): Promise<FolderSnapshot> {
    const c = core();
    const s = this.deps.settings.for(this.folder);
    const snapshot: FolderSnapshot = { folder: this.ref };
    try {
      const located = await c.locateFolderChain(this.ref.fsPath, s.migrationsDir);
      snapshot.alembicProject = located.project;
      snapshot.migrationsDir = located.dir && fs.existsSync(located.dir) ? located.dir : undefined;
      const changed = this.changedFiles;
      this.changedFiles = new Set();
      const incremental = changed && this.snapshot.migrationsDir === snapshot.migrationsDir && this.snapshot.chain;
      if (snapshot.migrationsDir) {
        snapshot.chain = await c.loadChain(snapshot.migrationsDir, { cache: this.cache, changed: incremental ? [...changed] : undefined });
      }
      // The static reading paints now; Alembic's own reading replaces it on a later refresh when it is known.
      snapshot.chain = await this.alembic.apply({
        project: snapshot.alembicProject, chain: snapshot.chain, configuredPython: s.python, workspaceFolder: this.folder,
        onAnswer: () => this.scheduleRefresh(),
      });
    } catch (err) {
      snapshot.loadError = errorText(err);
      this.deps.log.error(`${this.ref.name}: cannot read migrations: ${snapshot.loadError}`);
    }
    if (!vscode.workspace.isTrusted) {
      snapshot.disconnected = { reason: 'untrusted' };
      return snapshot;
    }
    const resolved = await this.resolveUrl(snapshot.alembicProject?.dir);
    if (!resolved) {
      snapshot.disconnected = { reason: 'no-url' };
      this.logSource(`${this.ref.name}: no database URL (SecretStorage, migrationChain.databaseUrl, ${s.envFile}, environment ${s.envVariable})`);
      return snapshot;
    }
    this.deps.log.rememberUrl(resolved.url);
    let target: DatabaseTarget;
    try {
      target = c.parseDatabaseUrl(resolved.url);
    } catch (err) {
      snapshot.disconnected = { reason: 'bad-url', message: `${errorText(err)} (from ${resolved.label})` };
      this.logSource(`${this.ref.name}: the database URL from ${resolved.label} is not valid: ${errorText(err)}`);
      return snapshot;
    }
    snapshot.connection = { source: resolved.source, label: resolved.label, target };
    this.logSource(`${this.ref.name}: database ${target.display} (from ${resolved.label})`);
    if (!snapshot.chain) return snapshot;
    try {
      snapshot.status = await c.getStatus(snapshot.chain, { url: resolved.url });
      snapshot.refreshedAt = new Date();
    } catch (err) {
      snapshot.disconnected = { reason: 'error', message: errorText(err), target };
      this.deps.log.warn(`${this.ref.name}: cannot read the database status: ${errorText(err)}`);
    }
    return snapshot;
  }

  /** The connection source is logged when it changes, not on every poll. */
  private logSource(line: string): void {
    if (line === this.lastSourceLine) return;
    this.lastSourceLine = line;
    this.deps.log.info(line);
  }

  private concerns(file: string): boolean {
    const s = this.deps.settings.for(this.folder);
    const base = path.basename(file);
    if (base === 'alembic.ini' || path.resolve(this.ref.fsPath, s.envFile) === file) return true;
    const project = this.snapshot.alembicProject;
    if (project && path.resolve(project.dir, s.envFile) === file) return true;
    const dir = this.snapshot.migrationsDir;
    if (dir) return file.startsWith(dir + path.sep);
    // No migrations folder yet: the first file of one appears.
    return /[\\/](migrations|versions)[\\/]/.test(file);
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

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
