// Chains and statuses as literals for the editor models' tests: a real RevisionGraph over
// hand-written migrations, and a fake status source standing in for getStatus.
import { RevisionGraph } from '../../../src/core/chain/graph';
import type { Migration } from '../../../src/core/chain/model';
import type { Chain } from '../../../src/core/chain/chain';
import type { ChainDiagnostic } from '../../../src/core/errors';
import type { ChainStatus, DatabaseTarget, RevisionState } from '../../../src/extension/core';
import type { FolderSnapshot } from '../../../src/extension/chains/folder-snapshot';

export const FOLDER = { name: 'app', uri: 'file:///srv/app', fsPath: '/srv/app' };

export function migration(revision: string, parents: string[] = [], extra: Partial<Migration> = {}): Migration {
  return {
    file: `/srv/app/migrations/${revision}_step.sql`,
    format: 'sql',
    revision,
    downRevisions: parents,
    dependsOn: [],
    branchLabels: [],
    message: `step ${revision}`,
    transactional: true,
    revisionLine: 1,
    downRevisionLine: 2,
    upgrade: { text: 'SELECT 1;', line: 6 },
    downgrade: { text: 'SELECT 1;', line: 9 },
    hasDowngrade: true,
    hasVerify: false,
    checksum: 'x',
    ...extra,
  };
}

export function chainOf(migrations: Migration[], parseDiagnostics: ChainDiagnostic[] = []): Chain {
  const graph = new RevisionGraph(migrations);
  return { dir: '/srv/app/migrations', migrations, graph, diagnostics: [...parseDiagnostics, ...graph.diagnostics] };
}

/** The seed's chain: 000000000000 → 4b9608290b5d → add_discovery_query → 556b79de2825. */
export function seedChain(): Chain {
  return chainOf([
    migration('000000000000', [], { message: 'create base tables' }),
    migration('4b9608290b5d', ['000000000000'], { message: 'add settings table' }),
    migration('add_discovery_query', ['4b9608290b5d'], { message: 'add discovery query table' }),
    migration('556b79de2825', ['add_discovery_query'], { message: 'add discovery_query_id to prospects' }),
  ]);
}

export const TARGET: DatabaseTarget = {
  host: 'localhost', port: 5432, database: 'app_dev', user: 'dev', isLocal: true,
  display: 'postgresql://dev:****@localhost:5432/app_dev',
};

export function statusOf(states: Record<string, RevisionState | [RevisionState, Date]>, heads: string[], unknown: ChainStatus['unknown'] = []): ChainStatus {
  const revisions = new Map<string, { state: RevisionState; appliedAt?: Date }>();
  for (const [rev, s] of Object.entries(states)) {
    revisions.set(rev, Array.isArray(s) ? { state: s[0], appliedAt: s[1] } : { state: s });
  }
  return {
    target: TARGET,
    versionTableExists: true,
    heads,
    unknown,
    revisions,
    pending: Object.entries(states).filter(([, s]) => (Array.isArray(s) ? s[0] : s) === 'pending').map(([r]) => r),
  };
}

export function connected(chain: Chain, status: ChainStatus): FolderSnapshot {
  return {
    folder: FOLDER,
    migrationsDir: chain.dir,
    chain,
    status,
    connection: { source: { kind: 'secret' }, label: 'the stored secret (Set Database URL)', target: status.target },
  };
}

export function disconnected(chain: Chain, d: FolderSnapshot['disconnected'] = { reason: 'no-url' }): FolderSnapshot {
  return { folder: FOLDER, migrationsDir: chain.dir, chain, disconnected: d };
}
