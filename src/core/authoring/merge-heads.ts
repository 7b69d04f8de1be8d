// `merge`: a revision whose down_revision lists every head, like `alembic merge heads`.
import { MigrationChainError } from '../errors';
import { loadChain } from '../chain/load';
import { writeMigration, type CreatedRevision } from './create-revision';

export interface MergeHeadsOptions {
  message?: string;
}

export async function mergeHeads(dir: string, opts: MergeHeadsOptions = {}): Promise<CreatedRevision> {
  const chain = await loadChain(dir);
  const heads = chain.graph.heads;
  if (heads.length < 2) {
    throw new MigrationChainError('usage',
      `Nothing to merge: the chain in ${chain.dir} has ${heads.length === 0 ? 'no head' : `one head (${heads[0]})`}`,
      'Merge Heads is for a chain with two or more heads.');
  }
  return writeMigration(dir, chain, opts.message ?? `merge heads ${heads.join(', ')}`, heads);
}
