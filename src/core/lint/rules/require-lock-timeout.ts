// A lock request waits behind every conflicting lock already held, and every later request on the
// table queues behind it: one ACCESS EXCLUSIVE waiting for a long query stops all traffic to the
// table. lock_timeout makes the migration give up instead.
//
// Which tables count (docs/lock-risk-lint.md, "require-lock-timeout and empty tables"): a table the
// pending run created is invisible or unused, so no finding; a table the connected database's
// catalog shows empty (no page: nothing was ever stored in it) is a note, not a warning — the lock is
// held for no time, and it still queues traffic only if something already holds a lock on an empty
// table; any other table, or one of unknown size (no database connected), is a warning.
import type { LintRule } from './rule';

export const requireLockTimeout: LintRule = {
  id: 'require-lock-timeout',
  title: 'A blocking lock is requested without lock_timeout',
  severity: 'warning',
  sizeScaled: false,
  check({ effect, lockTimeoutSet, statement }) {
    if (lockTimeoutSet) return [];
    // `known` is what the facts said before this statement (a DROP or RENAME has changed them since).
    const locked = effect.relations.filter((r) => r.lock === 'ACCESS EXCLUSIVE' && r.known !== 'new');
    if (!locked.length) return [];
    // The statement is as risky as its riskiest table: a warning unless every one is known empty.
    const blocking = locked.find((r) => r.known !== 'empty');
    const relation = (blocking ?? locked[0]).relation;
    const set = statement.transactional ? 'SET LOCAL' : 'SET';
    const fix = { title: `Add ${set} lock_timeout before the statement`, replacement: `${set} lock_timeout = '5s';\n${statement.sql}` };
    if (!blocking) {
      return [{
        relation, severity: 'info', fix,
        message: `ACCESS EXCLUSIVE on ${relation} is requested without lock_timeout; the table is empty in the catalog, so the lock is held for no time, but while it waits behind a session already using ${relation}, later queries on it queue behind it. Set lock_timeout first if ${relation} is in use.`,
      }];
    }
    return [{
      relation, fix,
      message: `ACCESS EXCLUSIVE on ${relation} is requested without lock_timeout: while it waits behind a long query, every read and write of ${relation} queues behind it. Set lock_timeout first (or let the runner set it: --statement-lock-timeout / migrationChain.statementLockTimeoutSeconds).`,
    }];
  },
  examples: {
    flagged: ['ALTER TABLE accounts ADD COLUMN note2 text', 'ALTER TABLE accounts DROP COLUMN note'],
    clean: ["SET LOCAL lock_timeout = '5s'; ALTER TABLE accounts ADD COLUMN note2 text", 'CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN b int'],
  },
};
