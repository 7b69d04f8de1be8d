// Statements worth a warning before they run: those PostgreSQL refuses inside a transaction block
// (so a transactional migration containing one fails), and destructive ones in an upgrade (shown
// in the confirmation's detail). Matching works on the statement with comments removed and the
// contents of strings blanked, so `'DROP TABLE'` inside a literal is not a DROP TABLE.
import type { ChainDiagnostic } from '../errors';
import { scanSql, splitSqlStatements } from './split';

/** A section of SQL text and the file line it starts on (chain/model's SqlSection has this shape). */
export interface ScannedSection {
  text: string;
  line: number;
}

/**
 * The parts of a migration the scan reads. chain/model's Migration has them; they are named here so
 * that sql/ stays below chain/ (test/unit/layering.test.ts: the folder layers).
 */
export interface ScannedMigration {
  revision: string;
  file: string;
  transactional: boolean;
  upgrade?: ScannedSection;
  downgrade?: ScannedSection;
  verify?: ScannedSection;
}

export type RiskCode =
  | 'create-index-concurrently'
  | 'drop-index-concurrently'
  | 'reindex-concurrently'
  | 'reindex-database'
  | 'vacuum'
  | 'create-database'
  | 'drop-database'
  | 'alter-system'
  | 'tablespace'
  | 'enum-add-value'
  | 'drop-table'
  | 'drop-column'
  | 'truncate'
  | 'alter-column-type'
  | 'delete-without-where';

export interface RiskyStatement {
  kind: 'non-transactional' | 'destructive';
  code: RiskCode;
  /** Depends on the server version (enum ADD VALUE runs in a transaction since PostgreSQL 12). */
  serverDependent: boolean;
  section: 'upgrade' | 'downgrade' | 'verify';
  /** The statement's first line(s), shortened for display. */
  statement: string;
  file: string;
  /** 1-based file line of the statement. */
  line: number;
  message: string;
}

// A possibly schema-qualified, possibly quoted name, in normalised text.
const QUALIFIED_NAME = String.raw`(?:"[^"]*"|[^\s."(]+)(?:\.(?:"[^"]*"|[^\s."(]+))?`;
const ENUM_ADD_VALUE = new RegExp(`^ALTER TYPE ${QUALIFIED_NAME} ADD VALUE\\b`);
const ALTER_TABLE_HEAD = new RegExp(`^ALTER TABLE (IF EXISTS )?(ONLY )?${QUALIFIED_NAME} ?(\\*)? ?`);

interface Rule {
  code: RiskCode;
  kind: RiskyStatement['kind'];
  test: (s: string) => boolean;
  message: string;
  serverDependent?: boolean;
}

const NON_TRANSACTIONAL: Rule[] = [
  { code: 'create-index-concurrently', kind: 'non-transactional', test: (s) => /^CREATE (UNIQUE )?INDEX CONCURRENTLY\b/.test(s),
    message: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block' },
  { code: 'drop-index-concurrently', kind: 'non-transactional', test: (s) => /^DROP INDEX CONCURRENTLY\b/.test(s),
    message: 'DROP INDEX CONCURRENTLY cannot run inside a transaction block' },
  { code: 'reindex-concurrently', kind: 'non-transactional', test: (s) => /^REINDEX\b.*\bCONCURRENTLY\b/.test(s),
    message: 'REINDEX CONCURRENTLY cannot run inside a transaction block' },
  { code: 'reindex-database', kind: 'non-transactional', test: (s) => /^REINDEX (\([^)]*\) )?(DATABASE|SYSTEM)\b/.test(s),
    message: 'REINDEX DATABASE/SYSTEM cannot run inside a transaction block' },
  { code: 'vacuum', kind: 'non-transactional', test: (s) => /^VACUUM\b/.test(s),
    message: 'VACUUM cannot run inside a transaction block' },
  { code: 'create-database', kind: 'non-transactional', test: (s) => /^CREATE DATABASE\b/.test(s),
    message: 'CREATE DATABASE cannot run inside a transaction block' },
  { code: 'drop-database', kind: 'non-transactional', test: (s) => /^DROP DATABASE\b/.test(s),
    message: 'DROP DATABASE cannot run inside a transaction block' },
  { code: 'alter-system', kind: 'non-transactional', test: (s) => /^ALTER SYSTEM\b/.test(s),
    message: 'ALTER SYSTEM cannot run inside a transaction block' },
  { code: 'tablespace', kind: 'non-transactional', test: (s) => /^(CREATE|DROP) TABLESPACE\b/.test(s),
    message: 'CREATE/DROP TABLESPACE cannot run inside a transaction block' },
  { code: 'enum-add-value', kind: 'non-transactional', serverDependent: true,
    test: (s) => ENUM_ADD_VALUE.test(s),
    message: 'ALTER TYPE … ADD VALUE fails inside a transaction block before PostgreSQL 12, and from 12 on the new value cannot be used until the transaction commits' },
];

