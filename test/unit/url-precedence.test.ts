// The one database-URL order (core/db/url-precedence.ts), tested once: the CLI and the editor both
// read their sources through it (their own tests check they pass the right readers).
import * as assert from 'node:assert';
import { inUrlPrecedence, nonEmptyUrl, URL_PRECEDENCE } from '../../src/core/db/url-precedence';

describe('database URL precedence', () => {
  it('is: what the person named for this tool, then the process environment, then the .env file, then alembic.ini', () => {
    assert.deepStrictEqual(URL_PRECEDENCE, ['flag', 'secret', 'setting', 'environment', 'env-file', 'alembic-ini']);
  });

  it('orders whichever readers a side has, whatever order they were written in', () => {
    const order = inUrlPrecedence({ 'env-file': 'f', environment: 'e', secret: 's' }).map(([id]) => id);
    assert.deepStrictEqual(order, ['secret', 'environment', 'env-file']);
    assert.deepStrictEqual(inUrlPrecedence({}), []);
  });

  it('treats blank values as absent', () => {
    assert.strictEqual(nonEmptyUrl('  '), undefined);
    assert.strictEqual(nonEmptyUrl(undefined), undefined);
    assert.strictEqual(nonEmptyUrl(' postgres://h/db '), 'postgres://h/db');
  });
});
