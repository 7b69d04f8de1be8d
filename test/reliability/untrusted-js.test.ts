// JS migrations are code. Drawing the tree, the CodeLens or a status must read their headers as
// text: a module whose top level writes a marker file must never run while the chain is loaded,
// listed or compared with the database.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freshDatabaseUrl } from '../support/db-hooks';
import * as core from '../../src/core';
import { describeRun, runCli } from './support/cli';

const REVISION = 'c9c9c9c9c9c9';
const CHILD = 'd0d0d0d0d0d0';

function writeTrap(dir: string, name: string, marker: string, revision: string, parent: string | null): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, [
    `// Its top level leaves a marker, like any code with side effects would.`,
    `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'executed ' + __filename);`,
    `exports.revision = '${revision}';`,
    `exports.down_revision = ${parent === null ? 'null' : `'${parent}'`};`,
    `exports.message = 'trap';`,
    `exports.upgrade = async (ctx) => { await ctx.client.query('SELECT 1'); };`,
    `exports.downgrade = async (ctx) => { await ctx.client.query('SELECT 1'); };`,
    '',
  ].join('\n'));
  return file;
}

describe('untrusted JS migrations are never executed to read the chain', function () {
  this.timeout(60_000);
  let dir: string;
  let marker: string;
  let trap: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-untrusted-'));
    marker = path.join(dir, '..', `${path.basename(dir)}.executed`);
    trap = writeTrap(dir, `${REVISION}_trap.js`, marker, REVISION, null);
    writeTrap(dir, `${CHILD}_trap.cjs`, marker, CHILD, REVISION);
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(marker, { force: true });
  });

  it('the trap works: require() leaves the marker (control)', () => {
    require(trap);
    delete require.cache[require.resolve(trap)];
    assert.ok(fs.existsSync(marker), 'the trap did not write its marker, so the tests below would prove nothing');
  });

  it('loadChain and getStatus read the headers without executing the module', async () => {
    const chain = await core.loadChain(dir);
    assert.deepEqual(chain.graph.topologicalOrder(), [REVISION, CHILD], 'the headers were read as text');
    const status = await core.getStatus(chain, { url: await freshDatabaseUrl('mc_untrusted') });
    assert.deepEqual(status.pending, [REVISION, CHILD]);
    assert.ok(!fs.existsSync(marker), 'loading the chain or its status executed a JS migration');
  });

  it('CLI commands that only read (check, history, heads, status, upgrade --sql) do not execute it', async () => {
    const url = await freshDatabaseUrl('mc_untrusted');
    for (const args of [['check'], ['history', '--verbose'], ['heads'], ['status'], ['current']]) {
      const full = [...args, '--dir', dir, '--url', url];
      const r = await runCli(full);
      assert.equal(r.code, 0, describeRun(full, r));
      assert.ok(!fs.existsSync(marker), `\`migration-chain ${args.join(' ')}\` executed a JS migration`);
    }
  });
});
