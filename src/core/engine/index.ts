// The engine of a chain, chosen once from the chain's project: an Alembic project runs through its
// own Alembic, any other chain through the native runner. Front ends call `chainEngine` and never
// ask which one they got.
import type { Chain } from '../chain/chain';
import type { AlembicProject } from '../alembic/read/project';
import { alembicChainEngine, type AlembicSetup } from './alembic';
import type { ChainEngine } from './engine';
import { nativeChainEngine } from './native';
import { stamp as runStamp, type StampOptions, type StampResult } from '../run/stamp';
import { runVerifyBlock } from '../verify/blocks';

export * from './engine';
export type { AlembicSetup } from './alembic';

export function chainEngine(chain: Chain, project: AlembicProject | undefined, alembic: AlembicSetup = {}): ChainEngine {
  return project ? alembicChainEngine(chain, project, alembic) : nativeChainEngine(chain);
}

/** stamp (run/stamp.ts) with the verify blocks of the revisions it marks applied checked, as the native engine runs it. */
export function stamp(options: Omit<StampOptions, 'runVerifyBlock'>): Promise<StampResult> {
  return runStamp({ ...options, runVerifyBlock });
}
