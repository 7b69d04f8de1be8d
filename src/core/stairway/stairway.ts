// The stairway test: on a scratch database (created here, always dropped), walk the chain parents
// first, merges included; for each tested revision R: upgrade to R and snapshot the catalogs;
// downgrade to R's parents and compare with their snapshot; upgrade to R again and compare with the
// first one. The walk is cumulative (the database only moves one revision at a time and the
// snapshot after R is the "before" of the next revision), so the cost is linear in revisions: three
// steps and three catalog reads per revision. A step that leaves the database in an unknown state
// (a failed re-upgrade, a non-transactional failure) rebuilds the scratch database up to where the
// walk is, and the walk goes on.

import type { Chain } from '../chain/chain';
import { canDowngrade, formatSpec } from '../chain/formats';
import type { Migration } from '../chain/model';
import { parseDatabaseUrl } from '../db/client';
import { bookkeeping, LOG_TABLE, type VersionTableOptions } from '../db/bookkeeping';
import { LOCK_TABLE } from '../db/lease';
import { withScratchDatabase } from '../db/scratch-database';
import { CancelledError, MigrationChainError, WrongDatabaseError } from '../errors';
import { formatMs, silentLogger, timedStep, type Logger } from '../log';
import { assertRunnable } from '../run/plan';
import { diffSchemas } from '../schema/diff';
import { readSchema, type SchemaSnapshot } from '../schema/snapshot';
import { runVerifyBlock } from '../verify/blocks';
import { branchGroups } from './branches';
import { nativeEngine, type DriverContext, type StairwayDriver, type StairwayEngine } from './driver';
import { downgradeDiffFailure, errorFailure, reupgradeDiffFailure, undeclaredFailure, verifyFailure } from './findings';
import type { RevisionResult, StairwayEvent, StairwayFailure, StairwayReport } from './model';
import { selectRevisions, type StairwaySelection } from './select';

export interface StairwayOptions extends VersionTableOptions {
  chain: Chain;
  /** A database on the server to test on: the scratch database is created next to it, it is never changed. */
  url: string;
  selection?: StairwaySelection;
  logger?: Logger;
  signal?: AbortSignal;
  onEvent?: (event: StairwayEvent) => void;
  /** Engines that can move the scratch database; the first that runs every walked revision is used. */
  engines?: readonly StairwayEngine[];
  /** The schema compared (default `public`). */
  schema?: string;
}

const APPLICATION_NAME = 'migration-chain (stairway)';

export async function runStairway(opts: StairwayOptions): Promise<StairwayReport> {
  const started = performance.now();
  const log = opts.logger ?? silentLogger;
  assertRunnable(opts.chain);
  const graph = opts.chain.graph;
  const tested = selectRevisions(graph, opts.selection);
  // Every prerequisite of a tested revision is upgraded (not tested) on the way.
  const walk = graph.upgradePlan([], tested);
  const engine = pickEngine(opts.engines ?? [nativeEngine], walk.map((r) => mustGet(opts.chain, r)));
  const target = parseDatabaseUrl(opts.url);
  if (opts.signal?.aborted) throw new CancelledError();

  const scratchOptions = { url: opts.url, purpose: 'stairway', needs: 'The stairway test', applicationName: APPLICATION_NAME, logger: log };
  return withScratchDatabase(scratchOptions, async (scratchUrl, scratch, recreate) => {
    const context: DriverContext = { logger: log, signal: opts.signal, versionTable: opts.versionTable, versionTableSchema: opts.versionTableSchema };
    const database: ScratchDatabase = { name: scratch, open: () => engine.open(scratchUrl, context), recreate };
    log.info(`Stairway: ${tested.length} revision(s) to test, ${walk.length - tested.length} upgraded on the way, on ${scratch}.`);
    const walked = await new Walk(opts, database, new Set(tested), log).run(walk);
    return {
      results: walked.results,
      upgradedOnly: walk.filter((r) => !tested.includes(r)),
      rebuilds: walked.rebuilds,
      scratchDatabase: scratch,
      target,
      durationMs: performance.now() - started,
    };
  });
}

interface ScratchDatabase {
  name: string;
  open(): Promise<StairwayDriver>;
  /** Drops and creates it again, empty (every connection to it must be closed first). */
  recreate(): Promise<void>;
}

