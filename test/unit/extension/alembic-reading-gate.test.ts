// The editor reads an Alembic project through Alembic (which executes its revision files) only in a
// trusted workspace and only for a chain that belongs to an Alembic project.
import * as assert from 'assert';
import { mayReadThroughAlembic } from '../../../src/extension/chains/alembic-reading-gate';
import type { Chain } from '../../../src/core/chain/chain';
import { RevisionGraph } from '../../../src/core/chain/graph';

const chain: Chain = { dir: '/p/versions', migrations: [], graph: new RevisionGraph([]), diagnostics: [] };
const project = { iniFile: '/p/alembic.ini', dir: '/p' };

describe('reading through Alembic: the gate', () => {
  it('runs only trusted, for an Alembic project\'s chain', () => {
    assert.strictEqual(mayReadThroughAlembic({ trusted: true, project, chain }), true);
    assert.strictEqual(mayReadThroughAlembic({ trusted: false, project, chain }), false, 'never in Restricted Mode');
    assert.strictEqual(mayReadThroughAlembic({ trusted: true, project: undefined, chain }), false, 'a native chain has no Alembic');
    assert.strictEqual(mayReadThroughAlembic({ trusted: true, project, chain: undefined }), false);
  });
});
