// UPDATE or DELETE without WHERE touches every row in one transaction: every row stays locked
// until the migration commits, and the table bloats by its own size.
import type { LintRule } from './rule';

export const fullTableUpdate: LintRule = {
  id: 'full-table-update',
  title: 'UPDATE or DELETE without WHERE locks every row until the migration commits',
  severity: 'error',
  sizeScaled: true,
  check({ node, effect }) {
    if (!('UpdateStmt' in node) && !('DeleteStmt' in node)) return [];
    const target = effect.relations.find((r) => r.lock === 'ROW EXCLUSIVE' && r.scans);
    if (!target) return [];
    return [{
      relation: target.relation,
      message: `${effect.command} without WHERE changes every row of ${target.relation} in one transaction: each row stays locked (other writers wait) until the migration commits. Backfill in batches outside the schema migration.`,
    }];
  },
  examples: {
    flagged: ["UPDATE accounts SET note = ''"],
    clean: ["UPDATE accounts SET note = '' WHERE id = 1", "CREATE TABLE t (a int); UPDATE t SET a = 1"],
  },
};
