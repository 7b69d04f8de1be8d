// The static .py reader against real Alembic on a corpus of revision-file syntax. For every case the
// reader must either read exactly what Alembic reads (revision, down_revision, branch_labels,
// depends_on, message) or refuse with an error diagnostic on the file: never a different value, never
// a silent drop. The agreement figures are printed.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderHistory } from '../../src/cli/print';
import { readAlembicConfig } from '../../src/core/chain/alembic-ini';
import { alembicChainLocation, loadChain } from '../../src/core/chain/load';
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

// ---------------------------------------------------------------------------------------------
// alembic.ini and folder layouts: which files make the chain, their parents and the branch labels
// Alembic shows, per project, from real Alembic's ScriptDirectory.from_config (run in the project's
// folder, as `cd backend && alembic …` runs it) against alembicChainLocation + loadChain.

type Files = Record<string, string>;
interface LayoutCase {
  ini: string;
  files: Files;
  /** A newer Alembic feature: compared only when the installed Alembic has it (else reported). */
  needs?: 'recursive' | 'newline';
  /** These .py files are compiled to .pyc beside them and removed (sourceless projects). */
  compile?: string[];
}

const rev = (id: string, parents: string | null, extra = ''): string =>
  `"""${id} doc"""\nrevision = '${id}'\ndown_revision = ${parents === null ? 'None' : parents.startsWith('(') ? parents : `'${parents}'`}\n${extra}\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`;

const LABELLED: Files = {
  'alembic/versions/a.py': rev('aaaa', null),
  'alembic/versions/b.py': rev('bbbb', 'aaaa', "branch_labels = ('lbl',)"),
  'alembic/versions/c.py': rev('cccc', 'bbbb'),
  'alembic/versions/d.py': rev('dddd', 'cccc'),
  'alembic/versions/f.py': rev('ffff', 'aaaa'),
  'alembic/versions/g.py': rev('gggg', 'ffff', "branch_labels = ('other',)"),
};

