// The static .py reader against real Alembic on a corpus of revision-file syntax. For every case the
// reader must either read exactly what Alembic reads (revision, down_revision, branch_labels,
// depends_on, message) or refuse with an error diagnostic on the file: never a different value, never
// a silent drop. The agreement figures are printed.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodePythonSource, parsePythonMigration } from '../../src/core/chain/parse-python';
import { alembicPython } from '../support/alembic';

const HEAD = (body: string) => `"""case"""\n${body}\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`;

/** name -> file bytes. Every case sits beside two base revisions, base0001 and base0002 (test/alembic/helper.test.ts reads the same corpus). */
export const CORPUS: Record<string, string | Buffer> = {
  'plain': HEAD("revision = 'c1'\ndown_revision = 'base0001'\nbranch_labels = None\ndepends_on = None"),
  'double quotes': HEAD('revision = "c1"\ndown_revision = "base0001"'),
  'annotations': HEAD('from typing import Sequence, Union\nrevision: str = "c1"\ndown_revision: Union[str, None] = "base0001"\nbranch_labels: Union[str, Sequence[str], None] = None\ndepends_on: Union[str, Sequence[str], None] = None'),
  'u prefix': HEAD("revision = u'c1'\ndown_revision = u'base0001'"),
  'raw string': HEAD("revision = r'c1'\ndown_revision = R'base0001'"),
  'merge, multi-line tuple': HEAD("revision = 'c1'\ndown_revision = (\n    'base0001',\n    'base0002',\n)"),
  'merge, list': HEAD("revision = 'c1'\ndown_revision = ['base0001', 'base0002']"),
  'one-element tuple': HEAD("revision = 'c1'\ndown_revision = ('base0001',)"),
  'statements separated by ;': HEAD("revision = 'c1'; down_revision = 'base0001'"),
  'assigned twice, last wins': HEAD("revision = 'old0'\ndown_revision = 'base0001'\nrevision = 'c1'"),
  'branch label and depends_on': HEAD("revision = 'c1'\ndown_revision = 'base0001'\nbranch_labels = ('expand',)\ndepends_on = 'base0002'"),
  'depends_on list': HEAD("revision = 'c1'\ndown_revision = None\ndepends_on = ['base0001', 'base0002']"),
  'commented-out assignment': HEAD("# revision = 'zzz'\nrevision = 'c1'  # the id\ndown_revision = 'base0001'  # parent"),
  'assignment inside a function': HEAD("revision = 'c1'\ndown_revision = 'base0001'\n\ndef helper():\n    revision = 'inner'\n    return revision"),
  'name constant': HEAD("PARENT = 'base0001'\nrevision = 'c1'\ndown_revision = PARENT"),
  'string concatenation': HEAD("revision = 'c' + '1'\ndown_revision = 'base0001'"),
  'f-string': HEAD("n = 1\nrevision = f'c{n}'\ndown_revision = 'base0001'"),
  'implicit concatenation in parentheses': HEAD("revision = ('c'\n            '1')\ndown_revision = 'base0001'"),
  'implicit concatenation': HEAD("revision = 'c' '1'\ndown_revision = 'base0001'"),
  'backslash continuation': HEAD("revision = \\\n    'c1'\ndown_revision = 'base0001'"),
  'tuple assignment': HEAD("revision, down_revision = 'c1', 'base0001'"),
  'if/else': HEAD("import os\nif os.environ.get('NOPE'):\n    revision = 'c2'\nelse:\n    revision = 'c1'\ndown_revision = 'base0001'"),
  'BOM and CRLF': Buffer.from(`\ufeff${HEAD("revision = 'c1'\ndown_revision = 'base0001'").replace(/\n/g, '\r\n')}`, 'utf8'),
  'docstring: first paragraph': `"""add things\nover two lines\n\nRevision ID: c1\n"""\nrevision = 'c1'\ndown_revision = 'base0001'\n`,
  'no docstring': "revision = 'c1'\ndown_revision = 'base0001'\n",
  'single-quoted docstring': "'add things'\nrevision = 'c1'\ndown_revision = 'base0001'\n",
  'Latin-1 with a coding line': Buffer.from('# -*- coding: latin-1 -*-\n"""caf\xe9 table"""\nrevision = \'c1\'\ndown_revision = \'base0001\'\n', 'latin1'),
};

