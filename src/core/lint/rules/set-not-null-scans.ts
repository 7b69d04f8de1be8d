// SET NOT NULL reads every row under ACCESS EXCLUSIVE, unless (since PostgreSQL 12) a valid
// CHECK (col IS NOT NULL) already proves it.
import type { LintRule } from './rule';
import { alterCommands, alterTableOf, defaultConstraintName, sqlName, writtenName } from './helpers';

export const setNotNullScans: LintRule = {
  id: 'set-not-null-scans',
  title: 'SET NOT NULL scans the table under ACCESS EXCLUSIVE',
  severity: 'error',
  sizeScaled: true,
  check({ node, effect, major, statement }) {
    const alter = alterTableOf(node);
    const cmds = alterCommands(node);
    const cmd = cmds.find((c) => c.subtype === 'AT_SetNotNull');
    const scanned = effect.relations.find((r) => r.scans);
    if (!alter?.relation || !cmd?.name || !scanned) return [];
    const column = cmd.name;
    const table = writtenName(alter.relation);
    const check = defaultConstraintName(alter.relation.relname ?? '', [column], 'not_null');
    const fix = major >= 12 && cmds.length === 1 ? {
      title: 'Prove NOT NULL with a CHECK first (added NOT VALID, validated separately)',
      replacement: [
        `ALTER TABLE ${table} ADD CONSTRAINT ${sqlName(check)} CHECK (${sqlName(column)} IS NOT NULL) NOT VALID`,
        `ALTER TABLE ${table} VALIDATE CONSTRAINT ${sqlName(check)}`,
        statement.sql.trimEnd(),
        `ALTER TABLE ${table} DROP CONSTRAINT ${sqlName(check)}`,
      ].join(';\n'),
      nonTransactional: statement.transactional,
    } : undefined;
    const how = major >= 12
      ? 'Add CHECK (… IS NOT NULL) NOT VALID, VALIDATE it in a separate transaction, then SET NOT NULL skips the scan.'
      : 'Before PostgreSQL 12 a CHECK constraint does not spare the scan; run it when the table is quiet.';
    return [{
      relation: scanned.relation,
      message: `SET NOT NULL on ${scanned.relation}.${column} takes ACCESS EXCLUSIVE and reads every row to check it: reads and writes wait. ${how}`,
      ...(fix ? { fix } : {}),
    }];
  },
  examples: {
    flagged: ['ALTER TABLE accounts ALTER COLUMN email SET NOT NULL'],
    clean: [
      'ALTER TABLE accounts ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID; ALTER TABLE accounts VALIDATE CONSTRAINT c; ALTER TABLE accounts ALTER COLUMN email SET NOT NULL',
    ],
  },
};
