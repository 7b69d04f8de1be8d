// The status bar's words for a folder snapshot.
import type { ReapplyResult } from '../core';
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

/** The re-apply on save item: hidden when the mode is off; spinning while it runs; the last result as tooltip. */
export function reapplyStatusText(on: boolean, running: boolean, last: ReapplyResult | undefined): { text: string; tooltip: string } | undefined {
  if (!on) return undefined;
  const lastLine = !last ? 'Nothing re-applied yet.'
    : last.outcome === 'applied' ? `Last: ${shortRevision(last.revision)} re-applied on ${last.database} in ${Math.round(last.durationMs)} ms.`
      : `Last: ${last.message}`;
  return {
    text: running ? '$(sync~spin) Re-apply on save' : '$(sync) Re-apply on save',
    tooltip: `Saving the newest revision re-applies it to a local database (downgrade, then upgrade). Click to turn off.\n${lastLine}`,
  };
}
