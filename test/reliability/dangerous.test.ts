// Dangerous operations, end to end through the CLI: reset and downgrade refuse without a human's
// confirmation and then change nothing; a non-local host needs --confirm-database; a protected
// database needs its name typed even with --yes; hostile identifiers from settings do no damage.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { freshDatabaseUrl, server } from '../support/db-hooks';
import * as core from '../../src/core';
import { CLI_MAIN, describeRun, runCli, type CliOptions, type CliResult } from './support/cli';
import { removeDir, writeSqlChain } from './support/chains';
import { withClient } from './support/consistency';
import { BOOKKEEPING_TABLES, readSchema } from '../../src/core/schema/snapshot';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

const BASE = 'a7a7a7a7a7a7';
const HEAD = 'b8b8b8b8b8b8';

/** Everything a refused command must leave as it was: versions, schema and the rows of `jobs`. */
async function fingerprint(url: string): Promise<string> {
  return withClient(url, async (c) => {
    const versions = await c.query('SELECT version_num FROM alembic_version ORDER BY 1');
    const schema = await readSchema(c, 'public', { exclude: [...BOOKKEEPING_TABLES] });
    const jobs = await c.query('SELECT count(*)::int AS n FROM jobs');
    return JSON.stringify({ versions: versions.rows, schema, jobs: jobs.rows[0].n });
  });
}

