// `revision -m MSG`: a new native migration whose parent is the current head, like `alembic revision`.
import { FORMATS } from '../chain/formats';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MigrationChainError, TargetError } from '../errors';
import { loadChain } from '../chain/load';
import type { Chain } from '../chain/chain';
import { renderSqlMigration, slugify } from './template';

export interface CreateRevisionOptions {
  message: string;
  /** Parent revisions (ids, prefixes, labels, `head`); default: the chain's head. */
  parents?: string[];
  format?: 'sql';
  branchLabels?: string[];
}

export interface CreatedRevision {
  file: string;
  revision: string;
}

/** A fresh random 12-hex revision id that no file in the chain uses. */
export function newRevisionId(chain?: Chain): string {
  for (;;) {
    const id = randomBytes(6).toString('hex');
    if (!chain?.graph.has(id)) return id;
  }
}

export async function createRevision(dir: string, opts: CreateRevisionOptions): Promise<CreatedRevision> {
  if (opts.format !== undefined && !FORMATS[opts.format]?.authoring) {
    throw new MigrationChainError('usage', `Unsupported migration format '${String(opts.format)}'`, "Only 'sql' files can be created.");
  }
  await fs.mkdir(dir, { recursive: true });
  const chain = await loadChain(dir);
  let parents: string[];
  if (opts.parents === undefined) {
    parents = chain.graph.heads;
    if (parents.length > 1) {
      throw new TargetError('head', `Multiple heads are present (${parents.join(', ')}); a new revision needs one parent`,
        'Merge the heads first (`migration-chain merge`), or name the parent revision explicitly.');
    }
  } else {
    parents = [];
    for (const p of opts.parents) {
      for (const r of chain.graph.resolve(p, []).revisions) if (!parents.includes(r)) parents.push(r);
    }
  }
  return writeMigration(dir, chain, opts.message, parents, opts.branchLabels);
}

/** Writes `<rev>_<slug>.sql`; never overwrites an existing file. */
export async function writeMigration(
  dir: string,
  chain: Chain,
  message: string,
  parents: readonly string[],
  branchLabels?: readonly string[],
  revision: string = newRevisionId(chain),
  body: { upgrade?: string; downgrade?: string } = {},
): Promise<CreatedRevision> {
  const slug = slugify(message);
  const file = path.join(path.resolve(dir), slug ? `${revision}_${slug}.sql` : `${revision}.sql`);
  try {
    await fs.writeFile(file, renderSqlMigration({ revision, parents, message, branchLabels, ...body }), { flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new MigrationChainError('io',
      code === 'EEXIST' ? `Refusing to overwrite ${file}` : `Cannot write ${file}: ${(err as Error).message}`,
      code === 'EEXIST' ? 'Choose another message, or remove the existing file.' : undefined, { cause: err });
  }
  return { file, revision };
}
