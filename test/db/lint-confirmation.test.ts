// The upgrade confirmation's list of blocking locks on large tables, from the real catalog.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { loadChain } from '../../src/core/chain/load';
import { largeTableLocks } from '../../src/core/lint/confirmation';
import { upgrade } from '../../src/core/run/runner';
import { freshDatabaseUrl } from '../support/db-hooks';

describe('lint: large-table locks for the upgrade confirmation', function () {
  this.timeout(120_000);

  it('lists the blocking lock on the large table only', async () => {
    const url = await freshDatabaseUrl('lint_confirm');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-lint-confirm-'));
    const write = (id: string, parent: string | null, sql: string) => fs.writeFileSync(path.join(dir, `${id}_step.sql`),
      `-- revision: ${id}\n-- down_revision: ${parent ?? 'None'}\n-- message: step\n\n-- migrate:upgrade\n${sql}\n`);
    try {
      write('aaaaaaaaaaa1', null, 'CREATE TABLE big (id int, note text);\nCREATE TABLE small (id int);');
      await upgrade({ chain: await loadChain(dir), url });
      const c = new Client({ connectionString: url });
      await c.connect();
      // 1.1 million rows: the catalog's reltuples after ANALYZE puts the table over the 1M threshold.
      await c.query('INSERT INTO big SELECT g FROM generate_series(1, 1100000) g; INSERT INTO small VALUES (1); ANALYZE big; ANALYZE small');
      await c.end();
      write('bbbbbbbbbbb2', 'aaaaaaaaaaa1', 'CREATE INDEX big_note_idx ON big (note);\nCREATE INDEX small_id_idx ON small (id);\nSELECT count(*) FROM big;');
      const lines = await largeTableLocks(await loadChain(dir), ['bbbbbbbbbbb2'], url);
      assert.equal(lines.length, 1, lines.join('\n'));
      assert.match(lines[0], /^bbbbbbbbbbb2_step\.sql:6 {2}locks big SHARE · blocks writes · ~1\.1M rows · scans$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
