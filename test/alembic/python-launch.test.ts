// The early Python launcher (core/alembic/run/python-launch.ts) against real Alembic: once it gets its
// line it prints exactly what `python -m alembic` prints; without the line it runs nothing.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { earlyPythonLaunch } from '../../src/core/alembic/run/python-launch';
import { alembicPython, realAlembic } from '../support/alembic';

const BACKEND = path.resolve(__dirname, '..', '..', '..', 'examples', 'alembic-backend', 'backend');
const INI = path.join(BACKEND, 'alembic.ini');

describe('early Python launcher (real Alembic)', function () {
  this.timeout(60_000);

  // What pip writes for Alembic's console script in a virtual environment's bin/.
  const consoleScript = (python: string) => `#!${python}\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom alembic.config import main\nif __name__ == '__main__':\n    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    sys.exit(main())\n`;

  it('is used only for the `PYTHON -m alembic` form and a pip console script', () => {
    assert.equal(earlyPythonLaunch(['/v/bin/alembic'], ['heads'], () => '#!/bin/sh\nexec alembic "$@"\n'), undefined);
    assert.equal(earlyPythonLaunch(['/v/bin/alembic'], ['heads'], () => '#!/usr/bin/env python3\nfrom alembic.config import main\nsys.exit(main())\n'), undefined);
    assert.equal(earlyPythonLaunch(['/v/bin/alembic'], ['heads'], () => { throw new Error('ENOENT'); }), undefined);
    assert.deepEqual(earlyPythonLaunch(['/v/bin/alembic'], ['heads'], () => consoleScript('/v/bin/python'))?.slice(0, 2), ['/v/bin/python', '-c']);
    assert.equal(earlyPythonLaunch(['poetry', 'run', 'alembic'], ['heads']), undefined);
    assert.equal(earlyPythonLaunch(['python3', '-m', 'alembicx'], ['heads']), undefined);
    assert.deepEqual(earlyPythonLaunch(['/v/bin/python', '-m', 'alembic'], ['heads'])?.slice(0, 2), ['/v/bin/python', '-c']);
  });

  it('after its line, prints what `python -m alembic` prints (history, and a usage error alike)', () => {
    const python = alembicPython();
    for (const args of [['-c', INI, 'history', '--verbose'], ['-c', INI, 'no-such-command']]) {
      const argv = earlyPythonLaunch([python, '-m', 'alembic'], args)!;
      const early = spawnSync(argv[0], argv.slice(1), { cwd: BACKEND, input: '\n', encoding: 'utf8' });
      const direct = realAlembic(INI, args.slice(2), {});
      assert.equal(early.status, direct.status, `${args.join(' ')}: exit code`);
      assert.equal(early.stdout, direct.stdout, `${args.join(' ')}: stdout`);
      assert.equal(early.stderr, direct.stderr, `${args.join(' ')}: stderr`);
    }
  });

  it('for a console script, after its line, prints what the script prints', () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-venv-bin-'));
    const script = path.join(bin, 'alembic');
    fs.writeFileSync(script, consoleScript(alembicPython()), { mode: 0o755 });
    try {
      for (const args of [['-c', INI, 'history', '--verbose'], ['-c', INI, 'no-such-command']]) {
        const argv = earlyPythonLaunch([script], args);
        assert.ok(argv, 'the console script is recognised');
        const early = spawnSync(argv[0], argv.slice(1), { cwd: BACKEND, input: '\n', encoding: 'utf8' });
        const direct = spawnSync(script, args, { cwd: BACKEND, encoding: 'utf8' });
        assert.equal(early.status, direct.status, `${args.join(' ')}: exit code`);
        assert.equal(early.stdout, direct.stdout, `${args.join(' ')}: stdout`);
        assert.equal(early.stderr, direct.stderr, `${args.join(' ')}: stderr`);
      }
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  it('without its line (stdin ends: the run was refused) it runs nothing', () => {
    const argv = earlyPythonLaunch([alembicPython(), '-m', 'alembic'], ['-c', INI, 'history'])!;
    const refused = spawnSync(argv[0], argv.slice(1), { cwd: BACKEND, input: '', encoding: 'utf8' });
    assert.equal(refused.status, 143);
    assert.equal(refused.stdout, '');
  });
});
