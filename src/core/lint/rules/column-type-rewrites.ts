// ALTER COLUMN … TYPE rewrites the table (and rebuilds its indexes) under ACCESS EXCLUSIVE unless
// the new type is binary-compatible with the old one (varchar widening, varchar → text, …).
import type { LintRule } from './rule';
import { alterCommands } from './helpers';

export const columnTypeRewrites: LintRule = {
  id: 'column-type-rewrites',
  title: 'ALTER COLUMN TYPE rewrites the table under ACCESS EXCLUSIVE',
  severity: 'error',
  sizeScaled: true,
  check({ node, effect }) {
    if (!alterCommands(node).some((c) => c.subtype === 'AT_AlterColumnType')) return [];
    const rewritten = effect.relations.find((r) => r.rewrites);
    if (!rewritten) return [];
    return [{
      relation: rewritten.relation,
      message: `ALTER COLUMN … TYPE rewrites ${rewritten.relation} and rebuilds its indexes under ACCESS EXCLUSIVE: reads and writes wait until it ends. Add a new column, backfill it in batches, and switch over; or choose a binary-compatible type (varchar(n) → varchar(m ≥ n) or text).`,
    }];
  },
  examples: {
    flagged: ['ALTER TABLE accounts ALTER COLUMN id TYPE numeric', 'ALTER TABLE accounts ALTER COLUMN email TYPE varchar(50)'],
    clean: ['ALTER TABLE accounts ALTER COLUMN email TYPE varchar(200)', 'ALTER TABLE accounts ALTER COLUMN email TYPE text'],
  },
};
