// Commands whose whole purpose is to copy the table (VACUUM FULL, CLUSTER, SET TABLESPACE, SET
// LOGGED/UNLOGGED, SET ACCESS METHOD, REFRESH MATERIALIZED VIEW) hold ACCESS EXCLUSIVE while they copy.
import type { LintRule } from './rule';
import { alterCommands } from './helpers';

export const tableRewrite: LintRule = {
  id: 'table-rewrite',
  title: 'VACUUM FULL, CLUSTER, SET TABLESPACE/LOGGED/UNLOGGED or REFRESH MATERIALIZED VIEW copies the table under ACCESS EXCLUSIVE',
  severity: 'error',
  sizeScaled: true,
  check({ node, effect }) {
    const copying = 'VacuumStmt' in node || 'ClusterStmt' in node || 'RefreshMatViewStmt' in node
      || alterCommands(node).some((c) => ['AT_SetTableSpace', 'AT_SetLogged', 'AT_SetUnLogged', 'AT_SetAccessMethod'].includes(c.subtype ?? ''));
    const rewritten = effect.relations.find((r) => r.rewrites);
    if (!copying || !rewritten) return [];
    const refresh = 'RefreshMatViewStmt' in node
      ? ' Use REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index): reads go on.'
      : ' Run it outside the migration chain in a maintenance window, or use an online tool (pg_repack).';
    return [{
      relation: rewritten.relation,
      message: `${effect.command} copies ${rewritten.relation} under ACCESS EXCLUSIVE: reads and writes wait until the copy ends.${refresh}`,
    }];
  },
  examples: {
    flagged: ['CLUSTER accounts USING accounts_pkey', 'ALTER TABLE accounts SET UNLOGGED'],
    clean: ['VACUUM accounts', 'ALTER TABLE accounts SET (fillfactor = 90)'],
  },
};