const LAYOUTS: Record<string, LayoutCase> = {
  '%(here)s script_location': { ini: '[alembic]\nscript_location = %(here)s/alembic\n', files: { 'alembic/versions/a.py': rev('aaaa', null) } },
  'relative script_location': { ini: '[alembic]\nscript_location = alembic\n', files: { 'alembic/versions/a.py': rev('aaaa', null), 'alembic/versions/b.py': rev('bbbb', 'aaaa') } },
  'interpolation from [DEFAULT]': { ini: '[DEFAULT]\nroot = %(here)s/db\n[alembic]\nscript_location = %(root)s\n', files: { 'db/versions/a.py': rev('aaaa', null) } },
  'interpolation from the same section, nested': { ini: '[alembic]\nbase = mig\nfull = %(here)s/%(base)s\nscript_location = %(full)s\n', files: { 'mig/versions/a.py': rev('aaaa', null) } },
  '%% escape': { ini: '[alembic]\nscript_location = %(here)s/pct%%dir\n', files: { 'pct%dir/versions/a.py': rev('aaaa', null) } },
  'keys are case-insensitive, comments and blank lines': { ini: '# top\n[alembic]\n; a comment\nScript_Location = alembic\n\n  # indented comment\nSQLALCHEMY.URL = postgresql://u:p%%40ss@db/%(name)s\nname = app\n', files: { 'alembic/versions/a.py': rev('aaaa', null) } },
  'script_location folder missing, version_locations present': {
    ini: '[alembic]\nscript_location = alembic\nversion_locations = one\n', files: { 'one/a.py': rev('aaaa', null) },
  },
  'an inline ; is part of the value': { ini: '[alembic]\nscript_location = alembic ; not a comment\n', files: { 'alembic/versions/a.py': rev('aaaa', null) } },
  'no [alembic] section': { ini: '[other]\nscript_location = alembic\n', files: { 'alembic/versions/a.py': rev('aaaa', null) } },
  'a key twice in one section': { ini: '[alembic]\nscript_location = alembic\nscript_location = alembic\n', files: { 'alembic/versions/a.py': rev('aaaa', null) } },
  'bad interpolation': { ini: '[alembic]\nscript_location = %(nope)s\n', files: { 'alembic/versions/a.py': rev('aaaa', null) } },
  'version_locations, legacy split (spaces and commas)': {
    ini: '[alembic]\nscript_location = alembic\nversion_locations = %(here)s/one, %(here)s/two  %(here)s/three\n',
    files: { 'alembic/script.py.mako': '', 'one/a.py': rev('aaaa', null), 'two/b.py': rev('bbbb', 'aaaa'), 'three/c.py': rev('cccc', 'bbbb'), 'alembic/versions/x.py': rev('xxxx', null) },
  },
  'version_path_separator = space': {
    ini: '[alembic]\nscript_location = alembic\nversion_locations = one two\nversion_path_separator = space\n',
    files: { 'alembic/script.py.mako': '', 'one/a.py': rev('aaaa', null), 'two/b.py': rev('bbbb', 'aaaa') },
  },
  'version_path_separator = os': {
    ini: `[alembic]\nscript_location = alembic\nversion_locations = one${path.delimiter}two\nversion_path_separator = os\n`,
    files: { 'alembic/script.py.mako': '', 'one/a.py': rev('aaaa', null), 'two/b.py': rev('bbbb', 'aaaa') },
  },
  'version_path_separator = :': {
    ini: '[alembic]\nscript_location = alembic\nversion_locations = one:two:\nversion_path_separator = :\n',
    files: { 'alembic/script.py.mako': '', 'one/a.py': rev('aaaa', null), 'two/b.py': rev('bbbb', 'aaaa') },
  },
  'version_path_separator = ;': {
    ini: '[alembic]\nscript_location = alembic\nversion_locations = %(here)s/one;%(here)s/two\nversion_path_separator = ;\n',
    files: { 'alembic/script.py.mako': '', 'one/a.py': rev('aaaa', null), 'two/b.py': rev('bbbb', 'aaaa') },
  },
  'version_path_separator = newline (continuation lines)': {
    ini: '[alembic]\nscript_location = alembic\nversion_locations =\n    one\n    two\nversion_path_separator = newline\n',
    files: { 'alembic/script.py.mako': '', 'one/a.py': rev('aaaa', null), 'two/b.py': rev('bbbb', 'aaaa') },
    needs: 'newline',
  },
  'an unknown version_path_separator': {
    ini: '[alembic]\nscript_location = alembic\nversion_locations = one,two\nversion_path_separator = comma\n',
    files: { 'alembic/script.py.mako': '', 'one/a.py': rev('aaaa', null), 'two/b.py': rev('bbbb', 'aaaa') },
  },
  'a version location that does not exist is skipped': {
    ini: '[alembic]\nscript_location = alembic\nversion_locations = one missing two\nversion_path_separator = space\n',
    files: { 'alembic/script.py.mako': '', 'one/a.py': rev('aaaa', null), 'two/b.py': rev('bbbb', 'aaaa') },
  },
  'subfolders are not read without recursive_version_locations': {
    ini: '[alembic]\nscript_location = alembic\n',
    files: { 'alembic/versions/a.py': rev('aaaa', null), 'alembic/versions/2024/b.py': rev('bbbb', null) },
  },
  'recursive_version_locations = true': {
    ini: '[alembic]\nscript_location = alembic\nrecursive_version_locations = true\n',
    files: { 'alembic/versions/a.py': rev('aaaa', null), 'alembic/versions/2024/b.py': rev('bbbb', 'aaaa') },
    needs: 'recursive',
  },
  'which files are revisions': {
    ini: '[alembic]\nscript_location = alembic\n',
    files: {
      'alembic/versions/a.py': rev('aaaa', null), 'alembic/versions/_private.py': rev('bbbb', 'aaaa'), 'alembic/versions/.hidden.py': rev('cccc', 'bbbb'),
      'alembic/versions/__init__.py': '', 'alembic/versions/__init__x.py': 'x = 1\n', 'alembic/versions/notes.txt': 'revision = "zz"',
      'alembic/versions/helper.sql': 'SELECT 1;', 'alembic/versions/__pycache__/a.cpython-311.pyc': '',
    },
  },
  'a .py file without revision': { ini: '[alembic]\nscript_location = alembic\n', files: { 'alembic/versions/a.py': rev('aaaa', null), 'alembic/versions/helpers.py': 'def f():\n    return 1\n' } },
  'duplicate revision in two files': { ini: '[alembic]\nscript_location = alembic\n', files: { 'alembic/versions/a.py': rev('aaaa', null), 'alembic/versions/b.py': rev('bbbb', 'aaaa'), 'alembic/versions/b2.py': rev('bbbb', null) } },
  'duplicate revision across version locations': {
    ini: '[alembic]\nscript_location = alembic\nversion_locations = one two\nversion_path_separator = space\n',
    files: { 'alembic/script.py.mako': '', 'one/a.py': rev('aaaa', null), 'two/a.py': rev('aaaa', null) },
  },
  'package:resource script_location': {
    ini: '[alembic]\nprepend_sys_path = .\nscript_location = mypkg:migrations\n',
    files: { 'mypkg/__init__.py': '', 'mypkg/migrations/versions/a.py': rev('aaaa', null) },
  },
  'sourceless = true with a compiled revision': {
    ini: '[alembic]\nscript_location = alembic\nsourceless = true\n',
    files: { 'alembic/versions/a.py': rev('aaaa', null), 'alembic/versions/b.py': rev('bbbb', 'aaaa') },
    compile: ['alembic/versions/b.py'],
  },
  'inherited branch labels': { ini: '[alembic]\nscript_location = alembic\n', files: LABELLED },
  'inherited branch labels stop at a merge': {
    ini: '[alembic]\nscript_location = alembic\n',
    files: { ...LABELLED, 'alembic/versions/h.py': rev('hhhh', "('dddd', 'gggg')") },
  },
  'two labelled branches from a labelled base': {
    ini: '[alembic]\nscript_location = alembic\n',
    files: {
      'alembic/versions/a.py': rev('aaaa', null, "branch_labels = ('core',)"), 'alembic/versions/b.py': rev('bbbb', 'aaaa', "branch_labels = ('expand',)"),
      'alembic/versions/c.py': rev('cccc', 'aaaa', "branch_labels = ('contract',)"), 'alembic/versions/d.py': rev('dddd', 'cccc'),
    },
  },
};

