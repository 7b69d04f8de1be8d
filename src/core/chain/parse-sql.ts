// The native `.sql` format: a `-- key: value` comment header, then `-- migrate:<section>` blocks.
// Parsing never throws: every problem becomes a diagnostic on the line that caused it.
import type { ChainDiagnostic } from '../errors';
import type { Migration, ParseResult, SqlSection } from './model';
import { checksumText, normalizeLineEndings } from './checksum';
import { checkedIds, diag, printable, revisionIdProblem, stripBom } from './header';

export const SQL_HEADER_KEYS = [
  'revision', 'down_revision', 'message', 'transactional', 'branch_labels', 'depends_on', 'create_date', 'irreversible',
] as const;
type HeaderKey = (typeof SQL_HEADER_KEYS)[number];
const KNOWN_KEYS: ReadonlySet<string> = new Set(SQL_HEADER_KEYS);

const SECTION_NAMES = ['upgrade', 'downgrade', 'verify'] as const;
type SectionName = (typeof SECTION_NAMES)[number];

const MARKER = /^--\s*migrate:\s*(\S*)\s*$/;
const HEADER_LINE = /^--\s*([A-Za-z_][A-Za-z0-9_]*)\s*:(.*)$/;
const BASE_VALUES = new Set(['', 'none', 'null', '<base>']);

interface HeaderEntry {
  value: string;
  line: number;
}

interface Line {
  /** 1-based line number. */
  no: number;
  start: number;
  end: number;
  trimmed: string;
}

/**
 * Calls `visit` for the lines of `text` (LF only) that can matter: every header line, and after the
 * first marker only lines containing `migrate:` (other body lines are neither sliced nor trimmed:
 * they are most of a file, and a chain can have 10,000 files). Returns the number of lines.
 */
function scanLines(text: string, visit: (line: Line) => 'header' | 'body'): number {
  let inHeader = true;
  let nextMarkerWord = text.indexOf('migrate:');
  let no = 0;
  for (let start = 0; ; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    no++;
    if (nextMarkerWord !== -1 && nextMarkerWord < start) nextMarkerWord = text.indexOf('migrate:', start);
    if (inHeader || (nextMarkerWord !== -1 && nextMarkerWord < end)) {
      inHeader = visit({ no, start, end, trimmed: text.slice(start, end).trim() }) === 'header';
    }
    if (end === text.length) return no;
    start = end + 1;
  }
}

function markerName(trimmed: string): string | undefined {
  if (!trimmed.startsWith('--') || trimmed.indexOf('migrate:') === -1) return undefined;
  return MARKER.exec(trimmed)?.[1];
}

