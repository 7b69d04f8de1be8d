// ADD PRIMARY KEY / UNIQUE builds its index while holding ACCESS EXCLUSIVE. Building the index
// CONCURRENTLY first and attaching it with USING INDEX keeps the exclusive lock short.
import type { LintRule } from './rule';
import { alterCommands, constraintOf } from './helpers';

export const uniqueBuildsIndex: LintRule = {
  id: 'unique-builds-index',
  title: 'ADD PRIMARY KEY or UNIQUE builds an index under ACCESS EXCLUSIVE',
  severity: 'error',
  sizeScaled: true,
  check({ node, effect }) {
    const con = alterCommands(node).map(constraintOf)
      .find((c) => (c?.contype === 'CONSTR_PRIMARY' || c?.contype === 'CONSTR_UNIQUE') && !c.indexname);
    const scanned = effect.relations.find((r) => r.scans);
    if (!con || !scanned) return [];
    const kind = con.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE';
    return [{
      relation: scanned.relation,
      message: `ADD ${kind} builds its index on ${scanned.relation} under ACCESS EXCLUSIVE: reads and writes wait for the build. Build it with CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … ${kind} USING INDEX.`,
    }];
  },
  examples: {
    flagged: ['ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE (email)', 'ALTER TABLE accounts ADD PRIMARY KEY (id)'],
    clean: ['ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE USING INDEX accounts_email_idx'],
  },
};