const DESTRUCTIVE: Rule[] = [
  { code: 'drop-table', kind: 'destructive', test: (s) => /^DROP TABLE\b/.test(s), message: 'DROP TABLE deletes the table and its data' },
  { code: 'truncate', kind: 'destructive', test: (s) => /^TRUNCATE\b/.test(s), message: 'TRUNCATE deletes every row' },
  { code: 'delete-without-where', kind: 'destructive', test: (s) => /^DELETE FROM\b/.test(s) && !/\bWHERE\b/.test(s),
    message: 'DELETE without WHERE deletes every row' },
  { code: 'drop-column', kind: 'destructive', test: (s) => alterTableActions(s).some((a) => /^DROP (?!CONSTRAINT\b)/.test(a)),
    message: 'ALTER TABLE … DROP COLUMN deletes the column and its data' },
  { code: 'alter-column-type', kind: 'destructive',
    test: (s) => alterTableActions(s).some((a) => /^ALTER (COLUMN )?("[^"]*"|\S+) (SET DATA )?TYPE\b/.test(a)),
    message: 'ALTER COLUMN … TYPE rewrites the column and may narrow it (truncating or failing on existing data)' },
];

// Cheap pre-filter: most migrations contain none of these words, so they are never split.
const MAYBE_NON_TRANSACTIONAL = /CONCURRENTLY|VACUUM|DATABASE|SYSTEM|TABLESPACE|ADD\s+VALUE/i;
const MAYBE_DESTRUCTIVE = /DROP|TRUNCATE|DELETE|TYPE/i;

/** The actions of `ALTER TABLE [IF EXISTS] [ONLY] name action, action …` (top-level commas). */
function alterTableActions(s: string): string[] {
  const m = ALTER_TABLE_HEAD.exec(s);
  if (!m) return [];
  const rest = s.slice(m[0].length);
  const actions: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) { actions.push(rest.slice(start, i).trim()); start = i + 1; }
  }
  actions.push(rest.slice(start).trim());
  return actions;
}

