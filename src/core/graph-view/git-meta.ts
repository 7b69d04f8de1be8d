// Who last changed each migration file and when, from git: ONE `git log` over the migrations
// folder (newest first; the first commit that names a file is its last change), cached by the
// repository's HEAD so a re-render after a save costs one `git rev-parse`. And the way back for a
// ghost node: the last version of a deleted file that defined a given revision.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { FORMATS, formatOf } from '../chain/formats';
import { MigrationChainError } from '../errors';

export interface FileCommit {
  author: string;
  /** ISO 8601 author date. */
  date: string;
  commit: string;
}

/** Runs git as argv (no shell) in `cwd`; resolves stdout, rejects with git's stderr. */
export function git(cwd: string, args: readonly string[], maxBuffer = 64 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer, encoding: 'utf8', windowsHide: true }, (err, stdout, stderr) => {
      if (err) reject(new MigrationChainError('io', `git ${args[0]} failed in ${cwd}: ${(stderr || err.message).trim()}`, undefined, { cause: err }));
      else resolve(stdout);
    });
  });
}

const SEP = '\x1f';
const START = '\x1e';

/** Parses `git log --name-only --format=<START>%H<SEP>%an<SEP>%aI`; exported for tests. */
export function parseFileLog(out: string, root: string): Map<string, FileCommit> {
  const files = new Map<string, FileCommit>();
  for (const block of out.split(START)) {
    if (!block.trim()) continue;
    const [head, ...names] = block.split('\n');
    const [commit, author, date] = head.split(SEP);
    if (!commit || !date) continue;
    for (const name of names) {
      const rel = name.trim();
      if (!rel) continue;
      const abs = path.resolve(root, rel);
      if (!files.has(abs)) files.set(abs, { commit, author: author ?? '', date });
    }
  }
  return files;
}

const cache = new Map<string, { head: string; files: Map<string, FileCommit> }>();

/**
 * The last commit of every file under `dir`, by absolute path. Files never committed are absent.
 * Undefined when `dir` is not in a git work tree or git is missing (the graph shows no author then).
 */
export async function lastCommits(dir: string): Promise<Map<string, FileCommit> | undefined> {
  let root: string;
  let head: string;
  try {
    [root, head] = (await git(dir, ['rev-parse', '--show-toplevel', 'HEAD'])).trim().split('\n');
  } catch {
    return undefined;
  }
  const key = path.resolve(dir);
  const hit = cache.get(key);
  if (hit && hit.head === head) return hit.files;
  const out = await git(root, ['log', `--format=${START}%H${SEP}%an${SEP}%aI`, '--name-only', '--no-renames', '--', path.relative(root, key) || '.']);
  const files = parseFileLog(out, root);
  cache.set(key, { head, files });
  return files;
}

export interface DeletedRevisionFile {
  /** Repository-relative path the file had. */
  path: string;
  /** The same as an absolute path in the work tree (where "Restore from git" puts it back). */
  file: string;
  /** The commit whose parent still had it; undefined for a deletion not committed yet (the text is HEAD's). */
  deletedIn?: string;
  text: string;
}

/**
 * The file under `dir` whose text defines `revision` (its revision header or assignment names it)
 * and that is gone: first a deletion not committed yet (`git diff HEAD --diff-filter=D`, staged or
 * not; the text is HEAD's), then the newest committed deletion (`git show <deleting commit>^:<path>`,
 * among the 200 newest). Undefined when none defines it.
 */
export async function findDeletedRevision(dir: string, revision: string): Promise<DeletedRevisionFile | undefined> {
  const root = (await git(dir, ['rev-parse', '--show-toplevel'])).trim();
  const rel = path.relative(root, path.resolve(dir)) || '.';
  const defining = async (names: string[], objectOf: (name: string) => string): Promise<{ name: string; text: string } | undefined> => {
    // The likely file first: Alembic and this tool both start the file name with the id.
    const ordered = names.map((n) => n.trim()).filter((n) => n && formatOf(n))
      .sort((a, b) => Number(!path.basename(a).startsWith(revision)) - Number(!path.basename(b).startsWith(revision)));
    for (const name of ordered) {
      let text: string;
      try {
        text = await git(root, ['show', objectOf(name)]);
      } catch {
        continue;
      }
      // Read as the chain reads it: the format's own parser says which revision the file defines.
      const format = formatOf(name);
      const parsed = format ? FORMATS[format].parse(path.join(root, name), text) : undefined;
      if (parsed?.ok && parsed.migration.revision === revision) return { name, text };
    }
    return undefined;
  };
  // No HEAD yet (a repository without commits): nothing was committed, so nothing can be restored.
  const uncommitted = await git(root, ['diff', 'HEAD', '--name-only', '--no-renames', '--diff-filter=D', '--', rel]).catch(() => '');
  const fromHead = await defining(uncommitted.split('\n'), (name) => `HEAD:${name}`);
  if (fromHead) return { path: fromHead.name, file: path.join(root, fromHead.name), text: fromHead.text };
  const out = await git(root, ['log', '--diff-filter=D', `--format=${START}%H${SEP}${SEP}`, '--name-only', '--no-renames', '-n', '200', '--', rel]);
  for (const block of out.split(START)) {
    const [head, ...names] = block.split('\n');
    const commit = head.split(SEP)[0];
    if (!commit) continue;
    const found = await defining(names, (name) => `${commit}^:${name}`);
    if (found) return { path: found.name, file: path.join(root, found.name), deletedIn: commit, text: found.text };
  }
  return undefined;
}
