// Multiple-heads advice against a real database: which branches the database applied decides
// between re-parenting and a merge revision; following the re-parent advice gives a chain the
// database upgrades along.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { adviseHeads, reparent } from '../../src/core/advice/heads';
import { loadChain } from '../../src/core/chain/load';
import type { Chain } from '../../src/core/chain/chain';
import { withConnection } from '../../src/core/db/client';
import { readHeads } from '../../src/core/db/version-table';
import { bookkeeping } from '../../src/core/db/bookkeeping';
import { upgrade } from '../../src/core/run/runner';
import { REPO_ROOT } from '../reliability/support/cli';
import { freshDatabaseUrl } from '../support/db-hooks';

const TWO_HEADS_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'advice-two-heads');
const BASE = 'aa0000000001';
const EMAIL = 'bb0000000002';
const NOTES = 'cc0000000003';

async function appliedSet(chain: Chain, url: string): Promise<Set<string>> {
  const heads = await withConnection(url, {}, (c) => readHeads(c, bookkeeping()));
  return chain.graph.appliedSet(heads);
}

describe('multiple heads advice (real PostgreSQL)', function () {
  this.timeout(60_000);
  let dir: string;
  let chain: Chain;

  beforeEach(async () => {
    // A private copy: the re-parent test edits a file.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-advice-'));
    fs.cpSync(TWO_HEADS_DIR, dir, { recursive: true });
    chain = await loadChain(dir);
    assert.deepEqual(chain.graph.heads, [EMAIL, NOTES]);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a database that applied only the shared base: re-parenting is safe, and doing it gives one head the database upgrades to', async () => {
    const url = await freshDatabaseUrl('mc_advice_safe');
    await upgrade({ chain, url, target: BASE });

    const [advice, ...others] = adviseHeads(chain.graph, await appliedSet(chain, url));
    assert.equal(others.length, 0);
    assert.equal(advice.advice, 'reparent-safe');
    assert.deepEqual(advice.applied, [[], []]);
    assert.match(advice.reason, /applied neither branch/);
    assert.ok(advice.reparent, 'a re-parent suggestion');
    const { revision, file, to } = advice.reparent;

    await reparent({ file, newParent: to });
    const linear = await loadChain(dir);
    assert.equal(linear.graph.heads.length, 1);
    assert.deepEqual(linear.graph.parents(revision), [to]);
    const result = await upgrade({ chain: linear, url });
    assert.deepEqual(result.applied, [to, revision]);
  });

  it('a database that applied one branch: a merge revision is required', async () => {
    const url = await freshDatabaseUrl('mc_advice_merge');
    await upgrade({ chain, url, target: EMAIL });

    const [advice] = adviseHeads(chain.graph, await appliedSet(chain, url));
    assert.equal(advice.advice, 'merge-required');
    assert.deepEqual(advice.heads, [EMAIL, NOTES]);
    assert.deepEqual(advice.applied, [[EMAIL], []]);
    assert.equal(advice.reparent, undefined);
    assert.match(advice.reason, new RegExp(`applied ${EMAIL} from ${EMAIL}'s branch`));
    assert.match(advice.reason, new RegExp(`merge revision with ${EMAIL} and ${NOTES} as parents`));
  });

  it('a database that applied both branches: a merge revision is required', async () => {
    const url = await freshDatabaseUrl('mc_advice_both');
    await upgrade({ chain, url, target: 'heads' });

    const [advice] = adviseHeads(chain.graph, await appliedSet(chain, url));
    assert.equal(advice.advice, 'merge-required');
    assert.deepEqual(advice.applied, [[EMAIL], [NOTES]]);
    assert.match(advice.reason, /both branches/);
  });
});
