// Every question the shipped `migration-chain` (dist/cli.js, the code-cache launcher) asks in a real
// terminal, answered through a pseudo-terminal (util-linux `script`), once on the first run (no V8
// code cache yet) and once on a cached second run. Node 20 lost import() under a cached vm.Script
// ("A dynamic import callback was not specified") and printed an ExperimentalWarning into the first
// prompt: each run here must show the question cleanly and do (or decline) what was answered.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freshDatabaseUrl, server } from '../support/db-hooks';
import { sql, sqlMigration, tablesOf, versionRows, writeChainDir } from '../support/chains';
import { REPO_ROOT } from '../reliability/support/cli';
import { assertNoSecret } from '../reliability/support/failure-output';

const LAUNCHER = path.join(REPO_ROOT, 'dist', 'cli.js');
const SEED_DIR = path.join(REPO_ROOT, 'migrations');
const SEED_HEAD = '556b79de2825';
const SEED_PREVIOUS = 'add_discovery_query';

interface TtyRun { code: number | null; output: string; prompts: string[] }

// readline redraws the line with cursor controls (ESC [ 1 G, ESC [ 0 J, ESC [ n G); the text is what is left.
// eslint-disable-next-line no-control-regex -- terminal control sequences are what is removed
const plain = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the launcher in a pseudo-terminal; each time the output ends with a question matching the
 * next of `answers`, types its answer. The output is the terminal's (prompts, echo, CR LF).
 */
