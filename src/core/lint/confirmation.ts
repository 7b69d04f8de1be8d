// For the upgrade confirmation: the pending statements that take a blocking lock on a large table
// of the target database, one line each, so the person confirming sees them before anything runs.
// The CLI prompt and the editor's modal print the same block (largeTableLocksBlock).
import type { Chain } from '../chain/chain';
import type { OfflineAlembic } from './alembic-offline';
import { describeRelationEffect, formatCount } from './describe';
import { factsFor, lintRevisions } from './chain';
import { isLargeTable, LARGE_BYTES, LARGE_ROWS } from './lint';
import * as path from 'node:path';

/** `alembic`: how to start an Alembic project's Alembic, so that its `.py` revisions count too (see lintRevisions). */
export async function largeTableLocks(chain: Chain, revisions: readonly string[], url: string, alembic?: () => OfflineAlembic | Promise<OfflineAlembic>): Promise<string[]> {
  const facts = await factsFor({ url });
  // Sizes come only from the database (tables the chain creates start empty): with no large table
  // there, no line is possible, and reading the pending revisions is skipped — for an Alembic
  // project that is a whole offline Alembic process before the real run (`upgrade --yes`).
  if (![...facts.tables.values()].some(isLargeTable)) return [];
  const result = await lintRevisions(chain, revisions, facts, alembic);
  const lines: string[] = [];
  for (const s of result.statements) {
    for (const r of s.effect?.relations ?? []) {
      const t = facts.tables.get(r.relation);
      if (!t || t.isNew || !isLargeTable(t) || r.lock === 'ACCESS SHARE' || r.lock === 'ROW SHARE' || r.lock === 'ROW EXCLUSIVE') continue;
      lines.push(`${path.basename(s.statement.file)}:${s.statement.line}  ${describeRelationEffect(r, facts)}`);
    }
  }
  return lines;
}

/** A modal or a terminal has room for a few lines; the rest are counted. */
export const LOCK_LINES_SHOWN = 10;

/** The heading (with the size threshold) and the first lines of `largeTableLocks`. */
export function largeTableLocksBlock(lines: readonly string[]): string {
  const shown = lines.slice(0, LOCK_LINES_SHOWN).map((l) => `  ${l}`);
  const more = lines.length > LOCK_LINES_SHOWN ? [`  … and ${lines.length - LOCK_LINES_SHOWN} more (migration-chain lint --pending lists them all)`] : [];
  return [`Blocking locks on large tables (≥ ${formatCount(LARGE_ROWS)} rows or ${LARGE_BYTES / 1024 ** 3} GB):`, ...shown, ...more].join('\n');
}