/** Upper-case, comments dropped, whitespace collapsed, string/dollar contents blanked. */
export function normalizeForMatching(statement: string): string {
  let out = '';
  scanSql(statement, (kind, start, end) => {
    if (kind === 'code' || kind === 'identifier') out += statement.slice(start, end);
    else if (kind === 'comment') out += ' ';
    else out += "''";
  });
  return out.replace(/\s+/g, ' ').trim().toUpperCase();
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

const ALL_RULES = [...NON_TRANSACTIONAL, ...DESTRUCTIVE];

/** Non-transactional statements of `section`, and with `destructive` the destructive ones too. */
function scanSection(m: ScannedMigration, name: RiskyStatement['section'], section: ScannedSection | undefined, destructive: boolean, out: RiskyStatement[]): void {
  if (!section || section.text === '') return;
  const wantNonTx = MAYBE_NON_TRANSACTIONAL.test(section.text);
  const wantDestructive = destructive && MAYBE_DESTRUCTIVE.test(section.text);
  if (!wantNonTx && !wantDestructive) return;
  const rules = destructive ? ALL_RULES : NON_TRANSACTIONAL;
  for (const stmt of splitSqlStatements(section.text)) {
    const s = normalizeForMatching(stmt.text);
    for (const rule of rules) {
      if (!rule.test(s)) continue;
      out.push({
        kind: rule.kind,
        code: rule.code,
        serverDependent: rule.serverDependent ?? false,
        section: name,
        statement: shorten(stmt.text),
        file: m.file,
        line: section.line + stmt.line - 1,
        message: rule.message,
      });
    }
  }
}

/**
 * Risky statements of a `.sql` migration with their file lines: statements that cannot run in a
 * transaction (any section) and destructive statements (upgrade only). `.js`/`.py` migrations have
 * no SQL text to inspect and return [].
 */
export function findRiskyStatements(migration: ScannedMigration, options: { destructive?: boolean } = {}): RiskyStatement[] {
  const out: RiskyStatement[] = [];
  scanSection(migration, 'upgrade', migration.upgrade, options.destructive !== false, out);
  scanSection(migration, 'downgrade', migration.downgrade, false, out);
  scanSection(migration, 'verify', migration.verify, false, out);
  return out;
}

/**
 * Risky statements of SQL printed for a migration elsewhere (Alembic's offline SQL of a `.py`
 * revision): every statement is placed on `line` (its function), since the printed text has no lines
 * of the file. An upgrade's destructive statements count; a downgrade's are listed as what it drops.
 */
export function findRiskyInPrintedSql(migration: ScannedMigration, section: 'upgrade' | 'downgrade', sql: string, line: number): RiskyStatement[] {
  const out: RiskyStatement[] = [];
  scanSection(migration, section, { text: sql, line: 1 }, true, out);
  return out.map((r) => ({ ...r, line }));
}

/** The risky statements of a plan step's migration ([] when the chain does not define it). */
export function riskyOfStep(graph: { get(revision: string): ScannedMigration | undefined }): (step: { revision: string }) => RiskyStatement[] {
  return (step) => {
    const m = graph.get(step.revision);
    return m ? findRiskyStatements(m) : [];
  };
}

/** What the preview reads of a plan step (run/preview.ts's RunPlanStep; named here so this module stays below run/). */
export interface PlanStepLike {
  revision: string;
  transactional: boolean;
}

export interface RiskPreview<S extends PlanStepLike = PlanStepLike> {
  destructive: { step: S; risk: RiskyStatement }[];
  nonTransactional: S[];
}

/** What in an upgrade plan deserves a second look: destructive statements, migrations without a transaction. */
export function upgradeRisks<S extends PlanStepLike>(steps: readonly S[], riskyOf: (step: S) => readonly RiskyStatement[]): RiskPreview<S> {
  return {
    destructive: steps.flatMap((step) => riskyOf(step)
      .filter((risk) => risk.kind === 'destructive' && risk.section === 'upgrade')
      .map((risk) => ({ step, risk }))),
    nonTransactional: steps.filter((s) => !s.transactional),
  };
}

export function hasRisks(p: RiskPreview): boolean {
  return p.destructive.length > 0 || p.nonTransactional.length > 0;
}

/**
 * 'non-transactional-statement' diagnostics for a migration whose header keeps the per-migration
 * transaction: an error for statements PostgreSQL refuses in a transaction block, a warning for the
 * server-dependent enum ADD VALUE.
 */
export function transactionDiagnostics(migration: ScannedMigration, risky?: readonly RiskyStatement[]): ChainDiagnostic[] {
  if (!migration.transactional) return [];
  return (risky ?? findRiskyStatements(migration, { destructive: false }))
    .filter((r) => r.kind === 'non-transactional')
    .map((r) => ({
      code: 'non-transactional-statement' as const,
      severity: r.serverDependent ? 'warning' as const : 'error' as const,
      file: r.file,
      line: r.line,
      revision: migration.revision,
      message: `${r.message}: '${r.statement}' (${r.section}). Add '-- transactional: false' to the header, or move it to its own migration.`,
    }));
}

/**
 * 'data-loss' warnings for the `-- data-loss: …` comments a generated revision puts above the
 * statements that lose data (authoring/data-loss.ts): kept in the file, so Problems shows them
 * until someone has read them and deletes the comment. Upgrade section only: that is what runs in
 * production; a downgrade undoing an addition drops it by nature.
 */
export function dataLossDiagnostics(migration: ScannedMigration): ChainDiagnostic[] {
  const section = migration.upgrade;
  if (!section || !section.text.includes(DATA_LOSS_COMMENT)) return [];
  const out: ChainDiagnostic[] = [];
  section.text.split('\n').forEach((line, i) => {
    const at = line.indexOf(DATA_LOSS_COMMENT);
    if (at === -1 || line.slice(0, at).trim() !== '') return;
    out.push({
      code: 'data-loss',
      severity: 'warning',
      file: migration.file,
      line: section.line + i + 1, // the statement below the comment
      revision: migration.revision,
      message: `Loses data: the statement ${line.slice(at + DATA_LOSS_COMMENT.length).trim()}. Delete the '${DATA_LOSS_COMMENT}' comment once this is intended.`,
    });
  });
  return out;
}

/** The comment authoring/data-loss.ts writes (kept here, below it in the layers, so the parser can find it). */
export const DATA_LOSS_COMMENT = '-- data-loss:';
