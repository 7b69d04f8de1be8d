// lock_timeout at run time, against a real blocking transaction: the migration gives up after a
// bounded number of attempts with a message naming the blocking session, is rolled back, the
// version row does not move; once the blocker ends, the same upgrade succeeds.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { loadChain } from '../../src/core/chain/load';
import { StatementLockTimeoutError } from '../../src/core/errors';
import type { Logger } from '../../src/core/log';
import { LOCK_TIMEOUT_ATTEMPTS, upgrade } from '../../src/core/run/runner';
// The runner names blockers through the finder its caller passes (the native engine passes this one).
import { describeBlockers } from '../../src/core/lint/blockers';
import { freshDatabaseUrl } from '../support/db-hooks';

function revision(dir: string, id: string, parent: string | null, sql: string): void {
  fs.writeFileSync(path.join(dir, `${id}_step.sql`), `-- revision: ${id}\n-- down_revision: ${parent ?? 'None'}\n-- message: step\n\n-- migrate:upgrade\n${sql}\n`);
}

describe('lock_timeout at run time (real blocking session)', function () {
  this.timeout(120_000);

  it('gives up naming the blocker, rolls back, keeps the version; succeeds after the blocker ends', async () => {
    const url = await freshDatabaseUrl('lint_timeout');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-lock-timeout-'));
    const blocker = new Client({ connectionString: url, application_name: 'long-report' });
    try {
      revision(dir, 'aaaaaaaaaaa1', null, 'CREATE TABLE accounts (id int PRIMARY KEY);');
      await upgrade({ chain: await loadChain(dir), url });
      revision(dir, 'bbbbbbbbbbb2', 'aaaaaaaaaaa1', 'CREATE TABLE other (id int);\nALTER TABLE accounts ADD COLUMN nickname text;');
      const chain = await loadChain(dir);

      await blocker.connect();
      const blockerPid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      await blocker.query('BEGIN; SELECT count(*) FROM accounts');

      const warnings: string[] = [];
      const logger: Logger = { info() {}, debug() {}, error() {}, warn: (m) => warnings.push(m) };
      const failure = await upgrade({ chain, url, logger, statementLockTimeoutMs: 200, findBlockers: describeBlockers }).then(() => undefined, (err: unknown) => err);
      assert.ok(failure instanceof StatementLockTimeoutError, `expected a StatementLockTimeoutError, got ${String(failure)}`);
      assert.match(failure.message, new RegExp(`gave up after ${LOCK_TIMEOUT_ATTEMPTS} attempts`));
      assert.match(failure.message, new RegExp(`pid ${blockerPid} \\(long-report, idle in transaction, query started \\d{4}-`));
      assert.match(failure.message, /holds ACCESS SHARE on public\.accounts: BEGIN; SELECT count\(\*\) FROM accounts/);
      assert.match(failure.message, /ALTER TABLE accounts ADD COLUMN nickname text/);
      assert.match(failure.message, /rolled back; the database stays at aaaaaaaaaaa1/);
      assert.equal(warnings.filter((w) => /retrying/.test(w)).length, LOCK_TIMEOUT_ATTEMPTS - 1);

      const check = new Client({ connectionString: url });
      await check.connect();
      const state = async () => ({
        version: (await check.query<{ v: string }>('SELECT version_num AS v FROM alembic_version')).rows.map((r) => r.v),
        other: (await check.query("SELECT 1 FROM pg_class WHERE relname = 'other'")).rowCount,
        nickname: (await check.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'nickname'")).rowCount,
      });
      assert.deepEqual(await state(), { version: ['aaaaaaaaaaa1'], other: 0, nickname: 0 });

      await blocker.query('COMMIT');
      const done = await upgrade({ chain, url, statementLockTimeoutMs: 200 });
      assert.deepEqual(done.applied, ['bbbbbbbbbbb2']);
      assert.deepEqual(await state(), { version: ['bbbbbbbbbbb2'], other: 1, nickname: 1 });
      await check.end();
    } finally {
      await blocker.end().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
