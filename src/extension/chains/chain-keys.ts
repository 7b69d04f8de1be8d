// A workspace folder may hold several chains (one per alembic.ini project, `backend`,
// `services/billing`): each is its own tree root with its own status and database URL. A chain is
// known by a key: the workspace folder's URI for the folder's own chain, else the URI of the
// project's folder inside it, so one-chain folders keep the key (and the stored secret) they had.
import * as path from 'path';
import type { FolderRef, FolderSnapshot } from './folder-snapshot';

export interface WorkspaceFolderRef {
  name: string;
  uri: string;
  fsPath: string;
}

/** The ref of the chain whose project sits at `relative` ('/'-separated, '' = the folder itself). */
export function chainRef(folder: WorkspaceFolderRef, relative: string): FolderRef {
  const base = { name: folder.name, uri: folder.uri, fsPath: folder.fsPath, folderUri: folder.uri };
  if (!relative) return base;
  const encoded = relative.split('/').map(encodeURIComponent).join('/');
  return { ...base, name: relative, uri: `${folder.uri.replace(/\/+$/, '')}/${encoded}`, project: relative };
}

/**
 * The chain `file` belongs to among `snapshots`: the one whose migrations (or project folder)
 * holds it, the deepest first; else the only chain of its workspace folder. Undefined when that
 * leaves a choice (the caller asks).
 */
export function chainOfFile(snapshots: readonly FolderSnapshot[], file: string, workspaceFolderUri?: string): FolderSnapshot | undefined {
  const target = path.resolve(file);
  let best: { snapshot: FolderSnapshot; depth: number } | undefined;
  for (const s of snapshots) {
    const roots = [...(s.chain?.dirs ?? []), s.migrationsDir, s.alembicProject?.dir].filter((d): d is string => !!d);
    for (const root of roots) {
      if (!isInside(target, root)) continue;
      const depth = path.resolve(root).length;
      if (!best || depth > best.depth) best = { snapshot: s, depth };
    }
  }
  if (best) return best.snapshot;
  if (!workspaceFolderUri) return undefined;
  const ofFolder = snapshots.filter((s) => (s.folder.folderUri ?? s.folder.uri) === workspaceFolderUri);
  return ofFolder.length === 1 ? ofFolder[0] : undefined;
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(path.resolve(dir), file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
