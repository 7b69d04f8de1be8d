// `revision --from-database -m MSG`: the next native revision, written from what someone changed in
// their dev database. The chain's head is built on a scratch database (the drift check's machinery),
// the diff engine gives the SQL from the head to the dev database (upgrade) and back (downgrade),
// and before anything is written the pair is rehearsed on that scratch database: the upgrade must
// give exactly the dev database's catalog snapshot and the downgrade the head's again. When it does
// not (something the engine cannot express, or expresses wrongly) the revision is refused with the
// differences as the reason: never a file that silently does something else. Nothing is applied to
// the dev database; the scratch database is always dropped.
import { readFile } from 'node:fs/promises';
import type { Client } from 'pg';
import { loadChain } from '../chain/load';
import type { Chain } from '../chain/chain';
import { bookkeeping, LOG_TABLE, type VersionTableOptions } from '../db/bookkeeping';
import { connect, parseDatabaseUrl, withConnection, type DatabaseTarget } from '../db/client';
import { withScratchDatabase } from '../db/scratch-database';
import { readHeads } from '../db/version-table';
import { buildHeadsInScratch } from '../drift/drift';
import { CancelledError, GenerationRefusedError, MigrationChainError, TargetError } from '../errors';
import { silentLogger, timedStep, type Logger } from '../log';
import { assertRunnable } from '../run/plan';
import { sqlFromAlembic } from '../chain/formats';
import { diffSchemas, type SchemaDiffEntry } from '../schema/diff';
import { readSchema, type SchemaSnapshot } from '../schema/snapshot';
import { writeMigration, type CreatedRevision } from './create-revision';
import { DATA_LOSS_MARK, markDataLoss, tableShapes, type DataLossMark } from './data-loss';
import { commentChanges, completeSequences } from './engine-supplements';
import { schemaChanges } from './schema-diff-engine';

export interface RevisionFromDatabaseOptions extends VersionTableOptions {
  /** The chain's folder. */
  dir: string;
  /** The dev database: read only. */
  url: string;
  message: string;
  /** Default `public`. */
  schema?: string;
  logger?: Logger;
  signal?: AbortSignal;
}

export interface GeneratedRevision extends CreatedRevision {
  parents: string[];
  upgrade: string[];
  downgrade: string[];
  /** The upgrade's statements that lose data, with their file line (below the `-- data-loss:` comment). */
  dataLoss: (DataLossMark & { line: number; statement: string })[];
  /** The dev database, password masked. */
  target: DatabaseTarget;
  durationMs: number;
}


const APPLICATION_NAME = 'migration-chain (revision from database)';

export async function revisionFromDatabase(opts: RevisionFromDatabaseOptions): Promise<GeneratedRevision> {
  const started = performance.now();
  const log = opts.logger ?? silentLogger;
  const schema = opts.schema ?? 'public';
  const target = parseDatabaseUrl(opts.url);
  const bk = bookkeeping(opts);
  const exclude = [bk.table, LOG_TABLE];
  const chain = await loadChain(opts.dir);
  assertRunnable(chain);
  assertNative(chain);
  const parents = chain.graph.heads;
  if (parents.length > 1) {
    throw new TargetError('head', `Multiple heads are present (${parents.join(', ')}); a new revision needs one parent`,
      'Merge the heads first (`migration-chain merge`), then generate the revision.');
  }

  const dev = await connect(opts.url, { applicationName: APPLICATION_NAME });
  try {
    const recorded = await readHeads(dev, bk);
    if (recorded.join(',') !== [...parents].sort().join(',')) {
      throw new MigrationChainError('usage',
        `${target.display} is at ${recorded.length ? recorded.join(', ') : 'base (no revision recorded)'}, not at the chain's head ${parents[0] ?? 'base'}: `
        + 'the new revision would also contain (or undo) the revisions in between.',
        'Upgrade the dev database to head first (`migration-chain upgrade`), then make your change and generate again.');
    }
    const wanted = await timedStep(log, `Read the schema "${schema}" of ${target.database}`, () => readSnapshot(dev, schema, exclude));

    return await withScratchDatabase({
      url: opts.url, purpose: 'revision', needs: 'Generating a revision from the database', applicationName: APPLICATION_NAME, logger: log,
    }, async (scratchUrl, scratchName) => {
      throwIfAborted(opts.signal);
      await timedStep(log, `Build the chain up to ${parents[0] ?? 'base'} in ${scratchName}`,
        () => buildHeadsInScratch({ ...opts, chain }, scratchUrl, parents, log));
      return withConnection(scratchUrl, { applicationName: APPLICATION_NAME }, async (scratch) => {
        const head = await readSnapshot(scratch, schema, exclude);
        if (diffSchemas(head, wanted).length === 0) {
          throw new MigrationChainError('usage', `No changes: the schema "${schema}" of ${target.display} is what the chain builds up to ${parents[0] ?? 'base'}.`,
            'Change the dev database first (psql, a GUI), then generate the revision.');
        }
        const ownTables = new Set(exclude);
        const upgrade = await timedStep(log, 'Diff the head against the dev database',
          () => schemaChanges(scratch, dev, schema)).then((s) => supplemented(withoutBookkeeping(s, ownTables), head, wanted));
        const downgrade = await timedStep(log, 'Diff the dev database against the head',
          () => schemaChanges(dev, scratch, schema)).then((s) => supplemented(withoutBookkeeping(s, ownTables), wanted, head));
        throwIfAborted(opts.signal);
        await timedStep(log, `Rehearse the upgrade and the downgrade in ${scratchName}`,
          () => rehearse(scratch, { schema, exclude, upgrade, downgrade, head, wanted }));

        const marks = markDataLoss(upgrade, columnTypes(head), tableShapes(downgrade));
        const downMarks = markDataLoss(downgrade, columnTypes(wanted), tableShapes(upgrade));
        const upText = renderSection(upgrade, marks);
        const created = await writeMigration(opts.dir, chain, opts.message, parents, undefined, undefined,
          { upgrade: upText.text, downgrade: renderSection(downgrade, downMarks).text });
        const upgradeFirstLine = await upgradeSectionLine(created.file);
        return {
          ...created,
          parents: [...parents],
          upgrade,
          downgrade,
          dataLoss: marks.map((m) => ({ ...m, statement: upgrade[m.index], line: upgradeFirstLine + upText.lines[m.index] })),
          target,
          durationMs: performance.now() - started,
        };
      });
    });
  } finally {
    await dev.end().catch(() => {});
  }
}

