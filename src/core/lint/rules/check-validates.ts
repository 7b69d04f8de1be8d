// ADD CHECK without NOT VALID takes ACCESS EXCLUSIVE and checks every row while holding it: the
// table can be neither read nor written until the scan ends.
import type { LintRule } from './rule';
import { alterCommands, alterTableOf, constraintOf, sqlName, writtenName } from './helpers';

export const checkValidates: LintRule = {
  id: 'check-validates',
  title: 'ADD CHECK without NOT VALID scans the table under ACCESS EXCLUSIVE',
  severity: 'error',
  sizeScaled: true,
  check({ node, effect, statement }) {
    const alter = alterTableOf(node);
    const cmds = alterCommands(node);
    const checks = cmds.map(constraintOf).filter((c) => c?.contype === 'CONSTR_CHECK' && !c.skip_validation);
    const scanned = effect.relations.find((r) => r.scans);
    if (!alter?.relation || checks.length === 0 || !scanned) return [];
    const name = checks[0]!.conname;
    const fix = cmds.length === 1 && name ? {
      title: 'Add the CHECK NOT VALID, then VALIDATE it in its own transaction',
      replacement: `${statement.sql.trimEnd()} NOT VALID;\nALTER TABLE ${writtenName(alter.relation)} VALIDATE CONSTRAINT ${sqlName(name)}`,
      nonTransactional: statement.transactional,
    } : undefined;
    return [{
      relation: scanned.relation,
      message: `ADD CHECK takes ACCESS EXCLUSIVE on ${scanned.relation} and checks every row while holding it: reads and writes wait. Add it NOT VALID, then VALIDATE CONSTRAINT in a separate transaction.`,
      ...(fix ? { fix } : {}),
    }];
  },
  examples: {
    flagged: ['ALTER TABLE accounts ADD CONSTRAINT accounts_email_check CHECK (email <> \'\')'],
    clean: ['ALTER TABLE accounts ADD CONSTRAINT accounts_email_check CHECK (email <> \'\') NOT VALID'],
  },
};
