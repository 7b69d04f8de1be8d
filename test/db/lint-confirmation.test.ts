// The upgrade confirmation's list of blocking locks on large tables, from the real catalog: the core
// list, and the CLI printing it before its question in a terminal and before the run with --yes.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/output';
import { loadChain } from '../../src/core/chain/load';
import { largeTableLocks } from '../../src/core/lint/confirmation';
import { upgrade } from '../../src/core/run/runner';
import { freshDatabaseUrl } from '../support/db-hooks';

const BIG_INDEX_LINE = /^ {2}bbbbbbbbbbb2_step\.sql:6 {2}locks big SHARE · blocks writes · ~1\.1M rows · scans$/m;

describe('lint: large-table locks for the upgrade confirmation', function () {
  this.timeout(120_000);
  let url: string;
  let dir: string;

  before(async () => {
    url = await freshDatabaseUrl('lint_confirm');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-lint-confirm-'));
    const write = (id: string, parent: string | null, sql: string) => fs.writeFileSync(path.join(dir, `${id}_step.sql`),
      `-- revision: ${id}\n-- down_revision: ${parent ?? 'None'}\n-- message: step\n\n-- migrate:upgrade\n${sql}\n`);
    write('aaaaaaaaaaa1', null, 'CREATE TABLE big (id int, note text);\nCREATE TABLE small (id int);');
    await upgrade({ chain: await loadChain(dir), url });
    const c = new Client({ connectionString: url });
    await c.connect();
    // 1.1 million rows: the catalog's reltuples after ANALYZE puts the table over the 1M threshold.
    await c.query('INSERT INTO big SELECT g FROM generate_series(1, 1100000) g; INSERT INTO small VALUES (1); ANALYZE big; ANALYZE small');
    await c.end();
    write('bbbbbbbbbbb2', 'aaaaaaaaaaa1', 'CREATE INDEX big_note_idx ON big (note);\nCREATE INDEX small_id_idx ON small (id);\nSELECT count(*) FROM big;');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists the blocking lock on the large table only', async () => {
    const lines = await largeTableLocks(await loadChain(dir), ['bbbbbbbbbbb2'], url);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(`  ${lines[0]}`, BIG_INDEX_LINE);
  });

  it('with no large table in the database, the pending revisions are not read (an Alembic project\'s offline run is not started)', async () => {
    const versions = path.resolve(__dirname, '..', '..', '..', 'examples', 'alembic-backend', 'backend', 'alembic', 'versions');
    const chain = await loadChain(versions);
    const revisions = chain.graph.topologicalOrder();
    let asked = 0;
    const alembic = () => { asked++; throw new Error('Alembic offline SQL was asked for'); };
    assert.deepEqual(await largeTableLocks(chain, revisions, await freshDatabaseUrl('lint_confirm_small'), alembic), []);
    assert.equal(asked, 0, 'no large table: Alembic is not asked for the offline SQL');
    // The control: with a large table in the database the .py revisions are read through Alembic.
    await largeTableLocks(chain, revisions, url, alembic).catch(() => undefined);
    assert.ok(asked > 0, 'a large table: the pending revisions are read');
  });

  it('the CLI lists it before asking in a terminal, and before running with --yes', async () => {
    const asked: string[] = [];
    const refused = await runCli(['upgrade', '--dir', dir, '--url', url], { stdinIsTTY: true, ask: async (q) => { asked.push(q); return 'n'; } });
    assert.equal(refused.code, 8, refused.stderr);
    assert.equal(asked.length, 1, 'one question');
    // Nothing else is risky in this upgrade: the large-table lock alone is what makes it ask.
    assert.match(refused.stderr, /applies 1 migration\(s\), with:\nBlocking locks on large tables \(≥ 1M rows or 1 GB\):\n/);
    assert.match(refused.stderr, BIG_INDEX_LINE);
    assert.doesNotMatch(refused.stderr, /small/);
    assert.deepEqual(await versions(url), ['aaaaaaaaaaa1'], 'not confirmed: nothing ran');

    const confirmed = await runCli(['upgrade', '--dir', dir, '--url', url, '--yes'], { stdinIsTTY: false, ask: async () => assert.fail('--yes asks nothing') });
    assert.equal(confirmed.code, 0, confirmed.stderr);
    assert.match(confirmed.stderr, BIG_INDEX_LINE);
    assert.ok(confirmed.stderr.indexOf('Blocking locks on large tables') < confirmed.stderr.indexOf('bbbbbbbbbbb2 '), 'listed before the run');
    assert.deepEqual(await versions(url), ['bbbbbbbbbbb2']);
  });
});

async function runCli(argv: string[], io: Pick<CliIo, 'stdinIsTTY' | 'ask'>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    cwd: os.tmpdir(),
    ...io,
  });
  return { code, stdout, stderr };
}

async function versions(url: string): Promise<string[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ version_num: string }>('SELECT version_num FROM alembic_version ORDER BY 1')).rows.map((r) => r.version_num);
  } finally {
    await c.end();
  }
}
