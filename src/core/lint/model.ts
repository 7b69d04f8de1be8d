// The linter's input and output. Input is a list of statements with their place in a file, so any
// source of SQL (a `.sql` section, Alembic's offline SQL for a `.py` revision) lints the same way.
import type { StatementEffect } from './effects';

export type LintSeverity = 'error' | 'warning' | 'info';

export interface LintFix {
  title: string;
  replacement: string;
  /** The rewrite only helps outside a transaction: the migration must be marked `transactional: false`. */
  nonTransactional?: boolean;
}

export interface LintStatement {
  /** One SQL statement, without its terminating `;`. */
  sql: string;
  /** Absolute path of the file the statement comes from. */
  file: string;
  /** 1-based line and 0-based column of the statement's first character in `file`. */
  line: number;
  column: number;
  /** Where the statement ends when that is not where its text ends (Alembic's offline SQL spans the upgrade function). */
  end?: { line: number; column: number };
  /** The revision whose upgrade runs it. */
  revision?: string;
  /** The revision runs in one transaction (its statements' locks are held until it commits). */
  transactional: boolean;
}

/** `-- migration-chain: allow <rule>[, <rule>] because <reason>` (or `#` in Python). */
export interface Suppression {
  file: string;
  /** 1-based line of the comment. */
  line: number;
  /** The line of code it applies to: its own line when it trails code, else the next line with code. */
  appliesToLine: number;
  rules: string[];
  reason?: string;
}

export interface LintFinding {
  rule: string;
  severity: LintSeverity;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  revision?: string;
  /** The statement, shortened for display. */
  statement: string;
  relation?: string;
  /** Estimated rows / bytes of `relation` when the catalog knows them. */
  rows?: number;
  bytes?: number;
  /** Repository path of the rule's docs page. */
  docs: string;
  fix?: LintFix;
}

export interface AnalysedStatement {
  statement: LintStatement;
  endLine: number;
  endColumn: number;
  effect?: StatementEffect;
  /** Set when PostgreSQL's grammar rejects the statement. */
  parseError?: string;
  findings: LintFinding[];
}

/** Problems with the lint input itself (a statement that does not parse, a bad suppression). */
export interface LintProblem {
  code: 'parse-error' | 'unknown-lint-rule' | 'suppression-without-reason';
  severity: 'error' | 'warning';
  message: string;
  file: string;
  line: number;
}

export interface LintReport {
  statements: AnalysedStatement[];
  findings: LintFinding[];
  problems: LintProblem[];
  serverMajor?: number;
  versionSource: 'database' | 'setting' | 'unknown';
}