class Walk {
  private driver: StairwayDriver | undefined;
  private heads: string[] = [];
  /** The schema at `heads`, when it has been read since the last change. */
  private snapshot: SchemaSnapshot | undefined;
  /** Revisions that could not be upgraded: whatever builds on them is skipped. */
  private readonly broken = new Map<string, string>();
  private readonly results: RevisionResult[] = [];
  private readonly branchOf = new Map<string, string>();
  private readonly exclude: string[];
  private rebuilds = 0;

  constructor(
    private readonly opts: StairwayOptions,
    private readonly database: ScratchDatabase,
    private readonly tested: ReadonlySet<string>,
    private readonly log: Logger,
  ) {
    for (const g of branchGroups(opts.chain.graph)) for (const r of g.revisions) this.branchOf.set(r, g.name);
    this.exclude = [bookkeeping(opts).table, LOG_TABLE, LOCK_TABLE];
  }

  async run(walk: readonly string[]): Promise<{ results: RevisionResult[]; rebuilds: number }> {
    this.driver = await this.database.open();
    try {
      for (const revision of walk) {
        if (this.opts.signal?.aborted) throw new CancelledError();
        const m = mustGet(this.opts.chain, revision);
        const blocker = this.blocker(m);
        if (blocker !== undefined) {
          this.broken.set(revision, blocker);
          if (this.tested.has(revision)) this.finish(m, performance.now(), [], 'skipped', `Not run: ${blocker} failed to upgrade.`);
          continue;
        }
        if (this.tested.has(revision)) await this.stair(m);
        else await this.upgradeOnly(m);
      }
      return { results: this.results, rebuilds: this.rebuilds };
    } finally {
      // undefined when a rebuild failed between closing the old connection and opening the new one
      await this.driver?.close();
    }
  }

  /** The first failed revision this one builds on. */
  private blocker(m: Migration): string | undefined {
    if (this.broken.size === 0) return undefined;
    const above = this.opts.chain.graph.ancestors(m.revision);
    for (const [revision, cause] of this.broken) if (above.has(revision)) return cause;
    return undefined;
  }

  private async upgradeOnly(m: Migration): Promise<void> {
    const before = this.heads;
    const after = this.opts.chain.graph.headsAfter('up', before, m.revision);
    this.log.info(`▲ ${m.revision}${m.message ? ` (${m.message})` : ''} (upgraded to reach the tested revisions)`);
    try {
      await this.current().upgrade(m, before, after);
    } catch (err) {
      stopOnRefusal(err);
      this.log.error(`${m.revision} failed to upgrade: ${err instanceof Error ? err.message : String(err)}`);
      this.broken.set(m.revision, m.revision);
      if (!m.transactional) await this.rebuild(before);
      return;
    }
    this.heads = after;
    this.snapshot = undefined;
  }

  private async stair(m: Migration): Promise<void> {
    const graph = this.opts.chain.graph;
    const t0 = performance.now();
    this.opts.onEvent?.({ kind: 'started', revision: m.revision });
    const failures: StairwayFailure[] = [];
    const parents = graph.parents(m.revision);
    const below = this.heads;
    const above = graph.headsAfter('up', below, m.revision);
    const beforeSnapshot = this.snapshot ?? (await this.read());

    // 1. upgrade
    try {
      await this.current().upgrade(m, below, above);
    } catch (err) {
      stopOnRefusal(err);
      failures.push(errorFailure('upgrade', m, err, `Upgrading to ${m.revision} failed`));
      this.broken.set(m.revision, m.revision);
      if (m.transactional) this.snapshot = beforeSnapshot;
      else await this.rebuild(below);
      return this.finish(m, t0, failures, 'failed');
    }
    this.heads = above;
    const upgraded = await this.read();
    this.snapshot = upgraded;
    await this.verify(m, failures, 'after the upgrade');

    if (m.irreversible) {
      return this.finish(m, t0, failures, failures.length ? 'failed' : 'irreversible', `Declared irreversible: ${m.irreversible.reason}`);
    }
    if (!canDowngrade(m)) {
      failures.push(undeclaredFailure(m));
      return this.finish(m, t0, failures, 'failed');
    }

    // 2. downgrade to the parents: the schema must be the parents' again
    try {
      await this.current().downgrade(m, above, below);
    } catch (err) {
      stopOnRefusal(err);
      failures.push(errorFailure('downgrade', m, err, `Downgrading ${m.revision} failed`));
      // A transactional downgrade was rolled back: the database is still at R.
      if (!m.transactional) await this.rebuild(above);
      return this.finish(m, t0, failures, 'failed');
    }
    this.heads = below;
    const downgraded = await this.read();
    const lost = diffSchemas(beforeSnapshot, downgraded);
    if (lost.length > 0) failures.push(await downgradeDiffFailure(m, lost, parents));

    // 3. upgrade again: the schema must be the first upgrade's again
    try {
      await this.current().upgrade(m, below, above);
    } catch (err) {
      stopOnRefusal(err);
      failures.push(errorFailure('re-upgrade', m, err, `Upgrading ${m.revision} again after its downgrade failed`));
      await this.rebuild(above);
      return this.finish(m, t0, failures, 'failed');
    }
    this.heads = above;
    const again = diffSchemas(upgraded, await this.read());
    if (again.length > 0) {
      failures.push(await reupgradeDiffFailure(m, again));
      // The next revisions must start from what the chain builds, not from this drifted state.
      await this.rebuild(above);
    }
    await this.verify(m, failures, 'after the downgrade and the second upgrade');
    return this.finish(m, t0, failures, failures.length ? 'failed' : 'passed');
  }