export const BASES = {
  'base0001.py': HEAD("revision = 'base0001'\ndown_revision = None"),
  'base0002.py': HEAD("revision = 'base0002'\ndown_revision = None"),
};

const READER = `
import json, sys
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import to_tuple
out = {}
for ini in sys.argv[1:]:
    try:
        sd = ScriptDirectory.from_config(Config(ini))
        for s in sd._load_revisions():
            if s.revision.startswith('base000'):
                continue
            out[ini] = {
                'revision': s.revision,
                'down': list(to_tuple(s.down_revision, default=())),
                'labels': sorted(to_tuple(s.module.branch_labels, default=()) if hasattr(s.module, 'branch_labels') else ()),
                'depends': list(to_tuple(s.dependencies, default=())),
                'doc': s.doc,
            }
    except Exception as e:
        out[ini] = {'error': repr(e)}
print(json.dumps(out))
`;

interface AlembicView { revision?: string; down?: string[]; labels?: string[]; depends?: string[]; doc?: string; error?: string }

describe('static .py reader vs real Alembic (corpus)', function () {
  this.timeout(120_000);

  it('reads every case exactly as Alembic does, or refuses it with an error on the file', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-corpus-'));
    const files = new Map<string, { ini: string; file: string }>();
    Object.keys(CORPUS).forEach((name, i) => {
      const dir = path.join(root, `case${i}`);
      const versions = path.join(dir, 'versions');
      fs.mkdirSync(versions, { recursive: true });
      fs.writeFileSync(path.join(dir, 'alembic.ini'), '[alembic]\nscript_location = %(here)s\n');
      for (const [f, text] of Object.entries(BASES)) fs.writeFileSync(path.join(versions, f), text);
      const file = path.join(versions, 'case.py');
      fs.writeFileSync(file, CORPUS[name]);
      files.set(name, { ini: path.join(dir, 'alembic.ini'), file });
    });
    const r = spawnSync(alembicPython(), ['-c', READER, ...[...files.values()].map((f) => f.ini)], { encoding: 'utf8', cwd: os.tmpdir() });
    assert.equal(r.status, 0, r.stderr);
    const alembic = JSON.parse(r.stdout) as Record<string, AlembicView>;

    let exact = 0;
    const refused: string[] = [];
    const wrong: string[] = [];
    for (const [name, { ini, file }] of files) {
      const theirs = alembic[ini];
      assert.ok(theirs && !theirs.error, `Alembic could not read case "${name}": ${theirs?.error}`);
      const ours = parsePythonMigration(file, decodePythonSource(fs.readFileSync(file)));
      const errors = ours.diagnostics.filter((d) => d.severity === 'error');
      if (!ours.ok || errors.length) {
        assert.ok(errors.length > 0 && errors.every((d) => d.file === file && d.line && d.line > 0), `case "${name}": refused without an error on a line`);
        refused.push(name);
        continue;
      }
      const m = ours.migration;
      const same = m.revision === theirs.revision && sameList(m.downRevisions, theirs.down!) && sameList([...m.branchLabels].sort(), theirs.labels!)
        && sameList(m.dependsOn, theirs.depends!) && m.message === theirs.doc;
      if (same) exact++;
      else wrong.push(`${name}: ours ${JSON.stringify({ r: m.revision, d: m.downRevisions, l: m.branchLabels, dep: m.dependsOn, doc: m.message })}, Alembic ${JSON.stringify(theirs)}`);
    }
    const total = files.size;
    console.log(`      corpus: ${total} cases; read exactly as Alembic: ${exact}; refused with an error diagnostic: ${refused.length} (${refused.join(', ')}); read differently: ${wrong.length}`);
    assert.deepEqual(wrong, [], 'the static reader never reads a value different from Alembic\'s');
    assert.ok(exact >= total - refused.length);
  });
});

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
