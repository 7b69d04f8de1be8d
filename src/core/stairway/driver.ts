// How the stairway moves a scratch database by exactly one revision. The walk (stairway.ts) only
// knows this interface, so another engine plugs in by providing one: the native driver below runs
// `.sql` and `.js` migrations with the engine's own step (one transaction, version row included);
// the Alembic engine (alembic-engine.ts) runs a project's `.py` revisions through its own Alembic.
import type { Client } from 'pg';
import { formatSpec } from '../chain/formats';
import type { Migration } from '../chain/model';
import { backendPid, connect, parseDatabaseUrl } from '../db/client';
import { bookkeeping, bookkeepingTables, ensureBookkeepingTables, type VersionTableOptions } from '../db/bookkeeping';
import type { Logger } from '../log';
import type { Session } from '../run/session';
import { runStep } from '../run/step';

export interface StairwayDriver {
  /** A connection to the scratch database: snapshots and verify blocks are read through it. */
  readonly client: Client;
  /** Applies exactly `migration` (its prerequisites are applied); the recorded heads move from `before` to `after`. */
  upgrade(migration: Migration, before: readonly string[], after: readonly string[]): Promise<void>;
  /** Undoes exactly `migration`; the recorded heads move from `before` to `after`. */
  downgrade(migration: Migration, before: readonly string[], after: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface DriverContext extends VersionTableOptions {
  logger: Logger;
  signal?: AbortSignal;
  /** StairwayOptions.childOutput. */
  childOutput?: ChildOutput;
}

/**
 * What a step's child process (the project's Alembic) shows: `full`, every line it prints, logged as
 * it comes (the editor's test output); `failures`, nothing while it runs (the lines go to the
 * logger's debug) and, when it fails, its last error line alone (`migration-chain test` without --verbose).
 */
export type ChildOutput = 'full' | 'failures';

export interface StairwayEngine {
  /** Shown in messages: which engine could not run a revision. */
  name: string;
  /** Whether this engine runs the migration's format. */
  runs(migration: Migration): boolean;
  /** Connects to a freshly created scratch database. */
  open(scratchUrl: string, context: DriverContext): Promise<StairwayDriver>;
}

const APPLICATION_NAME = 'migration-chain (stairway)';

/**
 * The engine's own step on one connection. No advisory lock: the scratch database has a random
 * name that no other run knows.
 */
export const nativeEngine: StairwayEngine = {
  name: 'migration-chain',
  runs: (m) => formatSpec(m).execution.kind !== 'elsewhere',
  async open(scratchUrl, context) {
    const client = await connect(scratchUrl, { applicationName: APPLICATION_NAME });
    try {
      const bk = bookkeeping(context);
      await ensureBookkeepingTables(client, bk, await bookkeepingTables(client, bk));
      const session: Session = {
        client, url: scratchUrl, pid: await backendPid(client), target: parseDatabaseUrl(scratchUrl), bk,
        logger: context.logger, signal: context.signal, applicationName: APPLICATION_NAME,
      };
      return {
        client,
        upgrade: (m, before, after) => runStep(session, m, 'up', before, after),
        downgrade: (m, before, after) => runStep(session, m, 'down', before, after),
        close: () => client.end().catch(() => {}),
      };
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
  },
};
