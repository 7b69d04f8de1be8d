// "Run changed": the revisions whose files differ from a git ref (committed, staged, unstaged or
// untracked). The default ref is where the current branch left its upstream (the merge base), the
// same question a code review asks.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Chain } from '../chain/chain';
import { MigrationChainError } from '../errors';

export interface ChangedSince {
  /** The ref compared against, as given or the merge base found. */
  ref: string;
  revisions: string[];
}

export async function revisionsChangedSince(chain: Chain, ref?: string): Promise<ChangedSince> {
  const cwd = chain.dir;
  const root = (await git(cwd, ['rev-parse', '--show-toplevel'], 'find the git repository of')).trim();
  const base = ref ?? (await defaultRef(cwd));
  const tracked = await git(cwd, ['diff', '--name-only', '-z', base, '--', '.'], `compare with ${base} in`);
  const untracked = await git(cwd, ['ls-files', '--others', '--exclude-standard', '-z', '--', '.'], 'list untracked files in');
  const changed = new Set<string>();
  for (const rel of tracked.split('\0').filter(Boolean)) changed.add(await real(path.join(root, rel)));
  // ls-files prints paths relative to the working directory (the chain's folder).
  for (const rel of untracked.split('\0').filter(Boolean)) changed.add(await real(path.join(cwd, rel)));
  const revisions: string[] = [];
  for (const m of chain.migrations) if (changed.has(await real(m.file))) revisions.push(m.revision);
  return { ref: base, revisions };
}

async function defaultRef(cwd: string): Promise<string> {
  try {
    return (await git(cwd, ['merge-base', 'HEAD', '@{upstream}'], 'find the merge base with the upstream branch in')).trim();
  } catch (err) {
    throw new MigrationChainError('usage',
      `Cannot tell what changed: the current branch in ${cwd} has no upstream branch to compare with.`,
      'Name the ref to compare with: --changed-since main (or origin/main, a tag, a commit).', { cause: err });
  }
}

function git(cwd: string, args: string[], what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const reason = (stderr || err.message).trim().split('\n')[0];
      reject(new MigrationChainError('io', `git could not ${what} ${cwd}: ${reason}`,
        (err as { code?: unknown }).code === 'ENOENT' ? 'Install git, or run the whole stairway instead of "changed".' : undefined));
    });
  });
}

async function real(file: string): Promise<string> {
  try {
    return await fs.realpath(file);
  } catch {
    return path.resolve(file); // a deleted file has no real path; it cannot be a migration anyway
  }
}