const LAYOUT_READER = `
import inspect, io, json, os, sys, warnings
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import to_tuple
src = inspect.getsource(ScriptDirectory.from_config) + inspect.getsource(ScriptDirectory)
out = {'_knows': {'recursive': 'recursive_version_locations' in src, 'newline': '"newline"' in src}}
for ini in sys.argv[1:]:
    os.chdir(os.path.dirname(ini))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        try:
            cfg = Config(ini)
            sd = ScriptDirectory.from_config(cfg)
            m = sd.revision_map._revision_map
            revs = {}
            for key, s in m.items():
                if s is None or key != s.revision:
                    continue
                revs[s.revision] = {'down': list(to_tuple(s.down_revision, default=())), 'labels': sorted(s.branch_labels), 'file': os.path.realpath(s.path)}
            buf = io.StringIO()
            command.history(Config(ini, stdout=buf))
            out[ini] = {'revs': revs, 'url': cfg.get_main_option('sqlalchemy.url'), 'history': buf.getvalue().splitlines(), 'warnings': [str(w.message) for w in caught]}
        except Exception as e:
            out[ini] = {'error': repr(e), 'warnings': [str(w.message) for w in caught]}
print(json.dumps(out))
`;

interface AlembicLayout { revs?: Record<string, { down: string[]; labels: string[]; file: string }>; url?: string | null; history?: string[]; warnings: string[]; error?: string }

