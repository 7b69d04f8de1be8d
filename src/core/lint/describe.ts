// One-line summaries of an analysed statement, for the CodeLens, the hover and the confirmation:
// "locks prospects ACCESS EXCLUSIVE · blocks reads and writes · ~1.2M rows · rewrites".
import type { RelationEffect, StatementEffect } from './effects';
import type { DatabaseFacts } from './facts';
import { blocks, lockRank } from './locks';

/** The relation most at risk: the strongest lock, then the biggest table. */
export function riskiestRelation(effect: StatementEffect, facts?: DatabaseFacts): RelationEffect | undefined {
  return [...effect.relations].sort((a, b) =>
    lockRank(b.lock) - lockRank(a.lock) || (facts?.tables.get(b.relation)?.rows ?? 0) - (facts?.tables.get(a.relation)?.rows ?? 0))[0];
}

export function describeRelationEffect(r: RelationEffect, facts?: DatabaseFacts): string {
  const parts = [`locks ${shortName(r.relation, facts)} ${r.lock}`, `blocks ${blocks(r.lock)}`];
  const t = facts?.tables.get(r.relation);
  if (t?.isNew) parts.push('new table');
  else if (t) parts.push(`~${formatCount(Math.max(t.rows, 0))} rows`);
  if (r.rewrites) parts.push('rewrites');
  else if (r.scans) parts.push('scans');
  return parts.join(' · ');
}

export function describeEffect(effect: StatementEffect, facts?: DatabaseFacts): string | undefined {
  const r = riskiestRelation(effect, facts);
  return r ? describeRelationEffect(r, facts) : undefined;
}

/** `public.accounts` → `accounts` in the default schema. */
function shortName(relation: string, facts?: DatabaseFacts): string {
  const prefix = `${facts?.defaultSchema ?? 'public'}.`;
  return relation.startsWith(prefix) ? relation.slice(prefix.length) : relation;
}

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1).replace(/\.0$/, '')}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1).replace(/\.0$/, '')}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1).replace(/\.0$/, '')}k`;
  return String(Math.round(n));
}
