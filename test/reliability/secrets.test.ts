// Secrets: every CLI command, on its success and failure paths, and every engine error, with a URL
// whose password is a distinctive canary. The canary must appear nowhere: not on stdout, not on
// stderr (also with --debug), not in an error's message, hint, String(), JSON or inspect() form.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { server } from '../support/db-hooks';
import * as core from '../../src/core';
import { describeRun, runCli, startCli, type CliOptions, type CliResult } from './support/cli';
import { failingChain, removeDir, slowChain, waitForRunningQuery, writeSqlChain } from './support/chains';
import { withClient } from './support/consistency';
import { assertNoSecret, assertOneCleanFailure } from './support/failure-output';
import { freePort } from '../support/free-port';

const CANARY = `S3cr3t-Canary-${randomBytes(6).toString('hex')}`;
const WRONG_CANARY = `S3cr3t-Canary-Wrong-${randomBytes(6).toString('hex')}`;
const ROLE = `mc_canary_${process.pid}`;

function urlWith(base: string, change: { password?: string; host?: string; port?: number; database?: string }): string {
  const u = new URL(base);
  if (change.password !== undefined) u.password = change.password;
  if (change.host !== undefined) u.hostname = change.host;
  if (change.port !== undefined) u.port = String(change.port);
  if (change.database !== undefined) u.pathname = `/${change.database}`;
  return u.toString();
}

/** Every printable form of an error the engine threw. */
function errorForms(err: unknown): Record<string, string> {
  const e = err as { message?: unknown; hint?: unknown };
  return {
    'String(err)': String(err),
    'err.message': String(e.message),
    'err.hint': String(e.hint),
    'JSON.stringify(err)': JSON.stringify(err) ?? '',
    'inspect(err)': inspect(err, { depth: 8 }),
  };
}

