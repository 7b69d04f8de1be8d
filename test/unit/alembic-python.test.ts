// Which Python reads an Alembic project through Alembic (core/alembic/python-policy.ts), on POSIX and Windows
// layouts. The file system is a set of paths, so Windows resolution (backslashes, Scripts\python.exe,
// PATHEXT) runs here without a Windows machine.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canRunAlembic, findAlembicPython, forgetAlembicAnswers, pythonCandidates } from '../../src/core/alembic/python-policy';

const files = (...paths: string[]) => { const set = new Set(paths); return (f: string) => set.has(f); };
const pythons = (lookup: Parameters<typeof pythonCandidates>[0]) => pythonCandidates(lookup).map((c) => c.python);

describe('Alembic helper: interpreter resolution', () => {
  it('POSIX: migrationChain.python, then .venv and venv from the project up to the repository root, then the Python extension\'s, then PATH', () => {
    assert.deepEqual(pythons({
      configured: '../tools/py', projectDir: '/repo/backend', stopDir: '/repo', selected: '/home/u/.pyenv/versions/3.12/bin/python',
      platform: 'linux', pathEnv: '/usr/local/bin:/usr/bin',
      isFile: files('/repo/backend/venv/bin/python', '/repo/.venv/bin/python', '/home/u/.pyenv/versions/3.12/bin/python', '/usr/bin/python3', '/usr/bin/python'),
    }), ['/repo/tools/py', '/repo/backend/venv/bin/python', '/repo/.venv/bin/python', '/home/u/.pyenv/versions/3.12/bin/python', '/usr/bin/python3', '/usr/bin/python']);
  });

  it('POSIX: a venv above the repository root is not the project\'s; without a stop folder only the project folder is searched', () => {
    const isFile = files('/.venv/bin/python', '/repo/.venv/bin/python');
    assert.deepEqual(pythons({ projectDir: '/repo/backend', stopDir: '/repo', platform: 'linux', pathEnv: '', isFile }), ['/repo/.venv/bin/python']);
    assert.deepEqual(pythons({ projectDir: '/repo/backend', platform: 'linux', pathEnv: '', isFile }), []);
  });

  it('Windows: Scripts\\python.exe with backslash paths, PATHEXT on PATH, case-insensitive duplicates dropped', () => {
    assert.deepEqual(pythons({
      projectDir: 'C:\\work\\app\\backend', stopDir: 'C:\\work\\app', platform: 'win32',
      selected: 'c:\\work\\app\\.venv\\scripts\\python.exe',
      pathEnv: 'C:\\Python312;C:\\Windows', pathExt: '.COM;.EXE',
      isFile: files('C:\\work\\app\\.venv\\Scripts\\python.exe', 'c:\\work\\app\\.venv\\scripts\\python.exe', 'C:\\work\\app\\backend\\.venv\\bin\\python',
        'C:\\Python312\\python.EXE', 'C:\\Python312\\python.exe', 'C:\\Windows\\py.exe'),
    }), ['C:\\work\\app\\.venv\\Scripts\\python.exe', 'C:\\Python312\\python.exe', 'C:\\Windows\\py.exe'],
    'bin/python inside a Windows project does not count; the selected interpreter is the venv one in another case');
    assert.deepEqual(pythons({ configured: '.venv\\Scripts\\python.exe', projectDir: 'D:\\p', platform: 'win32', pathEnv: '', isFile: () => false }),
      ['D:\\p\\.venv\\Scripts\\python.exe'], 'a relative configured path is taken from the project folder, even before it exists');
  });

  it('the first interpreter that imports Alembic is used; a configured one that cannot is not second-guessed', async () => {
    const isFile = files('/p/.venv/bin/python', '/usr/bin/python3');
    const withAlembic = new Set(['/usr/bin/python3']);
    const found = await findAlembicPython({ projectDir: '/p', platform: 'linux', pathEnv: '/usr/bin', isFile }, (py) => withAlembic.has(py));
    assert.equal(found.found?.python, '/usr/bin/python3');
    assert.deepEqual(found.tried.map((c) => c.python), ['/p/.venv/bin/python', '/usr/bin/python3']);
    const configured = await findAlembicPython({ configured: '/opt/py', projectDir: '/p', platform: 'linux', pathEnv: '/usr/bin', isFile }, (py) => withAlembic.has(py));
    assert.equal(configured.found, undefined);
    assert.deepEqual(configured.tried.map((c) => c.source), ['migrationChain.python']);
  });
});

describe('Python policy: can this Python run Alembic?', () => {
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-canrun-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A stand-in interpreter (a shell script) that counts how often it is asked and answers with `status`. */
  const fakePython = (name: string, status: number) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\necho x >> "${file}.calls"\nexit ${status}\n`, { mode: 0o755 });
    return { file, calls: () => (fs.existsSync(`${file}.calls`) ? fs.readFileSync(`${file}.calls`, 'utf8').split('\n').filter(Boolean).length : 0) };
  };

  it('answers asynchronously, once per interpreter: concurrent and later questions share the first answer', async function () {
    if (process.platform === 'win32') this.skip();
    forgetAlembicAnswers();
    const yes = fakePython('python-yes', 0);
    const pending = canRunAlembic(yes.file);
    assert.ok(pending instanceof Promise, 'never a synchronous child process');
    assert.deepEqual(await Promise.all([pending, canRunAlembic(yes.file), canRunAlembic(yes.file)]), [true, true, true]);
    assert.equal(await canRunAlembic(yes.file), true);
    assert.equal(yes.calls(), 1);
    const no = fakePython('python-no', 1);
    assert.equal(await canRunAlembic(no.file), false);
    assert.equal(await canRunAlembic(no.file), false);
    assert.equal(no.calls(), 1, 'a "no" is kept for a minute too');
    forgetAlembicAnswers();
    assert.equal(await canRunAlembic(no.file), false);
    assert.equal(no.calls(), 2, 'asked again once forgotten');
    assert.equal(await canRunAlembic(path.join(dir, 'missing-python')), false);
  });

  it('the engine and the editor start no synchronous child process (the extension host thread never waits on Python)', () => {
    const root = path.resolve(__dirname, '..', '..', '..', 'src');
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const full = path.join(d, e.name);
        if (e.isDirectory()) walk(full);
        else if (full.endsWith('.ts') && /\b(spawnSync|execFileSync|execSync)\s*\(/.test(fs.readFileSync(full, 'utf8'))) offenders.push(path.relative(root, full));
      }
    };
    walk(path.join(root, 'core'));
    walk(path.join(root, 'extension'));
    assert.deepEqual(offenders, []);
  });
});
