// dist/cli.js, the shipped executable, loads the CLI bundle through a V8 code cache kept in the
// user's cache directory. It must print exactly what the CLI prints, keep a cache V8 accepts, and
// shrug off a corrupt or unwritable cache.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const LAUNCHER = path.join(ROOT, 'dist', 'cli.js');
const TSC_MAIN = path.join(ROOT, 'out', 'src', 'cli', 'main.js');
const ARGS = ['history', '--dir', path.join(ROOT, 'migrations')];

function run(script: string, args: string[], cacheHome: string): { code: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome, NO_COLOR: '1' };
  delete env.MIGRATION_CHAIN_NO_CODE_CACHE;
  const r = spawnSync(process.execPath, [script, ...args], { cwd: ROOT, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cacheFiles(cacheHome: string): string[] {
  const dir = path.join(cacheHome, 'migration-chain');
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => path.join(dir, f)) : [];
}

describe('the CLI launcher (dist/cli.js) and its code cache', function () {
  this.timeout(60_000);
  let home: string;
  let expected: string;

  before(() => {
    execFileSync(process.execPath, ['esbuild.mjs', 'cli'], { cwd: ROOT, stdio: 'pipe' });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-launcher-'));
    expected = run(TSC_MAIN, ARGS, path.join(home, 'unused')).stdout;
    assert.match(expected, /556b79de2825 \(head\)/, 'the tsc build prints the seed history');
  });

  after(() => fs.rmSync(home, { recursive: true, force: true }));

  it('prints what the CLI prints, and leaves one private cache file behind', () => {
    const cacheHome = path.join(home, 'first');
    const r = run(LAUNCHER, ARGS, cacheHome);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, expected);
    const files = cacheFiles(cacheHome);
    assert.equal(files.length, 1, `one cache file, saw ${files.join(', ')}`);
    assert.match(path.basename(files[0]), new RegExp(`^cli-[0-9a-f]{16}-\\d+-\\d+-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.v8cache$`));
    assert.equal(fs.statSync(files[0]).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(files[0])).mode & 0o777, 0o700);
  });

  it('reuses the cache: a second run prints the same and does not rewrite it (V8 accepted it)', () => {
    const cacheHome = path.join(home, 'first');
    const [file] = cacheFiles(cacheHome);
    const before = fs.readFileSync(file);
    const r = run(LAUNCHER, ARGS, cacheHome);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, expected);
    assert.deepEqual(fs.readFileSync(file), before);
  });

  it('replaces a corrupt cache and still runs the command', () => {
    const cacheHome = path.join(home, 'first');
    const [file] = cacheFiles(cacheHome);
    const garbage = Buffer.alloc(fs.statSync(file).size, 0x5a);
    fs.writeFileSync(file, garbage);
    const r = run(LAUNCHER, ARGS, cacheHome);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, expected);
    assert.notDeepEqual(fs.readFileSync(file), garbage, 'the rejected cache was written anew');
  });

  it('runs without a usable cache directory, and keeps the exit code of a failing command', () => {
    const blocker = path.join(home, 'not-a-directory');
    fs.writeFileSync(blocker, 'x');
    const ok = run(LAUNCHER, ARGS, blocker);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, expected);
    const missing = ['history', '--dir', path.join(home, 'no-such-folder')];
    const viaLauncher = run(LAUNCHER, missing, blocker);
    const viaTsc = run(TSC_MAIN, missing, blocker);
    assert.notEqual(viaTsc.code, 0);
    assert.equal(viaLauncher.code, viaTsc.code);
    assert.equal(viaLauncher.stderr, viaTsc.stderr);
  });
});
