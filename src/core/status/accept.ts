// "Accept current file" (`repair REV`): after a person has checked that an applied migration's edit
// changes nothing the database needs, its current checksum is recorded so that it stops being
// reported as edited. Refuses revisions the database has not applied: there is nothing to accept.
import type { Chain } from '../chain/chain';
import { acceptChecksum, type AppliedChecksum } from '../db/audit-log';
import { DEFAULT_APPLICATION_NAME, parseDatabaseUrl, withConnection, type DatabaseTarget } from '../db/client';
import { bookkeeping, ensureBookkeepingTables, type VersionTableOptions } from '../db/bookkeeping';
import { MigrationChainError } from '../errors';
import { computeStatus, readDatabaseState } from './status';

export interface AcceptFileOptions extends VersionTableOptions {
  chain: Chain;
  url: string;
  /** A revision id, unique prefix or branch label. */
  revision: string;
  applicationName?: string;
}

export interface AcceptFileResult {
  target: DatabaseTarget;
  revision: string;
  file: string;
  /** The file's checksum, now recorded. */
  checksum: string;
  /** What the audit log held before (absent: applied by Alembic or before the log existed). */
  previous?: AppliedChecksum;
  /** False when the recorded checksum already matched the file: nothing was written. */
  changed: boolean;
}

export async function acceptCurrentFile(opts: AcceptFileOptions): Promise<AcceptFileResult> {
  const { chain } = opts;
  const resolved = chain.graph.resolve(opts.revision, []).revisions;
  const m = resolved.length === 1 ? chain.graph.get(resolved[0]) : undefined;
  if (!m) throw new MigrationChainError('usage', `"${opts.revision}" does not name one revision.`);
  const target = parseDatabaseUrl(opts.url);
  const bk = bookkeeping(opts);
  const applicationName = opts.applicationName ?? DEFAULT_APPLICATION_NAME;
  return withConnection(opts.url, { applicationName }, async (client) => {
    const state = await readDatabaseState(client, bk);
    const status = computeStatus(chain, target, state).revisions.get(m.revision);
    if (!status || status.state === 'pending' || status.state === 'unknown') {
      throw new MigrationChainError('usage',
        `${m.revision} is not applied to ${target.database}; there is no recorded checksum to accept.`,
        'Accepting is for applied migrations whose file was edited afterwards.');
    }
    const previous = state.checksums.get(m.revision);
    const base = { target, revision: m.revision, file: m.file, checksum: m.checksum, previous };
    if (previous?.checksum === m.checksum) return { ...base, changed: false };
    await ensureBookkeepingTables(client, bk, state.tables);
    await acceptChecksum(client, bk, m.revision, m.checksum, applicationName);
    return { ...base, changed: true };
  });
}
