// For the upgrade confirmation: the pending statements that take a blocking lock on a large table
// of the target database, one line each, so the person confirming sees them before anything runs.
import type { Chain } from '../chain/chain';
import { describeRelationEffect } from './describe';
import { factsFor, lintRevisions } from './chain';
import { LARGE_BYTES, LARGE_ROWS } from './lint';
import * as path from 'node:path';

export async function largeTableLocks(chain: Chain, revisions: readonly string[], url: string): Promise<string[]> {
  const facts = await factsFor({ url });
  const result = await lintRevisions(chain, revisions, facts);
  const lines: string[] = [];
  for (const s of result.statements) {
    for (const r of s.effect?.relations ?? []) {
      const t = facts.tables.get(r.relation);
      if (!t || t.isNew || (t.rows < LARGE_ROWS && t.bytes < LARGE_BYTES) || r.lock === 'ACCESS SHARE' || r.lock === 'ROW SHARE' || r.lock === 'ROW EXCLUSIVE') continue;
      lines.push(`${path.basename(s.statement.file)}:${s.statement.line}  ${describeRelationEffect(r, facts)}`);
    }
  }
  return lines;
}
