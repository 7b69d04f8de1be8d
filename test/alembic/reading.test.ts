// Reading an Alembic project through the Alembic under test (MC_ALEMBIC: Debian's 1.8.1 or pip's
// newest), with the real CLI: `check` fails on a revision file Alembic cannot load, naming its file
// and line, and `--static` passes it; a project configured in pyproject.toml alone is read as real
// `alembic history` / `alembic heads` read it (Alembic 1.16+; older ones say they cannot).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAlembicHelper } from '../../src/core/alembic/read/graph-helper';
import { cli } from '../support/cli-checks';
import { alembicPython, alembicVersion, realAlembic } from '../support/alembic';

const PY = (doc: string, body: string) => `"""${doc}"""\n${body}\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`;
const REVISIONS: Record<string, string> = {
  'a1_root.py': PY('root', "revision = 'a1'\ndown_revision = None"),
  'b1_left.py': PY('left', "revision = 'b1'\ndown_revision = 'a1'\nbranch_labels = ('left',)"),
  'b2_right.py': PY('right', "revision = 'b2'\ndown_revision = 'a1'\ndepends_on = 'b1'"),
  'c1_merge.py': PY('merge', "revision = 'c1'\ndown_revision = ('b1', 'b2')"),
};

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

const newAlembic = () => { const [maj, min] = alembicVersion().split('.').map(Number); return maj > 1 || (maj === 1 && min >= 16); };

describe('reading through the Alembic under test (CLI check, pyproject.toml)', function () {
  this.timeout(180_000);
  let root: string;
  before(() => { alembicPython(); root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mc-reading-'))); });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('check fails on a revision file Alembic cannot load (file and line), --static passes it, and the helper names it on this Alembic', async () => {
    const dir = path.join(root, 'syntax');
    write(dir, {
      'alembic.ini': '[alembic]\nscript_location = %(here)s/alembic\n',
      ...Object.fromEntries(Object.entries(REVISIONS).map(([f, t]) => [`alembic/versions/${f}`, t])),
      // The static reader takes the literals; Python cannot compile the file (line 5).
      'alembic/versions/d1_broken.py': '"""broken"""\nrevision = \'d1\'\ndown_revision = \'c1\'\n\ndef upgrade(:\n    pass\n',
    });
    const real = realAlembic(path.join(dir, 'alembic.ini'), ['history'], {});
    assert.notEqual(real.status, 0, 'real Alembic refuses the project too');
    assert.match(real.stderr + real.stdout, /SyntaxError|invalid syntax/);

    const graph = await runAlembicHelper({ python: alembicPython(), iniFile: path.join(dir, 'alembic.ini'), projectDir: dir });
    const broken = path.join(dir, 'alembic', 'versions', 'd1_broken.py');
    assert.deepEqual(graph.errors.map((e) => [e.scope, e.file, e.line]), [['file', broken, 5]]);
    assert.deepEqual([...graph.heads].sort(), ['c1'], 'the other files are still read');

    const r = await cli(['check'], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /alembic\/versions\/d1_broken\.py:5: error: Alembic cannot load this revision file: SyntaxError/);
    assert.match(r.stderr, new RegExp(`read through Alembic ${alembicVersion().replace(/\./g, '\\.')}`));
    const s = await cli(['check', '--static'], { cwd: dir, timeoutMs: 60_000 });
    assert.equal(s.code, 0, s.stdout + s.stderr);
    assert.match(s.stdout, /check: OK, 5 migrations, head d1/);
  });

  it('a project configured in pyproject.toml alone: found from its folder and from above, read as `alembic history` and `alembic heads` read it', async () => {
    const dir = path.join(root, 'pyproject', 'backend');
    write(dir, {
      'pyproject.toml': '[project]\nname = "app"\n\n[tool.alembic]\nscript_location = "%(here)s/migrations"\nversion_locations = ["%(here)s/migrations/versions", "%(here)s/more"]\n',
      ...Object.fromEntries(Object.entries(REVISIONS).map(([f, t]) => [`migrations/versions/${f}`, t])),
      'more/d1_tip.py': PY('tip', "revision = 'd1'\ndown_revision = 'c1'"),
    });
    fs.writeFileSync(path.join(root, 'pyproject', 'README'), 'the repository root: no alembic.ini, no pyproject.toml\n');
    const ours = await cli(['history', '--verbose'], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(ours.code, 0, ours.stderr);
    const heads = await cli(['heads'], { cwd: path.dirname(dir), timeoutMs: 120_000 });
    assert.equal(heads.code, 0, heads.stderr);
    assert.match(heads.stderr, /Alembic project: backend\/pyproject\.toml/);
    const ids = (text: string) => [...text.matchAll(/^Rev: (\S+)/gm)].map((m) => m[1]);
    if (newAlembic()) {
      const real = realAlembic(path.join(dir, 'pyproject.toml'), ['history', '--verbose'], {});
      assert.equal(real.status, 0, real.stderr);
      assert.deepEqual(ids(ours.stdout), ids(real.stdout), 'same revisions in the same order');
      assert.deepEqual(ids(ours.stdout), ['d1', 'c1', 'b2', 'b1', 'a1']);
      const realHeads = realAlembic(path.join(dir, 'pyproject.toml'), ['heads'], {});
      assert.deepEqual(heads.stdout.trim().split('\n').map((l) => l.split(' ')[0]), realHeads.stdout.trim().split('\n').map((l) => l.split(' ')[0]));
      assert.match(ours.stderr, /read through Alembic/);
    } else {
      // Alembic before 1.16 does not read pyproject.toml: the static reading stands, and we say why.
      assert.deepEqual(ids(ours.stdout), ['d1', 'c1', 'b2', 'b1', 'a1']);
      assert.match(ours.stderr, /does not read pyproject\.toml/);
    }
  });
});
