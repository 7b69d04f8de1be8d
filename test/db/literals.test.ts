// Values inlined into SQL (version rows and audit rows travel in multi-statement query strings)
// must read back unchanged whatever the server's standard_conforming_strings says.
import { strict as assert } from 'node:assert';
import { Client } from 'pg';
import { quoteLiteral } from '../../src/core/db/identifiers';
import { freshDatabaseUrl } from '../support/db-hooks';

const VALUES = ['plain', "it's", 'back\\slash', "\\'; DROP TABLE x; --", '\\', "''", 'ünïcödé 🐘', 'E\'x\''];

describe('quoteLiteral on a real server', () => {
  for (const setting of ['on', 'off']) {
    it(`reads back every value with standard_conforming_strings = ${setting}`, async () => {
      const client = new Client({ connectionString: await freshDatabaseUrl() });
      await client.connect();
      try {
        await client.query(`SET standard_conforming_strings = ${setting}`);
        await client.query('SET escape_string_warning = off');
        for (const value of VALUES) {
          const { rows } = await client.query<{ v: string }>(`SELECT ${quoteLiteral(value)}::text AS v`);
          assert.equal(rows[0].v, value, `${quoteLiteral(value)} with standard_conforming_strings = ${setting}`);
        }
      } finally {
        await client.end();
      }
    });
  }
});
