// Several heads, and what to do about them. Two branches that no database has applied can simply be
// put one after the other (re-parenting: one `down_revision` changes). Once a database has applied
// one of them, moving either would make some database's recorded history a lie, so a merge
// revision with both heads as parents is the way out (`mergeHeads`).
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { RevisionGraph } from '../chain/graph';
import type { Chain } from '../chain/chain';
import type { Migration } from '../chain/model';
import { formatOf, migrationExtensions } from '../chain/formats';
import { LineIndex, revisionIdProblem } from '../chain/header';
import { maskJsComments, maskPython } from '../chain/literals';
import { MigrationChainError } from '../errors';

export type HeadAdviceKind = 'reparent-safe' | 'merge-required';

/** The revision to move so that one branch follows the other, when re-parenting is the advice. */
export interface ReparentSuggestion {
  /** The first revision of the branch being moved; its `down_revision` changes. */
  revision: string;
  file: string;
  line: number;
  from: string[];
  /** The head of the branch that stays where it is. */
  to: string;
}

export interface HeadPairAdvice {
  heads: [string, string];
  advice: HeadAdviceKind;
  reason: string;
  /** Revisions only on each head's branch (since the branches split), parents first. */
  branches: [string[], string[]];
  /** Of those, the ones the connected database applied; absent when no database is connected. */
  applied?: [string[], string[]];
  reparent?: ReparentSuggestion;
}

/**
 * Advice for every pair of heads. `applied` is the connected database's applied set
 * (`graph.appliedSet(status.heads)`), or undefined when no database is connected: the advice then
 * rests on the files alone and says so.
 */
export function adviseHeads(graph: RevisionGraph, applied?: ReadonlySet<string>): HeadPairAdvice[] {
  const heads = graph.heads;
  const order = graph.topologicalOrder();
  const lineages = heads.map((rev) => new Set([rev, ...graph.ancestors(rev)]));
  const out: HeadPairAdvice[] = [];
  for (let i = 0; i < heads.length; i++) {
    for (let j = i + 1; j < heads.length; j++) {
      const a = heads[i];
      const b = heads[j];
      const la = lineages[i];
      const lb = lineages[j];
      const branchA = order.filter((r) => la.has(r) && !lb.has(r));
      const branchB = order.filter((r) => lb.has(r) && !la.has(r));
      out.push(advisePair(graph, [a, b], [branchA, branchB], applied));
    }
  }
  return out;
}

/**
 * The one revision where `branch` (a head's own revisions) joins the rest of the chain, when a
 * single down_revision can move it; undefined when the branch starts at several points or at a merge.
 */
export function branchRoot(graph: RevisionGraph, branch: readonly string[]): Migration | undefined {
  const roots = branch.filter((r) => graph.parents(r).every((p) => !branch.includes(p)));
  const root = roots.length === 1 ? graph.get(roots[0]) : undefined;
  return root && root.downRevisions.length <= 1 ? root : undefined;
}

function advisePair(
  graph: RevisionGraph,
  heads: [string, string],
  branches: [string[], string[]],
  applied: ReadonlySet<string> | undefined,
): HeadPairAdvice {
  const [a, b] = heads;
  const base = { heads, branches };
  const appliedOf = (branch: string[]) => (applied ? branch.filter((r) => applied.has(r)) : []);
  const appliedPair: [string[], string[]] = [appliedOf(branches[0]), appliedOf(branches[1])];
  const withApplied = applied ? { ...base, applied: appliedPair } : base;

  if (appliedPair[0].length > 0 || appliedPair[1].length > 0) {
    const which = appliedPair[0].length > 0 && appliedPair[1].length > 0
      ? `both branches (${list(appliedPair[0])} and ${list(appliedPair[1])})`
      : appliedPair[0].length > 0
        ? `${list(appliedPair[0])} from ${a}'s branch`
        : `${list(appliedPair[1])} from ${b}'s branch`;
    return {
      ...withApplied,
      advice: 'merge-required',
      reason: `The connected database applied ${which}. Re-parenting would rewrite history it has recorded; ` +
        `write a merge revision with ${a} and ${b} as parents.`,
    };
  }

  // Move the shorter branch on top of the other (fewer revisions whose position changes).
  const [stay, move, moveBranch] = branches[1].length <= branches[0].length
    ? [a, b, branches[1]]
    : [b, a, branches[0]];
  const root = branchRoot(graph, moveBranch);
  if (!root) {
    return {
      ...withApplied,
      advice: 'merge-required',
      reason: `${move}'s branch joins the chain at more than one point, so no single down_revision can move it; ` +
        `write a merge revision with ${a} and ${b} as parents.`,
    };
  }
  const who = applied ? 'The connected database applied neither branch' : 'No database is connected, so this rests on the files alone';
  return {
    ...withApplied,
    advice: 'reparent-safe',
    reason: `${who}: re-parenting ${root.revision} onto ${stay} makes the chain linear ` +
      `(${list(moveBranch)} then run after ${stay}). ` +
      (applied ? 'Any other database that applied either branch needs a merge revision instead.'
        : 'If any database applied either branch, write a merge revision instead.'),
    reparent: { revision: root.revision, file: root.file, line: root.downRevisionLine, from: [...root.downRevisions], to: stay },
  };
}

