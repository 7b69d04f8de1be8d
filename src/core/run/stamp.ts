// stamp: set the recorded version without running migrations — how a database whose tables were
// made by `create_all` is adopted. Refuses to mark a revision applied when its verify block fails
// against the database, unless forced.
import type { ClientBase } from 'pg';
import type { Chain } from '../chain/chain';
import type { Migration } from '../chain/model';
import { describeTarget } from '../db/client';
import { readHeads, versionTransition, writeVersionTransition } from '../db/version-table';
import { bookkeepingTables, ensureBookkeepingTables } from '../db/bookkeeping';
import { MigrationChainError } from '../errors';
import { assertKnownHeads, assertRunnable } from './plan';
import { withSession, type SessionOptions } from './session';

/** A verify block's outcome (verify/blocks.ts VerifyBlockResult has this shape). */
export interface StampedBlock {
  revision: string;
  file: string;
  ok: boolean;
  detail: string;
  line: number;
}

export interface StampOptions extends SessionOptions {
  chain: Chain;
  target: string;
  /** Stamp even when verify blocks fail or the database records unknown revisions. */
  force?: boolean;
  /**
   * Runs a migration's verify block (undefined: it has none). verify/ sits above run/ (it runs
   * `.js` blocks through run/js-module), so the caller passes verify/blocks.ts runVerifyBlock in.
   */
  runVerifyBlock: (client: ClientBase, migration: Migration) => Promise<StampedBlock | undefined>;
}

export interface StampResult {
  from: string[];
  to: string[];
  /** Verify blocks of the revisions newly marked applied. */
  verified: StampedBlock[];
  forced: boolean;
}

export async function stamp(options: StampOptions): Promise<StampResult> {
  assertRunnable(options.chain);
  const { chain } = options;
  return withSession(options, async (s) => {
    const tables = await bookkeepingTables(s.client, s.bk);
    const heads = await readHeads(s.client, s.bk, tables);
    const known = heads.filter((h) => chain.graph.has(h));
    if (!options.force) assertKnownHeads(chain, heads);
    const resolved = chain.graph.resolve(options.target, known).revisions;
    const after = chain.graph.appliedSet(resolved);
    const to = chain.graph.headsOf(after);
    const before = chain.graph.appliedSet(known);
    const newlyApplied = chain.graph.topologicalOrder().filter((r) => after.has(r) && !before.has(r));

    const verified: StampedBlock[] = [];
    for (const r of newlyApplied) {
      const result = await options.runVerifyBlock(s.client, chain.graph.get(r)!);
      if (result) verified.push(result);
    }
    const failed = verified.filter((v) => !v.ok);
    if (failed.length > 0) {
      const list = failed.map((f) => `  ${f.revision} (${f.file}:${f.line}): ${f.detail}`).join('\n');
      if (!options.force) {
        throw new MigrationChainError('verify',
          `Refusing to stamp ${describeTarget(s.target)} at ${to.join(', ') || 'base'}: the verify block of ${failed.length} revision(s) fails against this database:\n${list}`,
          'The schema does not match those migrations. Fix the database or the migrations, or stamp with --force if you are sure.');
      }
      s.logger.warn(`Stamping despite failing verify blocks (--force):\n${list}`);
    }

    await ensureBookkeepingTables(s.client, s.bk, tables);
    await s.client.query('BEGIN');
    try {
      await writeVersionTransition(s.client, s.bk, versionTransition(heads, to));
      await s.client.query('COMMIT');
    } catch (err) {
      await s.client.query('ROLLBACK').catch(() => {});
      throw err;
    }
    s.logger.info(`Stamped ${describeTarget(s.target)}: ${heads.join(', ') || 'base'} -> ${to.join(', ') || 'base'} (no migrations ran).`);
    return { from: heads, to, verified, forced: !!options.force && failed.length > 0 };
  });
}
