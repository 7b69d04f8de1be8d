// What a lint rule is: an id, the severity it has on a large table (or one of unknown size), its
// docs page, and a check that looks at one analysed statement. One file per rule in this folder;
// the registry (./index.ts) lists them.
import type { Node } from 'libpg-query';
import type { StatementEffect } from '../effects';
import type { DatabaseFacts } from '../facts';
import type { LintFix, LintSeverity, LintStatement } from '../model';

export type { LintFix, LintSeverity };

export interface RuleInput {
  node: Node;
  effect: StatementEffect;
  statement: LintStatement;
  /** The database as the run leaves it after this statement (earlier statements applied; sizes unchanged). */
  facts: DatabaseFacts;
  /** The major version the rules reason with; `majorAssumed` when the server's is unknown. */
  major: number;
  majorAssumed: boolean;
  /** A lock_timeout is in force for this statement (set earlier in its migration, or by the runner). */
  lockTimeoutSet: boolean;
}

/** A safe rewrite of the statement: its text replaced by `replacement`. */
export interface RuleHit {
  /** The table at risk (`schema.table`); its size decides the severity of size-scaled rules. */
  relation?: string;
  message: string;
  fix?: LintFix;
  /** The hit's own severity, where the rule knows better than its default (require-lock-timeout on an empty table). */
  severity?: LintSeverity;
}

export interface LintRule {
  id: string;
  /** One line, shown in docs and SARIF. */
  title: string;
  /** Severity on a large table, or on one whose size is unknown. */
  severity: 'error' | 'warning';
  /** A note on a small table, a warning on a medium one, `severity` on a large one; never on a new one. */
  sizeScaled: boolean;
  check(input: RuleInput): RuleHit[];
  /**
   * Statements the rule must flag and must not flag, checked by test/unit/lint-rules.test.ts. They
   * run against a database holding `accounts (id bigint, email varchar(100), note text, plan_id int)`
   * and `plans (id int primary key)`, both with ten million rows, on the newest major unless a
   * `-- pg N` comment names one.
   */
  examples: { flagged: string[]; clean: string[] };
}
