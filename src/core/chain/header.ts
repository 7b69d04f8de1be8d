// Rules shared by the three header parsers (.sql, .js, .py): what a revision id may look like and
// how a parse failure becomes a diagnostic anchored to a file line.
import type { ChainDiagnostic, ChainProblemCode } from '../errors';

/** alembic_version.version_num is varchar(32): a longer id could never be recorded. */
export const MAX_REVISION_LENGTH = 32;
const REVISION_ID = /^[A-Za-z0-9_]+$/;

/** Why `id` cannot be a revision id, or undefined when it can. */
export function revisionIdProblem(id: string): string | undefined {
  if (id === '') return 'is empty';
  if (!REVISION_ID.test(id)) return `'${printable(id)}' may only contain letters, digits and '_'`;
  if (id.length > MAX_REVISION_LENGTH) {
    return `'${id}' is longer than ${MAX_REVISION_LENGTH} characters (alembic_version.version_num is varchar(32))`;
  }
  return undefined;
}

/**
 * The valid, distinct revision ids of a header list (down_revision, depends_on, branch_labels), in
 * order; each invalid or repeated one becomes an error on the header's line.
 */
export function checkedIds(values: readonly string[], key: string, file: string, line: number, errors: ChainDiagnostic[]): string[] {
  const ids: string[] = [];
  for (const v of values) {
    const problem = revisionIdProblem(v);
    if (problem) errors.push(diag('unparseable-header', 'error', file, line, `${key}: ${problem}`));
    else if (ids.includes(v)) errors.push(diag('unparseable-header', 'error', file, line, `${key} lists '${v}' twice`));
    else ids.push(v);
  }
  return ids;
}

/** A short, single-line rendering of untrusted text for messages. */
export function printable(text: string, max = 60): string {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point of this pattern
  const flat = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export function diag(
  code: ChainProblemCode,
  severity: 'error' | 'warning',
  file: string,
  line: number,
  message: string,
  revision?: string,
): ChainDiagnostic {
  const d: ChainDiagnostic = { code, severity, message, file, line };
  if (revision !== undefined) d.revision = revision;
  return d;
}

/** Maps character offsets to 1-based lines in O(log n) after one O(n) pass. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

/** Strips a UTF-8 byte-order mark, which editors on Windows like to add. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
