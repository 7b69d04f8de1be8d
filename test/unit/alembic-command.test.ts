// Which Alembic runs for a project (core/alembic/python-policy.ts), on POSIX and Windows layouts. The file
// system is a set of paths, so the Windows resolution (backslashes, Scripts\alembic.exe,
// Scripts\python.exe, PATHEXT) is exercised here without a Windows machine.
import { strict as assert } from 'node:assert';
import { resolveAlembicCommand, splitCommand } from '../../src/core/alembic/python-policy';
import { parseHeads } from '../../src/core/alembic/run/alembic-reset';
import { MigrationChainError } from '../../src/core/errors';

const files = (...paths: string[]) => { const set = new Set(paths); return (f: string) => set.has(f); };

describe('Alembic command resolution', () => {
  it('a configured command wins, as given', async () => {
    const r = await resolveAlembicCommand({ configured: ['poetry', 'run', 'alembic'], projectDir: '/p/backend', isFile: () => true });
    assert.deepEqual(r.argv, ['poetry', 'run', 'alembic']);
  });

  it('POSIX: the project venv\'s bin/alembic, then its bin/python -m alembic, looking up to the workspace root', async () => {
    assert.deepEqual((await resolveAlembicCommand({
      projectDir: '/repo/backend', stopDir: '/repo', platform: 'linux', pathEnv: '',
      isFile: files('/repo/backend/.venv/bin/alembic', '/repo/.venv/bin/alembic'),
    })).argv, ['/repo/backend/.venv/bin/alembic'], 'the nearest venv first');
    assert.deepEqual((await resolveAlembicCommand({
      projectDir: '/repo/backend', stopDir: '/repo', platform: 'linux', pathEnv: '',
      isFile: files('/repo/venv/bin/python'),
    })).argv, ['/repo/venv/bin/python', '-m', 'alembic']);
    await assert.rejects(resolveAlembicCommand({
      projectDir: '/repo/backend', platform: 'linux', pathEnv: '', isFile: files('/repo/.venv/bin/alembic'),
    }), MigrationChainError, 'without stopDir only the project folder is searched');
  });

  it('Windows: Scripts\\alembic.exe, then Scripts\\python.exe -m alembic, with backslash paths', async () => {
    assert.deepEqual((await resolveAlembicCommand({
      projectDir: 'C:\\work\\app\\backend', stopDir: 'C:\\work\\app', platform: 'win32', pathEnv: '',
      isFile: files('C:\\work\\app\\backend\\.venv\\Scripts\\alembic.exe'),
    })).argv, ['C:\\work\\app\\backend\\.venv\\Scripts\\alembic.exe']);
    assert.deepEqual((await resolveAlembicCommand({
      projectDir: 'C:\\work\\app\\backend', stopDir: 'C:\\work\\app', platform: 'win32', pathEnv: '',
      isFile: files('C:\\work\\app\\venv\\Scripts\\python.exe'),
    })).argv, ['C:\\work\\app\\venv\\Scripts\\python.exe', '-m', 'alembic']);
    // A POSIX layout inside a Windows project does not count.
    await assert.rejects(resolveAlembicCommand({
      projectDir: 'C:\\work\\app\\backend', platform: 'win32', pathEnv: '', isFile: files('C:\\work\\app\\backend\\.venv\\bin\\alembic'),
    }), MigrationChainError);
  });

  it('Windows PATH: python.exe that can import alembic, else alembic.exe (PATHEXT), in PATH order', async () => {
    const pathEnv = 'C:\\Python311;C:\\Tools';
    assert.deepEqual((await resolveAlembicCommand({
      projectDir: 'C:\\app', platform: 'win32', pathEnv, pathExt: '.COM;.EXE',
      isFile: files('C:\\Python311\\python.exe', 'C:\\Tools\\alembic.exe'), canRunAlembic: () => true,
    })).argv, ['C:\\Python311\\python.exe', '-m', 'alembic']);
    assert.deepEqual((await resolveAlembicCommand({
      projectDir: 'C:\\app', platform: 'win32', pathEnv, pathExt: '.COM;.EXE',
      isFile: files('C:\\Python311\\python.exe', 'C:\\Tools\\alembic.exe'), canRunAlembic: () => false,
    })).argv, ['C:\\Tools\\alembic.exe']);
  });

  it('POSIX PATH: skips a python3 that cannot import alembic (a pyenv shim) for one that can', async () => {
    const r = await resolveAlembicCommand({
      projectDir: '/p', platform: 'linux', pathEnv: '/shims:/usr/bin',
      isFile: files('/shims/python3', '/usr/bin/python3'), canRunAlembic: (py: string) => py === '/usr/bin/python3',
    });
    assert.deepEqual(r.argv, ['/usr/bin/python3', '-m', 'alembic']);
  });

  it('nothing found: a usage error that says what to install or set', async () => {
    await assert.rejects(resolveAlembicCommand({ projectDir: '/p', platform: 'linux', pathEnv: '/usr/bin', isFile: () => false }),
      (err: MigrationChainError) => err.code === 'usage' && /No Alembic found/.test(err.message) && /--alembic-command/.test(err.hint ?? ''));
  });

  it('splitCommand: quotes group, metacharacters stay literal, blank means "find one"', async () => {
    assert.deepEqual(splitCommand('"/opt/my env/bin/alembic" -x a'), ['/opt/my env/bin/alembic', '-x', 'a']);
    assert.deepEqual(splitCommand('alembic; rm -rf /'), ['alembic;', 'rm', '-rf', '/']);
    assert.deepEqual(splitCommand('  '), []);
  });

  it('parseHeads reads `alembic heads` output, branch labels included', async () => {
    assert.deepEqual(parseHeads('556b79de2825 (head)\n'), ['556b79de2825']);
    assert.deepEqual(parseHeads('b2 (contract) (head)\na1 (expand) (head)\n\n'), ['a1', 'b2']);
    assert.deepEqual(parseHeads(''), []);
  });
});