describe('alembic.ini and folder layouts vs real Alembic (corpus)', function () {
  this.timeout(120_000);

  it('finds the same revision files, parents and branch labels as Alembic, or refuses with an error', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mc-layouts-')));
    const inis = new Map<string, string>();
    Object.entries(LAYOUTS).forEach(([name, c], i) => {
      const dir = path.join(root, `layout${i}`);
      for (const [rel, text] of Object.entries(c.files)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      }
      fs.writeFileSync(path.join(dir, 'alembic.ini'), c.ini);
      for (const rel of c.compile ?? []) {
        const src = path.join(dir, rel);
        const compiled = spawnSync(alembicPython(), ['-c', 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[1] + "c", doraise=True)', src], { encoding: 'utf8' });
        assert.equal(compiled.status, 0, compiled.stderr);
        fs.rmSync(src);
      }
      inis.set(name, path.join(dir, 'alembic.ini'));
    });
    const r = spawnSync(alembicPython(), ['-c', LAYOUT_READER, ...inis.values()], { encoding: 'utf8', cwd: os.tmpdir() });
    assert.equal(r.status, 0, r.stderr);
    const alembic = JSON.parse(r.stdout) as Record<string, AlembicLayout> & { _knows: Record<'recursive' | 'newline', boolean> };

    let exact = 0;
    const refused: string[] = [];
    const newer: string[] = [];
    const wrong: string[] = [];
    for (const [name, ini] of inis) {
      const theirs = alembic[ini];
      const c = LAYOUTS[name];
      const config = await readAlembicConfig(ini);
      const location = await alembicChainLocation(ini);
      const chain = location ? await loadChain(location.dir, { alembic: location }) : undefined;
      const errors = chain?.diagnostics.filter((d) => d.severity === 'error') ?? [];
      if (c.needs && !alembic._knows[c.needs]) {
        // This Alembic predates the option: it refuses (newline) or ignores (recursive) it. Ours follows newer Alembic; shown, not counted.
        newer.push(`${name} (${c.needs})`);
        assert.ok(chain && errors.length === 0, `${name}: read as newer Alembic does`);
        continue;
      }
      if (theirs.error || theirs.warnings.some((w) => /present more than once/.test(w))) {
        // Alembic refuses the project (or keeps one of two files at random): so must we, with a reason to show.
        const weRefuse = (!location && config.error) || errors.length > 0;
        if (weRefuse) refused.push(name);
        else wrong.push(`${name}: Alembic ${theirs.error ?? theirs.warnings.join('; ')}, ours read it without an error`);
        if (theirs.warnings.some((w) => /present more than once/.test(w))) {
          const dup = errors.filter((d) => d.code === 'duplicate-revision');
          assert.ok(new Set(dup.map((d) => d.file)).size >= 2, `${name}: a duplicate is an error on both files`);
        }
        continue;
      }
      if (!chain) {
        if (config.error) refused.push(name);
        else wrong.push(`${name}: Alembic reads ${Object.keys(theirs.revs!).join(', ')}, ours found no chain`);
        continue;
      }
      const ours: Record<string, { down: string[]; labels: string[]; file: string }> = {};
      for (const m of chain.migrations) ours[m.revision] = { down: [...m.downRevisions], labels: [...chain.graph.branchLabelsOf(m.revision)].sort(), file: m.file };
      const urlSame = (theirs.url ?? undefined) === config.sqlalchemyUrl;
      // `alembic history` lines (labels, marks, messages) as a set: equal-rank order follows os.listdir,
      // checked elsewhere; several labels on one revision come from a Python set, in an order that
      // changes with PYTHONHASHSEED, so they are compared sorted.
      const historySame = JSON.stringify(normalHistory(renderHistory(chain.graph))) === JSON.stringify(normalHistory(theirs.history!));
      if (errors.length === 0 && urlSame && historySame && JSON.stringify(sortKeys(ours)) === JSON.stringify(sortKeys(theirs.revs!))) exact++;
      else if (errors.length > 0) refused.push(name);
      else wrong.push(`${name}: ours ${JSON.stringify(sortKeys(ours))} url ${config.sqlalchemyUrl} history ${JSON.stringify(renderHistory(chain.graph))}; `
        + `Alembic ${JSON.stringify(sortKeys(theirs.revs!))} url ${theirs.url} history ${JSON.stringify(theirs.history)}`);
    }
    console.log(`      layouts: ${inis.size} cases; read exactly as Alembic: ${exact}; refused by both or by us with an error: ${refused.length} (${refused.join(', ')}); `
      + `newer-Alembic options this Alembic lacks: ${newer.length}${newer.length ? ` (${newer.join(', ')})` : ''}; read differently: ${wrong.length}`);
    assert.deepEqual(wrong, [], 'alembic.ini and the version folders are never read differently from Alembic');
  });
});

function normalHistory(lines: readonly string[]): string[] {
  return lines.map((l) => l.replace(/( -> \S+ )\(([^)]*, [^)]*)\)/, (_m, head: string, labels: string) => `${head}(${labels.split(', ').sort().join(', ')})`)).sort();
}

function sortKeys<T>(o: Record<string, T>): Array<[string, T]> {
  return Object.keys(o).sort().map((k) => [k, o[k]]);
}