/** The machine's first non-loopback IPv4 address: connecting there is "not local" by host name. */
function externalAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`), answers the first question that matches
 * `prompt` with `answer`, and returns the run. This is the only way to test "typed by a human".
 */
function runInTerminal(args: string[], prompt: RegExp, answer: string, env: NodeJS.ProcessEnv): Promise<CliResult & { asked: boolean }> {
  const command = [process.execPath, CLI_MAIN, ...args].map(shellQuote).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const started = performance.now();
  let out = '';
  let asked = false;
  const onData = (d: Buffer) => {
    out += d.toString();
    if (!asked && prompt.test(out)) {
      asked = true;
      child.stdin.write(`${answer}\r`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => child.on('close', (code, signal) => {
    clearTimeout(timer);
    resolve({ code, signal, stdout: out, stderr: '', durationMs: performance.now() - started, asked });
  }));
}

describe('dangerous operations need a human', function () {
  this.timeout(60_000);
  let chainDir: string;

  before(() => {
    chainDir = writeSqlChain([
      { revision: BASE, upgrade: "CREATE TABLE jobs (id serial PRIMARY KEY, title text NOT NULL);\nINSERT INTO jobs (title) VALUES ('keep me'), ('and me');", downgrade: 'DROP TABLE jobs;' },
      { revision: HEAD, parent: BASE, upgrade: 'CREATE TABLE settings (key text PRIMARY KEY, value text);', downgrade: 'DROP TABLE settings;' },
    ]);
  });
  after(() => removeDir(chainDir));

  async function migratedDatabase(prefix?: string): Promise<string> {
    const url = await freshDatabaseUrl(prefix);
    const r = await runCli(['upgrade', 'head', '--dir', chainDir, '--url', url]);
    assert.equal(r.code, 0, describeRun(['upgrade', 'head'], r));
    return url;
  }

  async function refusedAndUnchanged(url: string, args: string[], opts: CliOptions = {}, message?: RegExp): Promise<CliResult> {
    const before = await fingerprint(url);
    const r = await runCli(args, opts);
    assert.equal(r.code, 8, `expected a refusal (exit 8)\n${describeRun(args, r)}`);
    if (message) assert.match(r.stderr, message, describeRun(args, r));
    assert.equal(await fingerprint(url), before, `the refused command changed the database\n${describeRun(args, r)}`);
    return r;
  }

  it('reset and downgrade refuse when stdin is not a terminal and --yes is missing', async () => {
    const url = await migratedDatabase();
    const d = ['--dir', chainDir, '--url', url];
    await refusedAndUnchanged(url, ['reset', ...d], {}, /stdin is not a terminal/);
    await refusedAndUnchanged(url, ['downgrade', 'base', ...d], {}, /stdin is not a terminal/);
    await refusedAndUnchanged(url, ['downgrade', '-1', ...d], { input: 'y\n' }, /stdin is not a terminal/);
    // Control: the same commands with --yes do run, so the refusals above came from the guard.
    const r = await runCli(['downgrade', '-1', '--yes', ...d]);
    assert.equal(r.code, 0, describeRun(['downgrade', '-1', '--yes'], r));
    const versions = await withClient(url, (c) => c.query('SELECT version_num FROM alembic_version'));
    assert.deepEqual(versions.rows.map((x) => x.version_num), [BASE]);
  });

  it('a non-local host needs a matching --confirm-database', async () => {
    const address = externalAddress();
    assert.ok(address, 'this machine has no non-loopback IPv4 address to reach the test server through');
    assert.equal(core.parseDatabaseUrl(`postgres://u@${address}:5432/db`).isLocal, false, `${address} must count as non-local`);
    const url = await migratedDatabase();
    const srv = server();
    let proxy: TcpProxy | undefined;
    try {
      proxy = await startTcpProxy({ host: srv.host, port: srv.port }, { host: address });
      const remote = new URL(url);
      remote.hostname = address;
      remote.port = String(proxy.port);
      const database = decodeURIComponent(remote.pathname.slice(1));
      const d = ['--dir', chainDir, '--url', remote.toString()];
      await refusedAndUnchanged(url, ['reset', '--yes', ...d], {}, /not a local host/);
      await refusedAndUnchanged(url, ['downgrade', 'base', '--yes', ...d], {}, /not a local host/);
      await refusedAndUnchanged(url, ['reset', '--yes', '--confirm-database', `${database}_other`, ...d], {}, /does not match/);
      const ok = await runCli(['downgrade', '-1', '--yes', '--confirm-database', database, ...d]);
      assert.equal(ok.code, 0, `the matching name must let it through\n${describeRun(['downgrade'], ok)}`);
    } finally {
      await proxy?.close();
    }
  });

  it('a protected database needs its name typed even with --yes', async () => {
    const url = await migratedDatabase('orders_prod');
    const database = decodeURIComponent(new URL(url).pathname.slice(1));
    const env = { MIGRATION_CHAIN_PROTECTED: 'staging_*, *_prod*' };
    const d = ['--dir', chainDir, '--url', url];
    await refusedAndUnchanged(url, ['reset', '--yes', ...d], { env }, /protected pattern "\*_prod\*"/);
    await refusedAndUnchanged(url, ['downgrade', 'base', '--yes', ...d], { env }, /protected pattern/);

    // In a terminal, --yes does not skip the question; a wrong name refuses and changes nothing.
    const before = await fingerprint(url);
    const wrong = await runInTerminal(['reset', '--yes', ...d], /Type the database name/, 'orders', env);
    assert.ok(wrong.asked, `reset --yes on a protected database did not ask for the name\n${wrong.stdout}`);
    assert.equal(wrong.code, 8, `a wrong typed name must refuse\n${wrong.stdout}`);
    assert.equal(await fingerprint(url), before, 'a wrongly typed name changed the database');

    const right = await runInTerminal(['downgrade', '-1', '--yes', ...d], /Type the database name/, database, env);
    assert.ok(right.asked, right.stdout);
    assert.equal(right.code, 0, `the typed name must let it through\n${right.stdout}`);
    const versions = await withClient(url, (c) => c.query('SELECT version_num FROM alembic_version'));
    assert.deepEqual(versions.rows.map((x) => x.version_num), [BASE]);
  });

  it('hostile identifiers from settings are quoted or rejected, never executed', async () => {
    const chain = await core.loadChain(chainDir);
    const injection = 'x"; DROP TABLE sentinel; --';
    const cases: { option: 'versionTable' | 'versionTableSchema'; name: string }[] = [
      { option: 'versionTable', name: injection },
      { option: 'versionTable', name: "alembic_version'; DROP TABLE sentinel; --" },
      { option: 'versionTable', name: 'a'.repeat(80) },
      { option: 'versionTable', name: 'tab\tle' },
      { option: 'versionTableSchema', name: injection },
      { option: 'versionTableSchema', name: 'public"; DROP TABLE sentinel; --' },
    ];
    const outcomes: string[] = [];
    for (const { option, name } of cases) {
      const db = await freshDatabaseUrl('mc_hostile');
      await withClient(db, (c) => c.query('CREATE TABLE sentinel (id int); INSERT INTO sentinel VALUES (1)'));
      if (option === 'versionTableSchema' && name === injection) {
        // An existing schema with the hostile name: the engine must use it as a name, not as SQL.
        await withClient(db, (c) => c.query(`CREATE SCHEMA "${name.replace(/"/g, '""')}"`));
      }
      try {
        await core.upgrade({ chain, url: db, target: BASE, [option]: name });
        const where = option === 'versionTable'
          ? await withClient(db, (c) => c.query('SELECT 1 FROM pg_class WHERE relname = $1', [name]))
          : await withClient(db, (c) => c.query(`SELECT 1 FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace
                                                  WHERE n.nspname = $1 AND k.relname = 'alembic_version'`, [name]));
        assert.equal(where.rowCount, 1, `${option} ${JSON.stringify(name)}: no version table under that exact name`);
        outcomes.push(`${option} ${JSON.stringify(name)}: quoted`);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        assert.ok(typeof code === 'string' && ['usage', 'sql'].includes(code), `${option} ${JSON.stringify(name)}: untyped error ${String(err)}`);
        outcomes.push(`${option} ${JSON.stringify(name.length > 20 ? `${name.slice(0, 10)}…` : name)}: rejected (${code})`);
      }
      const sentinel = await withClient(db, (c) => c.query('SELECT count(*)::int AS n FROM sentinel'));
      assert.equal(sentinel.rows[0].n, 1, `sentinel damaged by ${option} ${JSON.stringify(name)}`);
      await server().dropDatabase(db);
    }
    console.log(`      hostile identifiers: ${outcomes.join('; ')}`);
  });
});
