// The engine of a chain, chosen once from the chain's project: an Alembic project runs through its
// own Alembic, any other chain through the native runner. Front ends call `chainEngine` and never
// ask which one they got.
import type { Chain } from '../chain/chain';
import type { AlembicProject } from '../alembic/project';
import { alembicChainEngine, type AlembicSetup } from './alembic';
import type { ChainEngine } from './engine';
import { nativeChainEngine } from './native';

export * from './engine';
export type { AlembicSetup } from './alembic';

export function chainEngine(chain: Chain, project: AlembicProject | undefined, alembic: AlembicSetup = {}): ChainEngine {
  return project ? alembicChainEngine(chain, project, alembic) : nativeChainEngine(chain);
}