export function parseSqlMigration(file: string, rawText: string): ParseResult {
  const text = normalizeLineEndings(stripBom(rawText));
  const diagnostics: ChainDiagnostic[] = [];
  const errors: ChainDiagnostic[] = [];
  const header = new Map<HeaderKey, HeaderEntry>();
  const markers: { name: string; line: Line }[] = [];

  // Header: everything before the first marker. Only comments and blank lines may appear there.
  const lastLine = scanLines(text, (line) => {
    const { trimmed } = line;
    const marker = trimmed === '' ? undefined : markerName(trimmed);
    if (marker !== undefined) {
      markers.push({ name: marker, line });
      return 'body';
    }
    if (markers.length > 0) return 'body';
    if (trimmed === '') return 'header';
    if (!trimmed.startsWith('--')) {
      errors.push(diag('unparseable-header', 'error', file, line.no,
        `SQL before the first '-- migrate:upgrade' marker would never run: '${printable(trimmed)}'`));
      return 'header';
    }
    const m = HEADER_LINE.exec(trimmed);
    // Free-form comments are fine, including prose like "-- Note: ..."; header keys are lower_snake.
    if (!m || !/^[a-z][a-z0-9_]*$/.test(m[1])) return 'header';
    const key = m[1];
    const value = m[2].trim();
    if (!KNOWN_KEYS.has(key)) {
      diagnostics.push(diag('unparseable-header', 'warning', file, line.no,
        `Unknown header key '${printable(key)}' (known: ${SQL_HEADER_KEYS.join(', ')})`));
      return 'header';
    }
    const previous = header.get(key as HeaderKey);
    if (previous) {
      errors.push(diag('unparseable-header', 'error', file, line.no,
        `Duplicate header key '${key}' (first on line ${previous.line})`));
      return 'header';
    }
    header.set(key as HeaderKey, { value, line: line.no });
    return 'header';
  });

  const revisionEntry = header.get('revision');
  if (!revisionEntry) {
    // Any other SQL file in the folder (a seed script, a dump) is not a migration: say so quietly.
    return {
      ok: false,
      diagnostics: [...diagnostics, diag('no-revision', 'warning', file, 1,
        "No '-- revision:' header: this file is not part of the chain")],
    };
  }

  // Sections: each runs from its marker to the next marker (of any name).
  const sections = new Map<SectionName, SqlSection>();
  const firstSeen = new Map<string, number>();
  for (let k = 0; k < markers.length; k++) {
    const { name: rawName, line } = markers[k];
    const name = rawName.toLowerCase();
    if (!(SECTION_NAMES as readonly string[]).includes(name)) {
      errors.push(diag('unparseable-header', 'error', file, line.no,
        `Unknown section '-- migrate:${printable(rawName)}' (expected upgrade, downgrade or verify)`));
      continue;
    }
    const dup = firstSeen.get(name);
    if (dup !== undefined) {
      errors.push(diag('unparseable-header', 'error', file, line.no,
        `Duplicate section '-- migrate:${name}' (first on line ${dup})`));
      continue;
    }
    firstSeen.set(name, line.no);
    const next = markers[k + 1]?.line;
    sections.set(name as SectionName, sectionText(text, line, next, lastLine));
  }
  if (!sections.has('upgrade')) {
    errors.push(diag('unparseable-header', 'error', file, revisionEntry.line,
      "Missing '-- migrate:upgrade' section"));
  }

  const revision = revisionEntry.value;
  const revProblem = revisionIdProblem(revision);
  if (revProblem) errors.push(diag('unparseable-header', 'error', file, revisionEntry.line, `revision ${revProblem}`));

  const downEntry = header.get('down_revision');
  const downRevisions = parseIdList(downEntry, 'down_revision', file, errors, true);
  const dependsOn = parseIdList(header.get('depends_on'), 'depends_on', file, errors, true);
  const branchLabels = parseIdList(header.get('branch_labels'), 'branch_labels', file, errors, false);

  let transactional = true;
  const tx = header.get('transactional');
  if (tx) {
    const parsed = parseBoolean(tx.value);
    if (parsed === undefined) {
      errors.push(diag('unparseable-header', 'error', file, tx.line,
        `transactional must be true or false, not '${printable(tx.value)}'`));
    } else {
      transactional = parsed;
    }
  }

  const irreversibleEntry = header.get('irreversible');
  if (irreversibleEntry && irreversibleEntry.value === '') {
    errors.push(diag('unparseable-header', 'error', file, irreversibleEntry.line,
      "irreversible needs a reason: '-- irreversible: <why this revision cannot be undone>'"));
  }

  if (errors.length > 0) {
    if (!revProblem) for (const e of errors) e.revision = revision;
    return { ok: false, diagnostics: [...diagnostics, ...errors] };
  }

  const upgrade = sections.get('upgrade') as SqlSection;
  const migration: Migration = {
    file,
    format: 'sql',
    revision,
    downRevisions,
    dependsOn,
    branchLabels,
    message: header.get('message')?.value ?? '',
    transactional,
    revisionLine: revisionEntry.line,
    downRevisionLine: downEntry?.line ?? revisionEntry.line,
    upgrade,
    hasDowngrade: sections.has('downgrade'),
    hasVerify: sections.has('verify'),
    checksum: checksumText(upgrade.text),
  };
  const downgrade = sections.get('downgrade');
  if (downgrade) migration.downgrade = downgrade;
  const verify = sections.get('verify');
  if (verify) migration.verify = verify;
  if (irreversibleEntry) migration.irreversible = { reason: irreversibleEntry.value, line: irreversibleEntry.line };
  for (const d of diagnostics) d.revision = revision;
  return { ok: true, migration, diagnostics };
}

/**
 * The section body without its surrounding blank lines. `line` is the file line of the first text
 * line, so a statement's line inside `text` maps to `line + stmtLine - 1` in the file.
 */
function sectionText(text: string, marker: Line, next: Line | undefined, lastLine: number): SqlSection {
  const bodyStart = marker.end + 1;
  const bodyEnd = next ? next.start : text.length;
  if (bodyStart >= bodyEnd) return { text: '', line: Math.min(marker.no + 1, lastLine + 1) };
  const body = text.slice(bodyStart, bodyEnd);
  // Skip whole blank lines at the start; the first text line keeps its indentation.
  let skip = 0;
  let line = marker.no + 1;
  for (;;) {
    const nl = body.indexOf('\n', skip);
    if (nl === -1 || body.slice(skip, nl).trim() !== '') break;
    skip = nl + 1;
    line++;
  }
  const trimmed = body.slice(skip).trimEnd();
  return trimmed === '' ? { text: '', line: marker.no + 1 } : { text: trimmed, line };
}

function parseIdList(
  entry: HeaderEntry | undefined,
  key: string,
  file: string,
  errors: ChainDiagnostic[],
  noneIsEmpty: boolean,
): string[] {
  if (!entry) return [];
  const raw = entry.value.replace(/^[([]\s*|\s*[)\]]$/g, '');
  if (noneIsEmpty ? BASE_VALUES.has(raw.toLowerCase()) : raw === '') return [];
  const values = raw.split(',').map((part) => part.trim().replace(/^(['"])(.*)\1$/, '$2'));
  if (values.length > 1 && values[values.length - 1] === '') values.pop(); // tolerate a trailing comma
  return checkedIds(values, key, file, entry.line, errors);
}

export function parseBoolean(value: string): boolean | undefined {
  switch (value.trim().toLowerCase()) {
    case 'true': case 'yes': case 'on': case '1': return true;
    case 'false': case 'no': case 'off': case '0': return false;
    default: return undefined;
  }
}