function runInTerminal(args: string[], answers: [RegExp, string][], opts: { cacheHome: string; env?: NodeJS.ProcessEnv; cwd?: string }): Promise<TtyRun> {
  const command = [process.execPath, LAUNCHER, ...args].map(shellQuote).join(' ');
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: opts.cacheHome, NO_COLOR: '1', DATABASE_URL: '', MIGRATION_CHAIN_PROTECTED: '', ...opts.env };
  delete env.MIGRATION_CHAIN_NO_CODE_CACHE;
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    // -e: the command's exit code; -q: no "Script started" banner; the log goes nowhere.
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd: opts.cwd ?? REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    const prompts: string[] = [];
    const pending = [...answers];
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no answer in 30 s; output so far:\n${output}`)); }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const next = pending[0];
      if (!next) return;
      const lastLine = plain(output.slice(output.lastIndexOf('\n') + 1));
      if (next[0].test(lastLine)) {
        pending.shift();
        prompts.push(lastLine);
        child.stdin.write(`${next[1]}\r`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      child.stdin.end();
      if (pending.length) reject(new Error(`the question ${pending[0][0]} was never asked; output:\n${output}`));
      else resolve({ code, output, prompts });
    });
  });
}

function assertCleanPrompts(run: TtyRun, what: string): void {
  assert.doesNotMatch(run.output, /ExperimentalWarning|dynamic import callback|--trace-warnings/, `${what}: no warning or import failure in the terminal:\n${run.output}`);
  for (const p of run.prompts) assert.doesNotMatch(p, /\(node:\d+\)|Warning/, `${what}: the prompt line is the question alone: ${JSON.stringify(p)}`);
  assertNoSecret(run.output, server().password, what);
}

function cacheFilesIn(cacheHome: string): string[] {
  const dir = path.join(cacheHome, 'migration-chain');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

describe('cli prompts in a real terminal, first and cached run (dist/cli.js)', function () {
  this.timeout(180_000);
  let home: string;

  before(() => {
    execFileSync('script', ['--version'], { stdio: 'pipe' }); // util-linux: fails loudly when missing
    execFileSync(process.execPath, ['esbuild.mjs', 'cli'], { cwd: REPO_ROOT, stdio: 'pipe' });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-prompts-'));
  });
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  /** A fresh cache directory: the first run of a scenario compiles and writes it, the second uses it. */
  const freshCache = (name: string) => path.join(home, `${name}-${randomBytes(3).toString('hex')}`);

  async function upgraded(prefix: string): Promise<string> {
    const url = await freshDatabaseUrl(prefix);
    const r = await runInTerminal(['upgrade', '--yes', '--dir', SEED_DIR, '--url', url], [], { cacheHome: path.join(home, 'setup') });
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(await versionRows(url), [SEED_HEAD]);
    return url;
  }

  it('downgrade -1: declined on the first run, done on the cached run', async () => {
    const url = await upgraded('prompt_down');
    const cacheHome = freshCache('down');
    const args = ['downgrade', '-1', '--dir', SEED_DIR, '--url', url];
    const question = /Downgrade 1 migration on .*\? \[y\/N\] $/;
    const first = await runInTerminal(args, [[question, 'n']], { cacheHome });
    assertCleanPrompts(first, 'first run');
    assert.equal(first.code, 8, first.output);
    assert.match(first.output, /Not confirmed; nothing was changed/);
    assert.deepEqual(await versionRows(url), [SEED_HEAD]);
    assert.equal(cacheFilesIn(cacheHome).length, 1, 'the first run wrote the code cache');

    const cached = await runInTerminal(args, [[question, 'y']], { cacheHome });
    assertCleanPrompts(cached, 'cached run');
    assert.equal(cached.code, 0, cached.output);
    assert.deepEqual(await versionRows(url), [SEED_PREVIOUS]);
  });

  it('reset: declined on the first run, done on the cached run', async () => {
    const url = await upgraded('prompt_reset');
    await sql(url, 'CREATE TABLE leftover (id int)');
    const cacheHome = freshCache('reset');
    const args = ['reset', '--dir', SEED_DIR, '--url', url];
    const question = /Reset \(drop every table in schema public\) on .*\? \[y\/N\] $/;
    const first = await runInTerminal(args, [[question, 'n']], { cacheHome });
    assertCleanPrompts(first, 'first run');
    assert.equal(first.code, 8, first.output);
    assert.ok((await tablesOf(url)).includes('leftover'));

    const cached = await runInTerminal(args, [[question, 'yes']], { cacheHome });
    assertCleanPrompts(cached, 'cached run');
    assert.equal(cached.code, 0, cached.output);
    assert.ok(!(await tablesOf(url)).includes('leftover'), 'the reset dropped the leftover table');
    assert.deepEqual(await versionRows(url), [SEED_HEAD]);
  });

  it('reset in a terminal shows its preview once and its verify report once', async () => {
    const url = await upgraded('prompt_once');
    await sql(url, 'CREATE TABLE leftover (id int)');
    const question = /Reset \(drop every table in schema public\) on .*\? \[y\/N\] $/;
    const r = await runInTerminal(['reset', '--dir', SEED_DIR, '--url', url], [[question, 'yes']], { cacheHome: freshCache('once') });
    assert.equal(r.code, 0, r.output);
    const output = plain(r.output);
    const count = (re: RegExp) => output.split(/\r?\n/).filter((l) => re.test(l)).length;
    // The engine logged the tables and the guarantee, then the CLI printed its preview; and the
    // engine logged each verify check, then the CLI printed the report: each showed twice.
    assert.equal(count(/^Tables that will be dropped:/), 1, output);
    assert.equal(count(/^ {2}leftover \(0 rows\)$/), 1, output);
    assert.equal(count(/^All-or-nothing: the drop, every migration and verify run in one transaction/), 1, output);
    assert.equal(count(/^✔ version: alembic_version = 556b79de2825/), 1, output);
    assert.equal(count(/^✔ verify 000000000000: passed/), 1, output);
    assert.equal(count(/^verify: OK/), 1, output);
    assert.equal(count(/^Reset complete/), 1, output);
  });

  it('a protected database: its name typed wrong on the first run, right on the cached run', async () => {
    const url = await upgraded('prompt_protected');
    const database = decodeURIComponent(new URL(url).pathname.slice(1));
    const cacheHome = freshCache('protected');
    const args = ['downgrade', '-1', '--dir', SEED_DIR, '--url', url];
    const env = { MIGRATION_CHAIN_PROTECTED: database };
    const question = new RegExp(`Type the database name to confirm downgrade 1 migration \\(${database}\\): $`);
    const first = await runInTerminal(args, [[question, `${database}_typo`]], { cacheHome, env });
    assertCleanPrompts(first, 'first run');
    assert.equal(first.code, 8, first.output);
    assert.match(first.output, /does not match/);
    assert.deepEqual(await versionRows(url), [SEED_HEAD]);

    const cached = await runInTerminal(args, [[question, database]], { cacheHome, env });
    assertCleanPrompts(cached, 'cached run');
    assert.equal(cached.code, 0, cached.output);
    assert.deepEqual(await versionRows(url), [SEED_PREVIOUS]);
  });

  it('a fleet upgrade of two tenant databases: declined on the first run, done on the cached run', async () => {
    const tag = randomBytes(3).toString('hex');
    const base = await freshDatabaseUrl('prompt_fleet');
    const tenants = [`mc_tenant_${tag}_a`, `mc_tenant_${tag}_b`];
    for (const t of tenants) await sql(base, `CREATE DATABASE ${t}`);
    const root = fs.mkdtempSync(path.join(home, 'fleet-'));
    fs.writeFileSync(path.join(root, 'migration-chain.environments.json'), JSON.stringify({
      environments: { tenants: { url: { from: 'env', variable: 'TENANTS_URL' }, tenants: { databases: { pattern: `mc_tenant_${tag}_*` } } } },
    }));
    const env = { TENANTS_URL: base };
    const cacheHome = freshCache('fleet');
    const args = ['env', 'upgrade', 'tenants', '--dir', SEED_DIR];
    const question = /Upgrade 2 targets of tenants \(.*\)\? \[y\/N\] $/;
    const tenantUrl = (t: string) => { const u = new URL(base); u.pathname = `/${t}`; return u.toString(); };
    try {
      const first = await runInTerminal(args, [[question, 'n']], { cacheHome, env, cwd: root });
      assertCleanPrompts(first, 'first run');
      assert.equal(first.code, 8, first.output);
      for (const t of tenants) assert.deepEqual(await tablesOf(tenantUrl(t)), [], `${t} untouched`);

      const cached = await runInTerminal(args, [[question, 'y']], { cacheHome, env, cwd: root });
      assertCleanPrompts(cached, 'cached run');
      assert.equal(cached.code, 0, cached.output);
      for (const t of tenants) assert.deepEqual(await versionRows(tenantUrl(t)), [SEED_HEAD], `${t} upgraded`);
    } finally {
      for (const t of tenants) await sql(base, `DROP DATABASE IF EXISTS ${t} WITH (FORCE)`);
    }
  });

  it('reset without CREATEDB: the second question (not rehearsed) declined on the first run, accepted on the cached run', async () => {
    const dir = writeChainDir({
      'aa01.sql': sqlMigration({ revision: 'aa01', upgrade: 'CREATE TABLE t1 (id int);', downgrade: 'DROP TABLE t1;' }),
      'aa02.sql': sqlMigration({ revision: 'aa02', down: 'aa01', transactional: false, upgrade: 'CREATE INDEX CONCURRENTLY t1_id ON t1 (id);', downgrade: 'DROP INDEX t1_id;' }),
    });
    const admin = await freshDatabaseUrl('prompt_norehearsal');
    const database = decodeURIComponent(new URL(admin).pathname.slice(1));
    const role = `mc_nocreatedb_${randomBytes(3).toString('hex')}`;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    await sql(admin, `CREATE ROLE ${role} LOGIN NOCREATEDB PASSWORD '${password}'; ALTER DATABASE ${database} OWNER TO ${role}; ALTER SCHEMA public OWNER TO ${role}`);
    const roleUrl = new URL(admin);
    roleUrl.username = role;
    roleUrl.password = password;
    await sql(roleUrl.toString(), 'CREATE TABLE leftover (id int)');
    const cacheHome = freshCache('norehearsal');
    const args = ['reset', '--dir', dir, '--url', roleUrl.toString()];
    const first = /Reset \(drop every table in schema public\) on .*\? \[y\/N\] $/;
    const second = new RegExp(`This reset is NOT rehearsed\\. Reset ${database} anyway\\? \\[y/N\\] $`);
    try {
      const declined = await runInTerminal(args, [[first, 'y'], [second, 'n']], { cacheHome });
      assertCleanPrompts(declined, 'first run');
      assertNoSecret(declined.output, password, 'first run');
      assert.equal(declined.code, 8, declined.output);
      assert.deepEqual(await tablesOf(admin), ['leftover']);

      const done = await runInTerminal(args, [[first, 'y'], [second, 'y']], { cacheHome });
      assertCleanPrompts(done, 'cached run');
      assert.equal(done.code, 0, done.output);
      assert.match(done.output, /Reset complete \(not rehearsed\)/);
      assert.deepEqual(await tablesOf(admin), ['alembic_version', 'migration_chain_log', 't1'], 'leftover dropped, the chain built');
      assert.deepEqual(await versionRows(admin), ['aa02']);
    } finally {
      await sql(admin, `REASSIGN OWNED BY ${role} TO CURRENT_USER; DROP OWNED BY ${role}`);
      await sql(admin, `DROP ROLE ${role}`).catch(() => undefined);
    }
  });

  it('an .mjs migration (the bundle\'s one import()) runs on the first and the cached run', async () => {
    const dir = writeChainDir({
      'bb01.mjs': [
        "export const revision = 'bb01';",
        'export const down_revision = null;',
        "export async function upgrade({ sql }) { await sql('CREATE TABLE from_esm (id int)'); }",
        "export async function downgrade({ sql }) { await sql('DROP TABLE from_esm'); }",
        '',
      ].join('\n'),
    });
    const url = await freshDatabaseUrl('prompt_esm');
    const cacheHome = freshCache('esm');
    for (const [run, args] of [['first run', ['upgrade', '--yes']], ['cached run', ['downgrade', 'base', '--yes']], ['cached run again', ['upgrade', '--yes']]] as const) {
      const r = await runInTerminal([...args, '--dir', dir, '--url', url], [], { cacheHome });
      assertCleanPrompts(r, run);
      assert.equal(r.code, 0, `${run}:\n${r.output}`);
      assert.equal(cacheFilesIn(cacheHome).length, 1);
    }
    assert.deepEqual(await tablesOf(url), ['alembic_version', 'from_esm', 'migration_chain_log']);
  });
});