  private async verify(m: Migration, failures: StairwayFailure[], when: string): Promise<void> {
    const result = await runVerifyBlock(this.current().client, m);
    if (result && !result.ok) failures.push(verifyFailure(m, result, when));
  }

  private finish(m: Migration, t0: number, failures: StairwayFailure[], outcome: RevisionResult['outcome'], note?: string): void {
    const result: RevisionResult = {
      revision: m.revision, file: m.file, message: m.message, branch: this.branchOf.get(m.revision) ?? '',
      outcome, failures, durationMs: performance.now() - t0,
    };
    if (note !== undefined) result.note = note;
    this.results.push(result);
    const took = formatMs(result.durationMs);
    if (outcome === 'passed') this.log.info(`✔ ${m.revision} passed: upgrade, downgrade, upgrade again (${took})`);
    else if (outcome === 'irreversible') this.log.info(`• ${m.revision} upgraded; ${note} (${took})`);
    else if (outcome === 'skipped') this.log.warn(`○ ${m.revision} skipped: ${note}`);
    else {
      for (const f of failures) {
        const first = f.findings[0];
        const more = f.findings.length > 1 ? ` (+${f.findings.length - 1} more)` : '';
        this.log.error(`✘ ${m.revision} failed at ${f.step}: ${first ? `${first.message} (${first.location.file}:${first.location.line})${more}` : f.message}`);
      }
    }
    this.opts.onEvent?.({ kind: 'finished', result });
  }

  private read(): Promise<SchemaSnapshot> {
    return readSchema(this.current().client, this.opts.schema ?? 'public', { exclude: this.exclude });
  }

  private current(): StairwayDriver {
    if (!this.driver) throw new MigrationChainError('usage', 'The stairway scratch database is not open.');
    return this.driver;
  }

  /** A fresh scratch database upgraded to `heads` (the state the walk needs), without testing anything. */
  private async rebuild(heads: readonly string[]): Promise<void> {
    const graph = this.opts.chain.graph;
    const order = graph.upgradePlan([], [...heads]);
    await timedStep(this.log, `Rebuild the scratch database up to ${heads.join(', ') || 'base'} (${order.length} migration(s))`, async () => {
      await this.current().close();
      this.driver = undefined;
      await this.database.recreate();
      this.driver = await this.database.open();
      let current: string[] = [];
      for (const r of order) {
        const next = graph.headsAfter('up', current, r);
        await this.driver.upgrade(mustGet(this.opts.chain, r), current, next);
        current = next;
      }
    });
    this.rebuilds++;
    this.heads = [...heads];
    this.snapshot = undefined;
  }
}

function pickEngine(engines: readonly StairwayEngine[], migrations: readonly Migration[]): StairwayEngine {
  const engine = engines.find((e) => migrations.every((m) => e.runs(m)));
  if (engine) return engine;
  const stranded = migrations.find((m) => !engines.some((e) => e.runs(m))) ?? migrations[0];
  throw new MigrationChainError('usage',
    `The stairway cannot run ${stranded.revision} (${stranded.file}): no engine (${engines.map((e) => e.name).join(', ')}) runs ${stranded.format} migrations.`,
    formatSpec(stranded).stairway.hint);
}

function mustGet(chain: Chain, revision: string): Migration {
  const m = chain.graph.get(revision);
  if (!m) throw new MigrationChainError('chain', `The walk names ${revision}, which the chain does not define.`);
  return m;
}

/** env.py reached another database (alembic/run/connect-guard.ts): no revision's fault, the whole test stops. */
function stopOnRefusal(err: unknown): void {
  if (err instanceof WrongDatabaseError) throw err;
}
