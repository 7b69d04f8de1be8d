// Shared builders for the chain unit tests: migrations from literals, like Alembic's own tests
// (`Revision("b", ("a",))`), and the fixture folder paths.
import * as path from 'node:path';
import type { Migration } from '../../src/core/chain/model';
import type { Chain } from '../../src/core/chain/chain';
import { RevisionGraph } from '../../src/core/chain/graph';
import type { ChainDiagnostic } from '../../src/core/errors';

export const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');
export const SEED = path.resolve(__dirname, '../../../migrations');

export function rev(revision: string, parents: string[] = [], extra: Partial<Migration> = {}): Migration {
  return {
    file: `/m/${revision}.sql`,
    format: 'sql',
    revision,
    downRevisions: parents,
    dependsOn: [],
    branchLabels: [],
    message: revision,
    transactional: true,
    revisionLine: 1,
    downRevisionLine: 2,
    hasDowngrade: true,
    hasVerify: false,
    checksum: '',
    ...extra,
  };
}

/** A chain from literal migrations, as loadChain would return it (plus any extra diagnostics). */
export function chainOf(migrations: Migration[], extra: ChainDiagnostic[] = []): Chain {
  const graph = new RevisionGraph(migrations);
  return { dir: '/m', migrations, graph, diagnostics: [...graph.diagnostics, ...extra] };
}
