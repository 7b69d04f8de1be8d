// CREATE INDEX without CONCURRENTLY holds SHARE on the table for the whole build: every INSERT,
// UPDATE and DELETE waits until the index is complete.
import type { LintRule } from './rule';

export const requireConcurrentIndex: LintRule = {
  id: 'require-concurrent-index',
  title: 'CREATE INDEX without CONCURRENTLY blocks writes for the whole build',
  severity: 'error',
  sizeScaled: true,
  check({ node, effect, statement }) {
    if (!('IndexStmt' in node) || node.IndexStmt.concurrent || !node.IndexStmt.relation) return [];
    const target = effect.relations.find((r) => r.lock === 'SHARE');
    if (!target) return [];
    const replacement = statement.sql.replace(/^(\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+)/i, '$1CONCURRENTLY ');
    return [{
      relation: target.relation,
      message: `CREATE INDEX takes SHARE on ${target.relation} and holds it while it reads every row: writes wait for the whole build. Use CREATE INDEX CONCURRENTLY in a non-transactional migration.`,
      ...(replacement !== statement.sql ? {
        fix: { title: 'Use CREATE INDEX CONCURRENTLY (and mark the migration non-transactional)', replacement, nonTransactional: true },
      } : {}),
    }];
  },
  examples: {
    flagged: ['CREATE INDEX accounts_email_idx ON accounts (email)', 'CREATE UNIQUE INDEX ON accounts (email)'],
    clean: ['CREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email)', 'CREATE TABLE t (a int); CREATE INDEX t_a_idx ON t (a)'],
  },
};
