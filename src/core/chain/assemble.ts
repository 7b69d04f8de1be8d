// Turns the literal header values read from a `.js` or `.py` migration into a `Migration`, with
// the same validation the `.sql` parser applies. Both formats are read as text, never executed.
import type { ChainDiagnostic } from '../errors';
import type { Literal } from './literals';
import type { Migration, MigrationFormat, ParseResult } from './model';
import { checksumText } from './checksum';
import { checkedIds, diag, printable, revisionIdProblem } from './header';

export interface LiteralEntry {
  literal: Literal;
  line: number;
}

export type ScriptHeader = Partial<Record<
  'revision' | 'down_revision' | 'message' | 'transactional' | 'branch_labels' | 'depends_on' | 'irreversible',
  LiteralEntry
>>;

export interface ScriptFacts {
  file: string;
  format: Exclude<MigrationFormat, 'sql'>;
  text: string;
  header: ScriptHeader;
  /** Used when the header has no `message` (Alembic: the docstring's first line). */
  fallbackMessage?: string;
  hasDowngrade: boolean;
  hasVerify: boolean;
}

export function assembleScriptMigration(facts: ScriptFacts): ParseResult {
  const { file, header } = facts;
  const errors: ChainDiagnostic[] = [];
  const warnings: ChainDiagnostic[] = [];
  const rev = header.revision;
  if (!rev) {
    if (facts.format === 'py') {
      // Alembic loads every .py file of a version location and stops on one without `revision`
      // (a hex file name is taken as the id by Alembic 0.1's legacy rule, which is not read here).
      return { ok: false, diagnostics: [diag('no-revision', 'error', file, 1,
        "No 'revision' defined: Alembic refuses to load the versions folder with this file in it (\"Could not determine revision id from filename\"). Add revision = '...' or move the file out of the versions folder.")] };
    }
    return { ok: false, diagnostics: [diag('no-revision', 'warning', file, 1,
      "No 'revision' defined: this file is not part of the chain")] };
  }
  let revision = '';
  let revisionValid = false;
  if (rev.literal.kind !== 'string') {
    errors.push(diag('unparseable-header', 'error', file, rev.line,
      `revision must be a string literal (migration files are read as text, never executed), not ${describe(rev.literal)}`));
  } else {
    revision = rev.literal.value;
    const problem = revisionIdProblem(revision);
    if (problem) errors.push(diag('unparseable-header', 'error', file, rev.line, `revision ${problem}`));
    revisionValid = !problem;
  }

  const ids = (key: 'down_revision' | 'depends_on' | 'branch_labels'): string[] => {
    const entry = header[key];
    if (!entry) return [];
    const lit = entry.literal;
    let values: string[];
    if (lit.kind === 'null') values = [];
    else if (lit.kind === 'string') values = [lit.value];
    else if (lit.kind === 'list') values = lit.values;
    else {
      errors.push(diag('unparseable-header', 'error', file, entry.line,
        `${key} must be a string, a list of strings or ${facts.format === 'py' ? 'None' : 'null'}, not ${describe(lit)}`));
      return [];
    }
    return checkedIds(values, key, file, entry.line, errors);
  };
  const downRevisions = ids('down_revision');
  const dependsOn = ids('depends_on');
  const branchLabels = ids('branch_labels');

  let message = facts.fallbackMessage ?? '';
  if (header.message) {
    const lit = header.message.literal;
    if (lit.kind === 'string') message = lit.value;
    else if (lit.kind !== 'null') {
      warnings.push(diag('unparseable-header', 'warning', file, header.message.line,
        `message is not a string literal (${describe(lit)}); it is ignored`));
    }
  }

  let transactional = true;
  if (header.transactional) {
    const lit = header.transactional.literal;
    if (lit.kind === 'bool') transactional = lit.value;
    else errors.push(diag('unparseable-header', 'error', file, header.transactional.line,
      `transactional must be true or false, not ${describe(lit)}`));
  }

  let irreversible: Migration['irreversible'];
  if (header.irreversible) {
    const lit = header.irreversible.literal;
    if (lit.kind === 'string' && lit.value.trim() !== '') irreversible = { reason: lit.value.trim(), line: header.irreversible.line };
    else errors.push(diag('unparseable-header', 'error', file, header.irreversible.line,
      `irreversible must be a non-empty string literal giving the reason, not ${describe(lit)}`));
  }

  if (errors.length > 0) {
    if (revisionValid) for (const e of errors) e.revision = revision;
    return { ok: false, diagnostics: [...warnings, ...errors] };
  }
  for (const w of warnings) w.revision = revision;
  const migration: Migration = {
    file,
    format: facts.format,
    revision,
    downRevisions,
    dependsOn,
    branchLabels,
    message,
    transactional,
    revisionLine: rev.line,
    downRevisionLine: header.down_revision?.line ?? rev.line,
    hasDowngrade: facts.hasDowngrade,
    hasVerify: facts.hasVerify,
    checksum: checksumText(facts.text),
  };
  if (irreversible) migration.irreversible = irreversible;
  return { ok: true, migration, diagnostics: warnings };
}

function describe(lit: Literal): string {
  switch (lit.kind) {
    case 'other': return `'${printable(lit.raw, 40)}'`;
    case 'list': return 'a list';
    case 'bool': return String(lit.value);
    case 'null': return 'null';
    case 'string': return `'${printable(lit.value, 40)}'`;
  }
}