function assertNative(chain: Chain): void {
  if (chain.migrations.some(sqlFromAlembic)) {
    throw new MigrationChainError('usage', `The chain in ${chain.dir} has Alembic revisions; a revision is generated from the database for native chains only.`,
      'For an Alembic project use `migration-chain revision --autogenerate -m MSG` (Alembic compares the models with the database).');
  }
}

async function readSnapshot(client: Pick<Client, 'query'>, schema: string, exclude: string[]): Promise<SchemaSnapshot> {
  return readSchema(client, schema, { exclude, comments: true, privileges: true });
}

/** The tool's own tables are on both sides; a difference in them (an older audit log) is not the user's change. */
function withoutBookkeeping(statements: string[], tables: ReadonlySet<string>): string[] {
  return statements.filter((s) => ![...tables].some((t) => s.includes(`"${t}"`) || new RegExp(`\\b${t}\\b`).test(s)));
}

/** The engine's statements with what it leaves out (engine-supplements.ts). */
function supplemented(statements: string[], from: SchemaSnapshot, to: SchemaSnapshot): string[] {
  return [...completeSequences(statements, to), ...commentChanges(from, to)];
}

interface RehearsalInput {
  schema: string;
  exclude: string[];
  upgrade: readonly string[];
  downgrade: readonly string[];
  head: SchemaSnapshot;
  wanted: SchemaSnapshot;
}

/**
 * Runs the upgrade on the scratch head build and compares with the dev database, then the downgrade
 * and compares with the head. Every way this fails refuses the revision, naming what differs.
 */
async function rehearse(scratch: Client, r: RehearsalInput): Promise<void> {
  await runAll(scratch, r.upgrade, 'upgrade');
  const afterUp = await readSnapshot(scratch, r.schema, r.exclude);
  const upDiff = diffSchemas(r.wanted, afterUp);
  if (upDiff.length) {
    throw new GenerationRefusedError(upDiff.map((e) => describeEntry(e, 'the dev database', 'the generated upgrade')),
      `The diff engine cannot express this change: after its upgrade the schema still differs from the dev database in ${upDiff.length} place(s).`);
  }
  await runAll(scratch, r.downgrade, 'downgrade');
  const afterDown = await readSnapshot(scratch, r.schema, r.exclude);
  const downDiff = diffSchemas(r.head, afterDown);
  if (downDiff.length) {
    throw new GenerationRefusedError(downDiff.map((e) => describeEntry(e, 'the head', 'the generated downgrade')),
      `The diff engine cannot reverse this change: after its downgrade the schema differs from the head in ${downDiff.length} place(s).`);
  }
}

async function runAll(client: Client, statements: readonly string[], section: 'upgrade' | 'downgrade'): Promise<void> {
  for (const [i, s] of statements.entries()) {
    try {
      await client.query(s);
    } catch (err) {
      const e = err as { message?: string; code?: string };
      throw new GenerationRefusedError([`statement ${i + 1} of the generated ${section}: ${oneLine(s)}: ${e.message ?? String(err)}${e.code ? ` [${e.code}]` : ''}`],
        `The diff engine's ${section} fails on the server.`);
    }
  }
}

function describeEntry(e: SchemaDiffEntry, expectedName: string, actualName: string): string {
  switch (e.change) {
    case 'missing': return `${e.kind} ${e.name}: in ${expectedName}, not made by ${actualName}`;
    case 'extra': return `${e.kind} ${e.name}: left by ${actualName}, not in ${expectedName}`;
    case 'changed': return `${e.kind} ${e.name}: ${expectedName} has ${oneLine(e.expected ?? '')}, ${actualName} gives ${oneLine(e.actual ?? '')}`;
  }
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}

function columnTypes(s: SchemaSnapshot): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of s.tables) for (const c of t.columns) out.set(`${t.name}.${c.name}`, c.type);
  return out;
}

/** The section's text, statements separated by a blank line, each mark as a comment above its statement; `lines[i]` is statement i's line offset in it. */
function renderSection(statements: readonly string[], marks: readonly DataLossMark[]): { text: string; lines: number[] } {
  const byIndex = new Map(marks.map((m) => [m.index, m.reason]));
  const out: string[] = [];
  const lines: number[] = [];
  statements.forEach((s, i) => {
    if (i > 0) out.push('');
    const reason = byIndex.get(i);
    if (reason !== undefined) out.push(`${DATA_LOSS_MARK} ${reason}`);
    lines.push(out.length);
    out.push(...`${s};`.split('\n'));
  });
  return { text: out.join('\n'), lines };
}

/** The 1-based line after `-- migrate:upgrade` in the written file. */
async function upgradeSectionLine(file: string): Promise<number> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  return lines.findIndex((l) => l.trim() === '-- migrate:upgrade') + 2;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

