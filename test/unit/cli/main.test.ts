// The CLI entry in-process, with a fake terminal: commands that need no database, usage errors,
// exit codes, error formatting.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/output';

interface Run { code: number; stdout: string; stderr: string }

async function run(argv: string[], overrides: Partial<CliIo> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdinIsTTY: false,
    env: {},
    cwd: os.tmpdir(),
    ask: async () => assert.fail('nothing should be asked'),
    ...overrides,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

function writeChain(dir: string, files: Record<string, string[]>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, lines] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), lines.join('\n') + '\n');
}

const base = ['-- revision: aa0000000001', '-- message: base tables', '', '-- migrate:upgrade', 'CREATE TABLE a (id int);', '', '-- migrate:downgrade', 'DROP TABLE a;'];
const second = ['-- revision: bb0000000002', '-- down_revision: aa0000000001', '-- message: second', '', '-- migrate:upgrade', 'CREATE TABLE b (id int);', '', '-- migrate:downgrade', 'DROP TABLE b;'];

describe('cli main (no database)', () => {
  let project: string;
  beforeEach(() => { project = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-cli-main-')); });
  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  it('finds an Alembic project from --config, here, above or below, reads its version locations as one chain, and says which alembic.ini it used', async () => {
    const py = (id: string, parent: string | null) => `revision = '${id}'\ndown_revision = ${parent ? `'${parent}'` : 'None'}\n`;
    fs.mkdirSync(path.join(project, 'backend', 'alembic', 'versions'), { recursive: true });
    fs.mkdirSync(path.join(project, 'backend', 'extra', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(project, 'backend', 'alembic.ini'), '[alembic]\nscript_location = alembic\nversion_locations = %(here)s/alembic/versions %(here)s/extra\n');
    fs.writeFileSync(path.join(project, 'backend', 'alembic', 'versions', 'a.py'), py('a1', null));
    fs.writeFileSync(path.join(project, 'backend', 'extra', 'b.py'), py('b2', 'a1'));
    fs.writeFileSync(path.join(project, 'backend', 'extra', 'sub', 'c.py'), py('c3', 'b2'));
    const below = await run(['heads', '--static'], { cwd: project });
    assert.equal(below.code, 0, below.stderr);
    assert.equal(below.stdout.trim(), 'b2 (head)', 'two version locations, one chain; sub/ is not read without recursive_version_locations');
    assert.match(below.stderr, /Alembic project: backend\/alembic\.ini \(found below the working directory\); revisions in backend\/alembic\/versions \+ 1 more version location/);
    const here = await run(['heads', '--static'], { cwd: path.join(project, 'backend') });
    assert.match(here.stderr, /Alembic project: alembic\.ini \(found here\)/);
    const above = await run(['heads', '--static'], { cwd: path.join(project, 'backend', 'extra', 'sub') });
    assert.match(above.stderr, /Alembic project: \.\.\/\.\.\/alembic\.ini \(found above the working directory\)/);
    const config = await run(['heads', '--static', '--config', 'backend/alembic.ini'], { cwd: project });
    assert.match(config.stderr, /Alembic project: backend\/alembic\.ini \(from --config\)/);
    fs.appendFileSync(path.join(project, 'backend', 'alembic.ini'), 'recursive_version_locations = true\n');
    assert.equal((await run(['heads', '--static'], { cwd: project })).stdout.trim(), 'c3 (head)');
  });

  it('--help and <command> --help print usage on stdout and exit 0', async () => {
    const general = await run(['--help']);
    assert.equal(general.code, 0);
    assert.match(general.stdout, /^Usage: migration-chain <command>/);
    const upgrade = await run(['upgrade', '--help']);
    assert.equal(upgrade.code, 0);
    assert.match(upgrade.stdout, /Usage: migration-chain upgrade \[TARGET\]/);
    const version = await run(['--version']);
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);
  });

  it('a usage error is one error line plus a hint, exit 2, no stack', async () => {
    const r = await run(['upgrade', '--nope']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0], /^error: .*--nope/);
    assert.match(lines[1], /^hint: /);
    assert.equal(lines.length, 2);
  });

  it('check lists problems as file:line lines relative to cwd and exits 3', async () => {
    writeChain(path.join(project, 'migrations'), {
      'aa0000000001_base.sql': base,
      'cc0000000003_orphan.sql': ['-- revision: cc0000000003', '-- down_revision: ffffffffffff', '-- message: orphan', '', '-- migrate:upgrade', 'SELECT 1;'],
      'dd0000000004_dup.sql': ['-- revision: aa0000000001', '-- message: duplicate', '', '-- migrate:upgrade', 'SELECT 1;'],
    });
    const r = await run(['check'], { cwd: project });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /^migrations\/cc0000000003_orphan\.sql:2: error: .*ffffffffffff.* \[missing-parent\]$/m);
    assert.match(r.stdout, /^migrations\/dd0000000004_dup\.sql:1: error: .* \[duplicate-revision\]$/m);
    assert.match(r.stdout, /^check: 3 errors, 2 warnings in migrations$/m);
    const json = await run(['check', '--json'], { cwd: project });
    assert.equal(json.code, 3);
    const report = JSON.parse(json.stdout) as { ok: boolean; diagnostics: { code: string; file: string }[] };
    assert.equal(report.ok, false);
    assert.ok(report.diagnostics.some((d) => d.code === 'missing-parent' && d.file === 'migrations/cc0000000003_orphan.sql'));
  });

  it('check passes on a sound chain; history and heads read the files without a database', async () => {
    writeChain(path.join(project, 'db'), { 'aa0000000001_base.sql': base, 'bb0000000002_second.sql': second });
    const check = await run(['check', '--dir', 'db'], { cwd: project });
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /^check: OK, 2 migrations, head bb0000000002$/m);
    const history = await run(['history', '--dir', 'db'], { cwd: project });
    assert.equal(history.code, 0, history.stderr);
    assert.equal(history.stdout, 'aa0000000001 -> bb0000000002 (head), second\n<base> -> aa0000000001, base tables\n');
    const heads = await run(['heads', '--dir', 'db', '--json'], { cwd: project });
    assert.deepEqual((JSON.parse(heads.stdout) as { heads: { revision: string }[] }).heads.map((h) => h.revision), ['bb0000000002']);
  });

  it('finds migrations/ in cwd, and says how to point elsewhere when there is none', async () => {
    const none = await run(['history'], { cwd: project });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^error: No migrations folder in /m);
    assert.match(none.stderr, /^hint: .*--dir/m);
  });

  it('a database command without any URL source is a usage error naming --url, DATABASE_URL and .env', async () => {
    writeChain(path.join(project, 'migrations'), { 'aa0000000001_base.sql': base });
    const r = await run(['status'], { cwd: project });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: No database URL.*--url.*DATABASE_URL.*\.env/m);
  });

  it('refuses upgrade on a broken chain with the problems and exit 3, before touching any database', async () => {
    writeChain(path.join(project, 'migrations'), {
      'aa0000000001_base.sql': base,
      'cc0000000003_orphan.sql': ['-- revision: cc0000000003', '-- down_revision: ffffffffffff', '-- message: orphan', '', '-- migrate:upgrade', 'SELECT 1;'],
    });
    const r = await run(['upgrade', '--url', 'postgres://nobody:pw-never-used@127.0.0.1:1/none'], { cwd: project });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^migrations\/cc0000000003_orphan\.sql:2: error: .*\[missing-parent\]$/m);
    assert.match(r.stderr, /^error: 1 problem in the migration files\.$/m);
    assert.ok(!r.stderr.includes('pw-never-used'));
  });

  it('verify --drift is a usage error, not a crash: either drift is unavailable or no URL is configured', async () => {
    writeChain(path.join(project, 'migrations'), { 'aa0000000001_base.sql': base });
    const r = await run(['verify', '--drift'], { cwd: project });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: (--drift is not available|No database URL)/m);
  });

  it('revision -m creates a file whose parent is the head, and history shows it', async () => {
    writeChain(path.join(project, 'migrations'), { 'aa0000000001_base.sql': base });
    const created = await run(['revision', '-m', 'add settings'], { cwd: project });
    assert.equal(created.code, 0, created.stderr);
    const match = /^Created revision ([0-9a-f]{12}): (migrations\/\S+\.sql)$/m.exec(created.stdout);
    assert.ok(match, created.stdout);
    assert.ok(fs.existsSync(path.join(project, match[2])));
    const history = await run(['history'], { cwd: project });
    assert.match(history.stdout.split('\n')[0], new RegExp(`^aa0000000001 -> ${match[1]} \\(head\\), add settings$`));
  });
});
