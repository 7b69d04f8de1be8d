// ADD COLUMN is instant when the default can be stored once in the catalog (PostgreSQL 11+, a
// non-volatile default). A volatile default, serial, identity or stored generated column needs a
// value per row: the whole table is rewritten under ACCESS EXCLUSIVE.
import type { LintRule } from './rule';
import { alterCommands } from './helpers';

export const addColumnRewrites: LintRule = {
  id: 'add-column-rewrites',
  title: 'ADD COLUMN with a volatile default, serial, identity or stored generated column rewrites the table',
  severity: 'error',
  sizeScaled: true,
  check({ node, effect, major }) {
    if (!alterCommands(node).some((c) => c.subtype === 'AT_AddColumn')) return [];
    const rewritten = effect.relations.find((r) => r.rewrites);
    if (!rewritten) return [];
    const why = major < 11
      ? 'before PostgreSQL 11 any non-null default is written into every row'
      : 'the new column needs a value computed per row (volatile default, serial/identity, or stored generated)';
    return [{
      relation: rewritten.relation,
      message: `ADD COLUMN rewrites ${rewritten.relation} under ACCESS EXCLUSIVE: ${why}. Add the column without that default, set the default for new rows, and backfill existing rows in batches.`,
    }];
  },
  examples: {
    flagged: [
      'ALTER TABLE accounts ADD COLUMN token uuid DEFAULT gen_random_uuid()',
      'ALTER TABLE accounts ADD COLUMN seq bigserial',
      'ALTER TABLE accounts ADD COLUMN lower_email text GENERATED ALWAYS AS (lower(email)) STORED',
    ],
    clean: [
      "ALTER TABLE accounts ADD COLUMN status text NOT NULL DEFAULT 'active'",
      'ALTER TABLE accounts ADD COLUMN created_at timestamptz DEFAULT now()',
      'ALTER TABLE accounts ADD COLUMN note2 text',
    ],
  },
};
