// The linter: statements (with their place in a file) in, findings out. Each statement is parsed
// by PostgreSQL's grammar, its effect computed by the lock model (./effects.ts) against the
// database facts as the earlier statements of the run leave them, then every rule looks at it.
// Severity follows the table's size; suppression comments silence a rule for one statement.
import { statementEffect } from './effects';
import { cloneFacts, effectiveMajor, type DatabaseFacts } from './facts';
import type { AnalysedStatement, LintFinding, LintProblem, LintReport, LintStatement, Suppression } from './model';
import type { PgParser } from './parser';
import { LINT_RULES, RULES_BY_ID, docsUrl } from './rules';
import type { LintRule, LintSeverity, RuleHit } from './rules/rule';

export interface LintInput {
  statements: readonly LintStatement[];
  suppressions?: readonly Suppression[];
}

/** Below this a table is small (a finding is a note); at or above LARGE_* it is large (the rule's severity). */
export const SMALL_ROWS = 10_000;
export const SMALL_BYTES = 10 * 1024 * 1024;
export const LARGE_ROWS = 1_000_000;
export const LARGE_BYTES = 1024 * 1024 * 1024;

export function lint(parser: PgParser, input: LintInput, facts: DatabaseFacts): LintReport {
  const working = cloneFacts(facts);
  const { major, assumed } = effectiveMajor(facts);
  const problems: LintProblem[] = [];
  const statements: AnalysedStatement[] = [];
  const timeoutByGroup = new Map<string, boolean>();
  const suppressions = input.suppressions ?? [];
  problems.push(...suppressionProblems(suppressions));

  for (const statement of input.statements) {
    const { endLine, endColumn } = endOf(statement);
    const analysed: AnalysedStatement = { statement, endLine, endColumn, findings: [] };
    statements.push(analysed);
    const parsed = parser.parse(statement.sql);
    if (!parsed.ok) {
      analysed.parseError = parsed.error.message;
      problems.push({
        code: 'parse-error', severity: 'error', file: statement.file,
        line: statement.line + lineOffset(statement.sql, parsed.error.offset),
        message: `PostgreSQL cannot parse this statement: ${parsed.error.message}`,
      });
      continue;
    }
    const group = `${statement.file}\0${statement.revision ?? ''}`;
    for (const raw of parsed.stmts) {
      if (!raw.stmt) continue;
      const effect = statementEffect(raw.stmt, working);
      analysed.effect = analysed.effect ? mergeEffects(analysed.effect, effect) : effect;
      const lockTimeoutSet = facts.runtimeLockTimeoutMs > 0 || timeoutByGroup.get(group) === true;
      if (effect.setsLockTimeout) timeoutByGroup.set(group, true);
      const ruleInput = { node: raw.stmt, effect, statement, facts: working, major, majorAssumed: assumed, lockTimeoutSet };
      for (const rule of LINT_RULES) {
        for (const hit of rule.check(ruleInput)) {
          const finding = toFinding(rule, hit, statement, endLine, endColumn, working);
          if (finding && !isSuppressed(finding, suppressions)) analysed.findings.push(finding);
        }
      }
    }
  }
  return {
    statements,
    findings: statements.flatMap((s) => s.findings),
    problems,
    ...(facts.serverMajor !== undefined ? { serverMajor: facts.serverMajor } : {}),
    versionSource: facts.versionSource,
  };
}

function toFinding(rule: LintRule, hit: RuleHit, s: LintStatement, endLine: number, endColumn: number, facts: DatabaseFacts): LintFinding | undefined {
  const table = hit.relation ? facts.tables.get(hit.relation) : undefined;
  if (table?.isNew) return undefined; // created earlier in this run: empty and unused
  const severity = hit.severity ?? (rule.sizeScaled ? scaledSeverity(rule.severity, table) : rule.severity);
  return {
    rule: rule.id,
    severity,
    message: hit.message + sizeNote(table),
    file: s.file,
    line: s.line,
    column: s.column,
    endLine,
    endColumn,
    ...(s.revision ? { revision: s.revision } : {}),
    statement: shorten(s.sql),
    ...(hit.relation ? { relation: hit.relation } : {}),
    ...(table ? { rows: Math.max(table.rows, 0), bytes: table.bytes } : {}),
    docs: docsUrl(rule.id),
    ...(hit.fix ? { fix: hit.fix } : {}),
  };
}

/** A table whose blocking lock is an error, not a note: by rows or by size on disk. */
export function isLargeTable(table: { rows: number; bytes: number }): boolean {
  return table.rows >= LARGE_ROWS || table.bytes >= LARGE_BYTES;
}

export function scaledSeverity(severity: 'error' | 'warning', table: { rows: number; bytes: number } | undefined): LintSeverity {
  if (!table) return severity;
  if (isLargeTable(table)) return severity;
  if (table.rows < SMALL_ROWS && table.bytes < SMALL_BYTES) return 'info';
  return 'warning';
}

function sizeNote(table: { rows: number; bytes: number } | undefined): string {
  if (!table) return ' (table size unknown: no database catalog)';
  const rows = Math.max(table.rows, 0);
  return ` (~${rows.toLocaleString('en-US')} rows, ${(table.bytes / 1024 / 1024).toFixed(1)} MB)`;
}

function isSuppressed(f: LintFinding, suppressions: readonly Suppression[]): boolean {
  return suppressions.some((s) => s.file === f.file && s.appliesToLine >= f.line && s.appliesToLine <= f.endLine && s.rules.includes(f.rule));
}

function suppressionProblems(suppressions: readonly Suppression[]): LintProblem[] {
  const out: LintProblem[] = [];
  for (const s of suppressions) {
    for (const id of s.rules) {
      if (!RULES_BY_ID.has(id)) {
        out.push({ code: 'unknown-lint-rule', severity: 'warning', file: s.file, line: s.line,
          message: `Unknown lint rule '${id}' in a suppression; known rules: ${[...RULES_BY_ID.keys()].join(', ')}` });
      }
    }
    if (!s.reason) {
      out.push({ code: 'suppression-without-reason', severity: 'warning', file: s.file, line: s.line,
        message: "A suppression needs a reason: '-- migration-chain: allow <rule> because <why it is safe here>'" });
    }
  }
  return out;
}

function mergeEffects(a: NonNullable<AnalysedStatement['effect']>, b: NonNullable<AnalysedStatement['effect']>) {
  return {
    command: a.command,
    relations: [...a.relations, ...b.relations],
    transactional: a.transactional && b.transactional,
    notes: [...a.notes, ...b.notes],
    setsLockTimeout: a.setsLockTimeout || b.setsLockTimeout,
  };
}

function endOf(s: LintStatement): { endLine: number; endColumn: number } {
  if (s.end) return { endLine: s.end.line, endColumn: s.end.column };
  let newlines = 0;
  let lastStart = 0;
  for (let i = s.sql.indexOf('\n'); i >= 0; i = s.sql.indexOf('\n', i + 1)) { newlines++; lastStart = i + 1; }
  const last = s.sql.length - lastStart;
  return { endLine: s.line + newlines, endColumn: newlines === 0 ? s.column + last : last };
}

function lineOffset(text: string, offset: number | undefined): number {
  if (offset === undefined) return 0;
  let n = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') n++;
  return n;
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}
