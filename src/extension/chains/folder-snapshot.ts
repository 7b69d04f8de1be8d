// What the editor shows for one workspace folder, as plain data: the chain read from its files and
// the database status from ONE getStatus call. Tree, CodeLens, diagnostics and the status bar are
// pure functions of this (see tree/tree-model.ts, codelens-model.ts, status-text.ts).
import type { Chain, ChainStatus, DatabaseTarget, Migration, RevisionState, RevisionStatus } from '../core';
import type { UrlSource } from '../connection/database-url';
import type { AlembicProject } from '../core';

/** One chain of a workspace folder (chain-keys.ts): the folder's own, or an Alembic project inside it. */
export interface FolderRef {
  /** Shown as the tree root: the folder's name, or the project's path inside it (`backend`). */
  name: string;
  /** The chain's key for everything per chain (the folder's `Uri.toString()` for its own chain). */
  uri: string;
  /** The workspace folder's path. */
  fsPath: string;
  /** The workspace folder's `Uri.toString()` (differs from `uri` for a project inside the folder). */
  folderUri?: string;
  /** The project's folder relative to the workspace folder ('/'-separated), when not the folder itself. */
  project?: string;
}

/** Why there is no status; each has its own wording and action. */
export type Disconnected =
  | { reason: 'untrusted' }
  | { reason: 'no-url' }
  | { reason: 'bad-url'; message: string }
  | { reason: 'error'; message: string; target?: DatabaseTarget };

export interface FolderSnapshot {
  folder: FolderRef;
  /** undefined: no migrations folder found. */
  migrationsDir?: string;
  /** The Alembic project that runs this chain (runs go through its own Alembic, core/alembic). */
  alembicProject?: AlembicProject;
  chain?: Chain;
  /** The folder could not be read at all (MigrationChainError 'io'). */
  loadError?: string;
  connection?: { source: UrlSource; label: string; target: DatabaseTarget };
  status?: ChainStatus;
  disconnected?: Disconnected;
  /** When the status was read (for tooltips). */
  refreshedAt?: Date;
}

/** The state a revision is displayed with: the engine's states, plus chain problems and "no database". */
export type DisplayState = RevisionState | 'broken' | 'no-status';

export function missingParents(chain: Chain, m: Migration): string[] {
  return m.downRevisions.filter((p) => !chain.graph.has(p));
}

/** Errors the chain reports against this revision (duplicate, missing parent, cycle ...). */
export function revisionProblems(chain: Chain, revision: string): string[] {
  return chain.diagnostics
    .filter((d) => d.severity === 'error' && d.revision === revision)
    .map((d) => d.message);
}

export function revisionStatus(snapshot: FolderSnapshot, revision: string): RevisionStatus | undefined {
  return snapshot.status?.revisions.get(revision);
}

export function displayState(snapshot: FolderSnapshot, m: Migration): DisplayState {
  if (snapshot.chain && (missingParents(snapshot.chain, m).length > 0 || revisionProblems(snapshot.chain, m.revision).length > 0)) {
    return 'broken';
  }
  const status = revisionStatus(snapshot, m.revision);
  return status ? status.state : 'no-status';
}

/** The migration defined in `file` (absolute path), with the snapshot that owns it. */
export function findMigrationByFile(snapshots: readonly FolderSnapshot[], file: string): { snapshot: FolderSnapshot; migration: Migration } | undefined {
  const wanted = normalize(file);
  for (const snapshot of snapshots) {
    const migration = snapshot.chain?.migrations.find((m) => normalize(m.file) === wanted);
    if (migration) return { snapshot, migration };
  }
  return undefined;
}

function normalize(file: string): string {
  // Windows drive letters arrive in either case from different APIs.
  return process.platform === 'win32' ? file.toLowerCase() : file;
}

// Long hex hashes are shortened like git's; a hand-written id such as `add_discovery_query` is a name
// and is shown whole (a cut name reads as a different revision).
export function shortRevision(revision: string): string {
  return revision.length > 12 && /^[0-9a-f]+$/i.test(revision) ? revision.slice(0, 12) : revision;
}

export function formatWhen(d: Date | undefined): string | undefined {
  if (!d || Number.isNaN(d.getTime())) return undefined;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function disconnectedText(d: Disconnected | undefined): string {
  switch (d?.reason) {
    case 'untrusted': return 'Restricted Mode: trust the workspace to connect';
    case 'bad-url': return `invalid database URL: ${d.message}`;
    case 'error': return d.message;
    case 'no-url':
    default: return 'no database URL configured';
  }
}
