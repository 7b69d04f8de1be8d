// A lock request waits behind every conflicting lock already held, and every later request on the
// table queues behind it: one ACCESS EXCLUSIVE waiting for a long query stops all traffic to the
// table. lock_timeout makes the migration give up instead.
import type { LintRule } from './rule';

export const requireLockTimeout: LintRule = {
  id: 'require-lock-timeout',
  title: 'A blocking lock is requested without lock_timeout',
  severity: 'warning',
  sizeScaled: false,
  check({ effect, lockTimeoutSet, statement, facts }) {
    if (lockTimeoutSet) return [];
    const blocking = effect.relations.find((r) => r.lock === 'ACCESS EXCLUSIVE' && facts.tables.get(r.relation)?.isNew !== true);
    if (!blocking) return [];
    const set = statement.transactional ? 'SET LOCAL' : 'SET';
    return [{
      relation: blocking.relation,
      message: `ACCESS EXCLUSIVE on ${blocking.relation} is requested without lock_timeout: while it waits behind a long query, every read and write of ${blocking.relation} queues behind it. Set lock_timeout first (or let the runner set it: --statement-lock-timeout / migrationChain.statementLockTimeoutSeconds).`,
      fix: { title: `Add ${set} lock_timeout before the statement`, replacement: `${set} lock_timeout = '5s';\n${statement.sql}` },
    }];
  },
  examples: {
    flagged: ['ALTER TABLE accounts ADD COLUMN note2 text', 'ALTER TABLE accounts DROP COLUMN note'],
    clean: ["SET LOCAL lock_timeout = '5s'; ALTER TABLE accounts ADD COLUMN note2 text", 'CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN b int'],
  },
};