function list(revs: string[]): string {
  return revs.length <= 4 ? revs.join(', ') : `${revs.slice(0, 3).join(', ')} and ${revs.length - 3} more`;
}

// --- rewriting a down_revision ---------------------------------------------------------------------

export interface ReparentResult {
  file: string;
  /** 1-based line of the rewritten value. */
  line: number;
  before: string;
  after: string;
}

const SQL_MARKER = /^--\s*migrate:/;
const SQL_HEADER = /^(--\s*([A-Za-z_][A-Za-z0-9_]*)\s*:[ \t]*)(.*?)([ \t]*)$/;
// `down_revision = ...`, `down_revision: Union[str, None] = ...` (Python, JS/TS with a type), `down_revision: ...` (a JS object).
const SCRIPT_ASSIGNMENT = /\bdown_revision\s*(?::[^=\n]*=(?!=)|=(?!=)|:)\s*/g;

/**
 * Points `file`'s migration at `newParent` (one id, or several for a merge) by rewriting only its
 * `down_revision` value; every other byte of the file stays as it was. The caller asks first.
 */
export async function reparent(opts: { file: string; newParent: string | readonly string[] }): Promise<ReparentResult> {
  const parents = typeof opts.newParent === 'string' ? [opts.newParent] : [...opts.newParent];
  checkParents(parents);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(opts.file);
  } catch (err) {
    throw new MigrationChainError('io', `Cannot read ${opts.file}: ${(err as Error).message}`, undefined, { cause: err });
  }
  // latin1 maps every byte to one character and back, so untouched bytes are written back exactly.
  const text = bytes.toString('latin1');
  const edit = downRevisionEdit(opts.file, text, parents);
  const updated = text.slice(0, edit.start) + edit.replacement + text.slice(edit.end);
  // Written beside the real file and renamed over it: an interrupted write never leaves half a
  // migration, and a symlinked migration stays a symlink.
  const real = await fs.realpath(opts.file);
  const tmp = `${real}.reparent-${process.pid}.tmp`;
  try {
    const { mode } = await fs.stat(real);
    await fs.writeFile(tmp, Buffer.from(updated, 'latin1'), { mode });
    await fs.rename(tmp, real);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw new MigrationChainError('io', `Cannot write ${opts.file}: ${(err as Error).message}`, undefined, { cause: err });
  }
  return { file: opts.file, line: new LineIndex(text).lineAt(edit.start), before: text.slice(edit.start, edit.end), after: edit.replacement };
}

/** A replacement of `text.slice(start, end)`; offsets into the text it was computed from. */
export interface DownRevisionEdit {
  start: number;
  end: number;
  replacement: string;
}
type Edit = DownRevisionEdit;

function checkParents(parents: readonly string[]): void {
  if (parents.length === 0) throw new MigrationChainError('usage', 'reparent needs at least one new parent revision.');
  for (const p of parents) {
    const problem = revisionIdProblem(p);
    if (problem) throw new MigrationChainError('usage', `New parent revision ${problem}.`);
  }
}

/**
 * The edit that points the migration in `text` (the content of `file`, whose extension picks the
 * format) at `parents`, touching only the down_revision value. Pure: the editor applies it as a
 * WorkspaceEdit (undoable), `reparent` writes it to disk.
 */
export function downRevisionEdit(file: string, text: string, parents: readonly string[]): DownRevisionEdit {
  checkParents(parents);
  const format = formatOf(file);
  if (!format) {
    throw new MigrationChainError('usage', `${file}: cannot re-parent a '${path.extname(file)}' file (expected ${migrationExtensions().map((e) => `.${e}`).join(', ')}).`);
  }
  const list = [...parents];
  switch (format) {
    case 'sql': return sqlEdit(text, list, file);
    case 'py': return scriptEdit(text, maskPython(text), list, 'py', file);
    case 'js': return scriptEdit(text, maskJsComments(text), list, 'js', file);
  }
}

