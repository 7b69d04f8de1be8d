// DETACH PARTITION takes ACCESS EXCLUSIVE on the partitioned table; since PostgreSQL 14,
// DETACH PARTITION … CONCURRENTLY needs only SHARE UPDATE EXCLUSIVE (outside a transaction block).
import type { LintRule } from './rule';
import { alterCommands } from './helpers';

export const detachPartitionConcurrently: LintRule = {
  id: 'detach-partition-concurrently',
  title: 'DETACH PARTITION without CONCURRENTLY blocks the whole partitioned table',
  severity: 'warning',
  sizeScaled: false,
  check({ node, effect, major, statement }) {
    const cmd = alterCommands(node).find((c) => c.subtype === 'AT_DetachPartition');
    const pc = cmd?.def && 'PartitionCmd' in cmd.def ? cmd.def.PartitionCmd : undefined;
    if (!pc || pc.concurrent) return [];
    const parent = effect.relations[0];
    if (!parent) return [];
    const replacement = statement.sql.replace(/\s*$/, ' CONCURRENTLY');
    return [{
      relation: parent.relation,
      message: major >= 14
        ? `DETACH PARTITION takes ACCESS EXCLUSIVE on ${parent.relation}: queries on every partition wait. Since PostgreSQL 14, DETACH PARTITION … CONCURRENTLY takes SHARE UPDATE EXCLUSIVE (it cannot run in a transaction block).`
        : `DETACH PARTITION takes ACCESS EXCLUSIVE on ${parent.relation}; CONCURRENTLY needs PostgreSQL 14.`,
      ...(major >= 14 ? { fix: { title: 'Use DETACH PARTITION … CONCURRENTLY (and mark the migration non-transactional)', replacement, nonTransactional: true } } : {}),
    }];
  },
  examples: {
    flagged: ['ALTER TABLE accounts DETACH PARTITION accounts_2020'],
    clean: ['ALTER TABLE accounts DETACH PARTITION accounts_2020 CONCURRENTLY'],
  },
};