describe('secrets: the password never reaches output or error messages', function () {
  this.timeout(120_000);
  let chainDir: string;
  const databases: string[] = [];
  const runs: { name: string; args: string[]; result: CliResult }[] = [];

  async function cli(name: string, args: string[], opts: CliOptions = {}): Promise<CliResult> {
    const result = await runCli(args, opts);
    runs.push({ name, args, result });
    for (const secret of [CANARY, WRONG_CANARY]) assertNoSecret(result.stdout + result.stderr, secret, `${name}: ${describeRun(args, result)}`);
    return result;
  }

  /** A new database owned by the canary role, and its URL with the canary password. */
  async function canaryDatabase(suffix: string): Promise<string> {
    const srv = server();
    const database = `mc_secrets_${process.pid}_${suffix}`;
    await withClient(srv.adminUrl, (c) => c.query(`CREATE DATABASE ${database} OWNER ${ROLE}`));
    databases.push(database);
    return `postgres://${ROLE}:${CANARY}@${srv.host}:${srv.port}/${database}`;
  }

  before(async () => {
    await withClient(server().adminUrl, async (c) => {
      // CREATEDB: `verify --drift` builds the chain in a scratch database.
      const create = await c.query<{ sql: string }>(`SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', $1::text, $2::text) AS sql`, [ROLE, CANARY]);
      await c.query(create.rows[0].sql);
    });
    chainDir = writeSqlChain([
      { revision: 'e5e5e5e5e5e5', upgrade: 'CREATE TABLE s1 (id int PRIMARY KEY);', downgrade: 'DROP TABLE s1;' },
      { revision: 'f6f6f6f6f6f6', parent: 'e5e5e5e5e5e5', upgrade: 'CREATE TABLE s2 (id int REFERENCES s1);', downgrade: 'DROP TABLE s2;' },
    ]);
  });

  after(async () => {
    removeDir(chainDir);
    await withClient(server().adminUrl, async (c) => {
      for (const database of databases) await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await c.query(`DROP ROLE IF EXISTS ${ROLE}`);
    });
    const commands = new Set(runs.map((r) => r.args[0]));
    console.log(`      secrets: ${runs.length} CLI runs over ${commands.size} commands (${[...commands].sort().join(', ')}), 0 leaks`);
  });

  it('every command on its success path', async () => {
    const url = await canaryDatabase('ok');
    const d = ['--dir', chainDir, '--url', url];
    const ok = async (name: string, args: string[], opts?: CliOptions) => {
      const r = await cli(name, args, opts);
      assert.equal(r.code, 0, describeRun(args, r));
      return r;
    };
    await ok('check', ['check', ...d]);
    await ok('heads', ['heads', ...d]);
    await ok('history', ['history', '--verbose', ...d]);
    await ok('current (empty)', ['current', ...d]);
    await ok('upgrade --sql', ['upgrade', 'head', '--sql', ...d]);
    await ok('upgrade', ['upgrade', 'head', ...d]);
    await ok('current --json', ['current', '--json', ...d]);
    await ok('status', ['status', ...d]);
    await ok('status --json', ['status', '--json', ...d]);
    await ok('status --debug', ['status', '--debug', ...d]);
    await ok('status via DATABASE_URL', ['status', '--dir', chainDir], { env: { DATABASE_URL: url } });
    await ok('verify', ['verify', '--drift', ...d]);
    await ok('verify --json', ['verify', '--json', ...d]);
    await ok('test (stairway) --json --debug', ['test', '--json', '--debug', ...d]);
    await ok('test (stairway) --junit', ['test', '--junit', path.join(chainDir, 'stairway.xml'), ...d]);
    await ok('downgrade --yes', ['downgrade', '-1', '--yes', ...d]);
    await ok('stamp', ['stamp', 'e5e5e5e5e5e5', ...d]);
    await ok('upgrade again', ['upgrade', 'head', ...d]);
    await ok('downgrade --sql', ['downgrade', 'base', '--sql', ...d]);
    await ok('reset --yes', ['reset', '--yes', ...d]);
    await ok('revision', ['revision', '-m', 'canary check', ...d]);
    await ok('history after revision', ['history', ...d]);
    // merge needs two heads: a copy of the chain with a branch off the base.
    const branched = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-reliability-branch-'));
    try {
      fs.cpSync(chainDir, branched, { recursive: true });
      fs.writeFileSync(path.join(branched, 'a0a0a0a0a0a0_branch.sql'),
        '-- revision: a0a0a0a0a0a0\n-- down_revision: e5e5e5e5e5e5\n-- message: branch\n\n-- migrate:upgrade\nCREATE TABLE s3 (id int);\n\n-- migrate:downgrade\nDROP TABLE s3;\n');
      await ok('merge', ['merge', '-m', 'join the branches', '--dir', branched, '--url', url]);
      await ok('upgrade heads after merge', ['upgrade', 'head', '--dir', branched, '--url', url]);
    } finally {
      removeDir(branched);
    }
  });

  it('failure paths: wrong password, unreachable host, SQL error, lock timeout, cancelled run, refused confirmation', async () => {
    const url = await canaryDatabase('fail');
    const d = (u: string) => ['--dir', chainDir, '--url', u];
    const fails = async (name: string, args: string[], exit: number, opts?: CliOptions) => {
      const r = await cli(name, args, opts);
      assertOneCleanFailure(args, r, CANARY);
      assert.equal(r.code, exit, `${name}: exit code\n${describeRun(args, r)}`);
      return r;
    };
    const wrong = urlWith(url, { password: WRONG_CANARY });
    const closed = urlWith(url, { port: await freePort() });
    const nowhere = urlWith(url, { host: 'no-such-host.invalid' });

    for (const command of [['status'], ['current'], ['upgrade', 'head'], ['verify']]) {
      await fails(`${command[0]} with a wrong password`, [...command, ...d(wrong)], 4);
      await fails(`${command[0]} on a closed port`, [...command, ...d(closed)], 4);
    }
    // history draws the chain anyway and only warns that it cannot mark the current revision.
    for (const u of [wrong, closed]) {
      const r = await cli('history without a database', ['history', ...d(u)]);
      assert.equal(r.code, 0, describeRun(['history', ...d(u)], r));
      assert.match(r.stderr, /warning: .*Cannot connect/, describeRun(['history', ...d(u)], r));
    }
    await fails('status on an unknown host', ['status', ...d(nowhere)], 4);
    await fails('downgrade with a wrong password', ['downgrade', 'base', '--yes', ...d(wrong)], 4);
    await fails('reset with a wrong password', ['reset', '--yes', ...d(wrong)], 4);
    await fails('stamp on a closed port', ['stamp', 'head', ...d(closed)], 4);
    await fails('wrong password via DATABASE_URL', ['status', '--dir', chainDir], 4, { env: { DATABASE_URL: wrong } });
    const setup = await cli('upgrade before the refusals', ['upgrade', 'head', ...d(url)]);
    assert.equal(setup.code, 0, describeRun(['upgrade', 'head', ...d(url)], setup));
    await fails('reset without --yes', ['reset', ...d(url)], 8);
    await fails('downgrade without --yes', ['downgrade', 'base', ...d(url)], 8);
    // --debug may print stack traces, never the password (cli() checks every run).
    const debug = await cli('status --debug with a wrong password', ['status', '--debug', ...d(wrong)]);
    assert.equal(debug.code, 4, describeRun(['status', '--debug', ...d(wrong)], debug));

    const failing = failingChain();
    try {
      const args = ['upgrade', 'head', '--dir', failing.dir, '--url', await canaryDatabase('sql')];
      const sqlError = await fails('SQL error', args, 7);
      assert.match(sqlError.stderr, /no_such_column/, 'the SQL error names the problem');
      await cli('SQL error --debug', [...args, '--debug']);
    } finally {
      removeDir(failing.dir);
    }

    const slow = slowChain(60); // cancelled below; long enough that a slow start of the second CLI still finds it running
    try {
      const slowUrl = await canaryDatabase('slow');
      const holderArgs = ['upgrade', 'head', '--dir', slow.dir, '--url', slowUrl];
      const holder = startCli(holderArgs, { timeoutMs: 30_000 });
      await waitForRunningQuery(slowUrl, 'pg_sleep');
      const waiting = await fails('lock timeout', ['upgrade', 'head', '--lock-timeout', '0.2', '--dir', slow.dir, '--url', slowUrl], 5);
      assert.match(waiting.stderr, /holds the lock: pid \d+/, 'the lock-timeout message names the holder');
      holder.child.kill('SIGINT');
      const cancelled = await holder.done;
      runs.push({ name: 'cancelled run (SIGINT)', args: holderArgs, result: cancelled });
      assertOneCleanFailure(holderArgs, cancelled, CANARY);
      assert.equal(cancelled.code, 130, describeRun(holderArgs, cancelled));
      assert.match(cancelled.stderr, new RegExp(`Cancelled while running ${slow.slow}`));
      const version = await withClient(slowUrl, (c) => c.query('SELECT version_num FROM alembic_version'));
      assert.deepEqual(version.rows.map((r) => r.version_num), [slow.base], 'the cancelled migration was rolled back');
      const table = await withClient(slowUrl, (c) => c.query(`SELECT to_regclass('slow_step') AS t`));
      assert.equal(table.rows[0].t, null, 'the cancelled migration left a table behind');
    } finally {
      removeDir(slow.dir);
    }
  });

  it('engine errors and targets: message, hint, String(), JSON and inspect() hold no password', async () => {
    const url = await canaryDatabase('engine');
    const chain = await core.loadChain(chainDir);
    const checked: string[] = [];
    const expectError = async (name: string, code: string, fn: () => Promise<unknown>) => {
      let caught: unknown;
      try {
        await fn();
      } catch (err) {
        caught = err;
      }
      assert.ok(caught instanceof Error, `${name}: expected an error`);
      assert.equal((caught as { code?: string }).code, code, `${name}: ${String(caught)}`);
      for (const [form, text] of Object.entries(errorForms(caught))) {
        for (const secret of [CANARY, WRONG_CANARY]) assertNoSecret(text, secret, `${name}: ${form}`);
      }
      checked.push(name);
    };
    const wrong = urlWith(url, { password: WRONG_CANARY });
    const closed = urlWith(url, { port: await freePort() });
    const nowhere = urlWith(url, { host: 'no-such-host.invalid' });

    for (const [what, u] of [['wrong password', wrong], ['closed port', closed], ['unknown host', nowhere]] as const) {
      await expectError(`getStatus, ${what}`, 'connection', () => core.getStatus(chain, { url: u }));
      await expectError(`upgrade, ${what}`, 'connection', () => core.upgrade({ chain, url: u, target: 'head' }));
      await expectError(`describeDatabase, ${what}`, 'connection', () => core.describeDatabase({ url: u }));
      await expectError(`verify, ${what}`, 'connection', () => core.verify({ chain, url: u }));
    }
    await expectError('parseDatabaseUrl, bad port', 'usage', async () => core.parseDatabaseUrl(`postgres://${ROLE}:${CANARY}@localhost:notaport/db`));

    const failing = failingChain();
    try {
      const failingChainLoaded = await core.loadChain(failing.dir);
      await expectError('upgrade, SQL error', 'sql', () => core.upgrade({ chain: failingChainLoaded, url, target: 'head' }));
      await expectError('upgrade, unknown revision', 'unknown-revision', () => core.upgrade({ chain, url, target: 'head' }));
    } finally {
      removeDir(failing.dir);
    }

    const target = core.parseDatabaseUrl(url);
    assertNoSecret(JSON.stringify(target), CANARY, 'parseDatabaseUrl()');
    assertNoSecret(inspect(target), CANARY, 'inspect(parseDatabaseUrl())');
    assert.match(target.display, /\*\*\*\*/, 'the display form masks the password');
    console.log(`      secrets: ${checked.length} engine errors checked in 5 forms each`);
  });
});
