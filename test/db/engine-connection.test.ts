// Connection failures are ConnectionErrors that name host, port, database and user — and never
// contain the password, not in the message, the hint, the cause, or anything a logger was told.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { inspect } from 'node:util';
import * as core from '../../src/core';
import { freshDatabaseUrl, server } from '../support/db-hooks';
import { memoryLogger } from '../support/chains';
import { freePort } from '../support/free-port';

const SEED_DIR = path.join(__dirname, '..', '..', '..', 'migrations');

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

function assertNoSecret(err: unknown, secrets: string[], logLines: string[] = []): void {
  const everything = [inspect(err, { depth: 10 }), String((err as Error).message), String((err as { hint?: string }).hint), JSON.stringify(err), ...logLines].join('\n');
  for (const secret of secrets) assert.ok(!everything.includes(secret), `the secret leaked:\n${everything}`);
}

describe('engine connections', () => {
  it('parseDatabaseUrl masks the password and never exposes it', () => {
    const t = core.parseDatabaseUrl('postgres://app:s3cr%40t-pw@db.example.com:6543/prod?sslmode=verify-full&password=other-secret');
    assert.deepEqual(t, {
      host: 'db.example.com', port: 6543, database: 'prod', user: 'app', isLocal: false,
      display: 'postgresql://app:****@db.example.com:6543/prod',
    });
    assert.ok(!JSON.stringify(t).includes('s3cr'));
    assert.equal(core.parseDatabaseUrl('postgres://me@localhost/x').isLocal, true);
    assert.throws(() => core.parseDatabaseUrl('mysql://a:b@c/d'), (e: unknown) => e instanceof core.MigrationChainError && !String(e).includes('a:b'));
  });

  it('a wrong password is a ConnectionError naming the user, without the password anywhere', async () => {
    const chain = await core.loadChain(SEED_DIR);
    const url = await freshDatabaseUrl();
    const wrong = 'Wr0ng-pa55word-xyzzy';
    const log = memoryLogger();
    const err = await core.upgrade({ chain, url: withPassword(url, wrong), logger: log }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof core.ConnectionError, String(err));
    assert.equal(err.code, 'connection');
    assert.match(err.message, /wrong password for user "postgres"/);
    assert.equal(err.target.port, server().port);
    assertNoSecret(err, [wrong, server().password], log.lines);
  });

  it('an unreachable port is a ConnectionError asking whether the server is running', async () => {
    const port = await freePort();
    const url = `postgres://postgres:${encodeURIComponent(server().password)}@127.0.0.1:${port}/nowhere`;
    const err = await core.getStatus(await core.loadChain(SEED_DIR), { url }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof core.ConnectionError, String(err));
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}/nowhere`));
    assert.match(err.hint ?? '', /Is the server running/);
    assertNoSecret(err, [server().password]);
  });

  it('a missing database says so', async () => {
    const url = withPassword(server().adminUrl, server().password).replace(/\/postgres$/, '/no_such_db_here');
    const err = await core.describeDatabase({ url }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof core.ConnectionError, String(err));
    assert.match(err.message, /database "no_such_db_here" does not exist/);
    assertNoSecret(err, [server().password]);
  });

  it('nothing a successful run logs contains the password', async () => {
    const chain = await core.loadChain(SEED_DIR);
    const url = await freshDatabaseUrl();
    const log = memoryLogger();
    await core.reset({ chain, url, logger: log, confirm: async () => true });
    const report = await core.verify({ chain, url, logger: log });
    assert.ok(log.lines.length > 5);
    const everything = [...log.lines, JSON.stringify(report), inspect(report, { depth: 10 })].join('\n');
    assert.ok(!everything.includes(server().password));
    assert.ok(log.lines.some((l) => l.includes('postgresql://postgres:****@')));
  });
});