function sqlEdit(text: string, parents: string[], file: string): Edit {
  let offset = 0;
  let revisionLineEnd: { at: number; eol: string } | undefined;
  while (offset < text.length) {
    const nl = text.indexOf('\n', offset);
    const end = nl === -1 ? text.length : nl;
    const hasCr = end > offset && text[end - 1] === '\r';
    const line = text.slice(offset, hasCr ? end - 1 : end);
    // In latin1 a UTF-8 byte-order mark reads as these three characters.
    const lead = line.length - line.replace(/^(\xEF\xBB\xBF|\s)*/, '').length;
    if (SQL_MARKER.test(line.slice(lead))) break;
    const m = SQL_HEADER.exec(line.slice(lead));
    if (m && m[2] === 'down_revision') {
      const start = offset + lead + m[1].length;
      return { start, end: start + m[3].length, replacement: parents.join(', ') };
    }
    if (m && m[2] === 'revision') revisionLineEnd = { at: end + (nl === -1 ? 0 : 1), eol: hasCr ? '\r\n' : '\n' };
    offset = end + 1;
  }
  if (!revisionLineEnd) throw new MigrationChainError('usage', `${file}: no '-- revision:' header, so this is not a migration.`);
  // A base written without a down_revision line: add one right after the revision line.
  const { at, eol } = revisionLineEnd;
  const needsBreak = at === text.length && !text.endsWith('\n');
  return { start: at, end: at, replacement: `${needsBreak ? eol : ''}-- down_revision: ${parents.join(', ')}${eol}` };
}

function scriptEdit(text: string, masked: string, parents: string[], lang: 'py' | 'js', file: string): Edit {
  SCRIPT_ASSIGNMENT.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SCRIPT_ASSIGNMENT.exec(masked))) {
    const lineStart = masked.lastIndexOf('\n', m.index) + 1;
    // Python: only a module-level assignment counts (not one inside a function).
    if (lang === 'py' && m.index !== lineStart) continue;
    const start = m.index + m[0].length;
    const end = valueEnd(masked, start);
    if (end === undefined) {
      throw new MigrationChainError('usage', `${file}:${new LineIndex(text).lineAt(start)}: down_revision is not a literal this tool can rewrite.`,
        'Edit the down_revision by hand.');
    }
    const quote = /^[rRuU]{0,2}(["'])/.exec(text.slice(start, end))?.[1] ?? "'";
    const q = (id: string) => `${quote}${id}${quote}`;
    const replacement = parents.length === 1
      ? q(parents[0])
      : lang === 'py' ? `(${parents.map(q).join(', ')})` : `[${parents.map(q).join(', ')}]`;
    return { start, end, replacement };
  }
  throw new MigrationChainError('usage', `${file}: no down_revision assignment found.`, 'Add the down_revision by hand.');
}

/** End offset of the literal starting at `i`: a quoted string, a bare word (None, null) or a bracketed list. */
function valueEnd(text: string, i: number): number | undefined {
  const prefix = /^[rRuU]{0,2}(?=["'])/.exec(text.slice(i, i + 3))?.[0].length ?? 0;
  const c = text[i + prefix];
  if (c === '"' || c === "'") {
    for (let k = i + prefix + 1; k < text.length; k++) {
      if (text[k] === '\\') { k++; continue; }
      if (text[k] === '\n') return undefined;
      if (text[k] === c) return k + 1;
    }
    return undefined;
  }
  if (c === '(' || c === '[') {
    const close = c === '(' ? ')' : ']';
    for (let k = i + 1; k < text.length; k++) {
      if (text[k] === '"' || text[k] === "'") {
        const end = valueEnd(text, k);
        if (end === undefined) return undefined;
        k = end - 1;
      } else if (text[k] === close) {
        return k + 1;
      } else if (text[k] === '(' || text[k] === '[') {
        return undefined;
      }
    }
    return undefined;
  }
  const word = /^[A-Za-z_$][\w$]*/.exec(text.slice(i, i + 40))?.[0];
  return word && ['None', 'null', 'undefined'].includes(word) ? i + word.length : undefined;
}

/**
 * Files that may belong to the chain but could not be read (an error on a file that produced no
 * migration). A dropped file can make a false head, so no head advice is given while there are any.
 */
export function unreadFiles(chain: Chain): string[] {
  const read = new Set(chain.migrations.map((m) => m.file));
  const unread = chain.diagnostics.filter((d) => d.severity === 'error' && d.file && !read.has(d.file)).map((d) => d.file!);
  // A file that lost a duplicated revision id is read but left out of the graph: its parents are not edges.
  for (const m of chain.migrations) if (chain.graph.get(m.revision)?.file !== m.file) unread.push(m.file);
  return [...new Set(unread)].sort();
}
