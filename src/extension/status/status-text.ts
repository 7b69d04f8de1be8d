// The status bar's words for a folder snapshot.
import { disconnectedText, shortRevision, type FolderSnapshot } from '../chains/folder-snapshot';

export function statusBarText(snapshot: FolderSnapshot | undefined): { text: string; tooltip: string } {
  if (!snapshot) return { text: '$(database) Migration Chain', tooltip: 'No migrations in this workspace' };
  const { status, connection } = snapshot;
  if (!status || !connection) {
    return { text: '$(database) not connected', tooltip: `${snapshot.folder.name}: ${disconnectedText(snapshot.disconnected)}` };
  }
  const heads = status.heads.length ? status.heads.map(shortRevision).join('+') : 'base';
  const pending = status.pending.length;
  return {
    text: `$(database) ${connection.target.database} @ ${heads} · ${pending} pending`,
    tooltip: `${snapshot.folder.name}: ${connection.target.display} (from ${connection.label})`,
  };
}
