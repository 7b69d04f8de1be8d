// ADD FOREIGN KEY without NOT VALID takes SHARE ROW EXCLUSIVE on both tables and checks every row
// while holding it: writes to both tables wait for the scan.
import type { LintRule } from './rule';
import { alterCommands, alterTableOf, constraintOf, defaultConstraintName, nameConstraintInText, sqlName, writtenName } from './helpers';

export const foreignKeyValidates: LintRule = {
  id: 'foreign-key-validates',
  title: 'ADD FOREIGN KEY without NOT VALID scans the table while blocking writes to both tables',
  severity: 'error',
  sizeScaled: true,
  check({ node, effect, statement }) {
    const alter = alterTableOf(node);
    const cmds = alterCommands(node);
    const fks = cmds.map(constraintOf).filter((c) => c?.contype === 'CONSTR_FOREIGN' && !c.skip_validation);
    const scanned = effect.relations.find((r) => r.scans && r.lock === 'SHARE ROW EXCLUSIVE');
    if (!alter?.relation || fks.length === 0 || !scanned) return [];
    const fk = fks[0]!;
    const referenced = effect.relations.find((r) => r.relation !== scanned.relation)?.relation ?? 'the referenced table';
    let fix;
    if (cmds.length === 1) {
      const name = fk.conname ?? defaultConstraintName(alter.relation.relname ?? '', (fk.fk_attrs ?? []).map((a) => ('String' in a ? a.String.sval ?? '' : '')), 'fkey');
      const named = fk.conname ? statement.sql : nameConstraintInText(statement.sql, name);
      if (named) {
        fix = {
          title: 'Add the foreign key NOT VALID, then VALIDATE it in its own transaction',
          replacement: `${named.trimEnd()} NOT VALID;\nALTER TABLE ${writtenName(alter.relation)} VALIDATE CONSTRAINT ${sqlName(name)}`,
          nonTransactional: statement.transactional,
        };
      }
    }
    return [{
      relation: scanned.relation,
      message: `ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on ${scanned.relation} and ${referenced} and checks every row while holding it: writes to both wait. Add it NOT VALID, then VALIDATE CONSTRAINT in a separate transaction (SHARE UPDATE EXCLUSIVE: writes go on).`,
      ...(fix ? { fix } : {}),
    }];
  },
  examples: {
    flagged: [
      'ALTER TABLE accounts ADD CONSTRAINT accounts_plan_fk FOREIGN KEY (plan_id) REFERENCES plans (id)',
      'ALTER TABLE accounts ADD FOREIGN KEY (plan_id) REFERENCES plans (id)',
    ],
    clean: [
      'ALTER TABLE accounts ADD CONSTRAINT accounts_plan_fk FOREIGN KEY (plan_id) REFERENCES plans (id) NOT VALID',
      'CREATE TABLE t (a int); ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES plans (id)',
    ],
  },
};
