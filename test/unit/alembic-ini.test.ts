// alembic.ini as Python's configparser + Alembic read it (core/chain/alembic-ini.ts), and the chains a
// workspace folder holds (core/alembic/read/find.ts locateFolderChains). Real Alembic's answers on the same
// forms are in test/alembic/static-reader.test.ts; these pin the rules without Python.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { iniValue, parseIni, readAlembicConfig, sqlalchemyUrlOf } from '../../src/core/chain/alembic-ini';
import { ChainCache } from '../../src/core/chain/cache';
import { alembicChainLocation, loadChain } from '../../src/core/chain/load';
import { RevisionGraph } from '../../src/core/chain/graph';
import type { Migration } from '../../src/core/chain/model';
import { locateFolderChains } from '../../src/core/alembic/read/find';
import { postgresUrlFromSqlalchemy } from '../../src/core/db/database-url';

function tree(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mc-ini-')));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const rev = (id: string, parent: string | null) => `revision = '${id}'\ndown_revision = ${parent ? `'${parent}'` : 'None'}\n`;

describe('alembic.ini reading (configparser rules)', () => {
  it('interpolates %(name)s from the section, [DEFAULT] and here; %% is a percent sign', () => {
    const ini = parseIni('[DEFAULT]\nroot = %(here)s/db\n[alembic]\nName = x%%y\nscript_location = %(root)s/%(name)s\n');
    assert.strictEqual(iniValue(ini, 'alembic', 'script_location', { here: '/p' }), '/p/db/x%y');
    assert.strictEqual(iniValue(ini, 'alembic', 'SCRIPT_LOCATION', { here: '/p' }), '/p/db/x%y', 'keys are case-insensitive');
  });

  it('keeps continuation lines (blank lines inside, comments dropped) and an inline ; as part of the value', () => {
    const ini = parseIni('[alembic]\nversion_locations =\n    one\n\n    # gone\n    two\nurl = a ; b\n');
    assert.strictEqual(iniValue(ini, 'alembic', 'version_locations'), '\none\n\ntwo');
    assert.strictEqual(iniValue(ini, 'alembic', 'url'), 'a ; b');
  });

  it('refuses what configparser refuses: a repeated key, a stray %, an unknown reference, a line outside a section', () => {
    assert.throws(() => parseIni('[alembic]\na = 1\nA = 2\n'), /appears twice/);
    assert.throws(() => iniValue(parseIni('[alembic]\na = 50%\n'), 'alembic', 'a'), /'%' must be followed/);
    assert.throws(() => iniValue(parseIni('[alembic]\na = %(b)s\n'), 'alembic', 'a'), /names no key/);
    assert.throws(() => parseIni('a = 1\n'), /before the first \[section\]/);
  });

  it('splits version_locations by version_path_separator; legacy (none) splits on commas and spaces', async () => {
    const split = async (locations: string, sep?: string) => {
      const root = tree({ 'alembic/x': '' });
      fs.writeFileSync(path.join(root, 'alembic.ini'), `[alembic]\nscript_location = alembic\nversion_locations = ${locations}\n${sep ? `version_path_separator = ${sep}\n` : ''}`);
      const config = await readAlembicConfig(path.join(root, 'alembic.ini'));
      return { config, rel: config.versionDirs.map((d) => path.relative(root, d)) };
    };
    assert.deepStrictEqual((await split('a, b  c,d')).rel, ['a', 'b', 'c', 'd']);
    assert.deepStrictEqual((await split('a b', 'space')).rel, ['a', 'b']);
    assert.deepStrictEqual((await split('a:b:', ':')).rel, ['a', 'b']);
    assert.deepStrictEqual((await split('a;b', ';')).rel, ['a', 'b']);
    assert.deepStrictEqual((await split(`a${path.delimiter}b`, 'os')).rel, ['a', 'b']);
    assert.deepStrictEqual((await split('\n    a\n    b', 'newline')).rel, ['a', 'b']);
    assert.match((await split('a,b', 'comma')).config.error ?? '', /not a valid version_path_separator/);
  });

  it('several version locations make one chain; missing ones are skipped; subfolders only when recursive', async () => {
    const root = tree({
      'alembic/script.py.mako': '', 'one/a.py': rev('aaaa', null), 'one/sub/s.py': rev('ssss', 'bbbb'), 'two/b.py': rev('bbbb', 'aaaa'),
      'alembic.ini': '[alembic]\nscript_location = alembic\nversion_locations = one missing two\n',
    });
    const flat = await alembicChainLocation(path.join(root, 'alembic.ini'));
    assert.deepStrictEqual(flat?.locations.map((d) => path.relative(root, d)), ['one', 'two']);
    const chain = await loadChain(flat!.dir, { alembic: flat });
    assert.deepStrictEqual(chain.graph.historyOrder(), ['bbbb', 'aaaa']);
    assert.deepStrictEqual(chain.dirs?.map((d) => path.relative(root, d)), ['one', 'two']);
    fs.appendFileSync(path.join(root, 'alembic.ini'), 'recursive_version_locations = true\n');
    const deep = await alembicChainLocation(path.join(root, 'alembic.ini'));
    assert.deepStrictEqual((await loadChain(deep!.dir, { alembic: deep })).graph.historyOrder(), ['ssss', 'bbbb', 'aaaa']);
  });

  it('lists only what Alembic loads: .py files but __init__*, no .sql beside them', async () => {
    const root = tree({
      'alembic/versions/a.py': rev('aaaa', null), 'alembic/versions/_b.py': rev('bbbb', 'aaaa'), 'alembic/versions/__init__.py': '',
      'alembic/versions/seed.sql': 'SELECT 1;', 'alembic.ini': '[alembic]\nscript_location = %(here)s/alembic\n',
    });
    const location = await alembicChainLocation(path.join(root, 'alembic.ini'));
    const chain = await loadChain(location!.dir, { alembic: location });
    assert.deepStrictEqual(chain.migrations.map((m) => path.basename(m.file)), ['_b.py', 'a.py']);
    assert.deepStrictEqual(chain.diagnostics, []);
  });

  it('refuses a script_location that does not exist, as Alembic does', async () => {
    const root = tree({ 'one/a.py': rev('aaaa', null), 'alembic.ini': '[alembic]\nscript_location = alembic\nversion_locations = one\n' });
    assert.match((await readAlembicConfig(path.join(root, 'alembic.ini'))).error ?? '', /does not exist/);
    assert.strictEqual(await alembicChainLocation(path.join(root, 'alembic.ini')), undefined);
  });

  it('reads sqlalchemy.url (interpolated) and takes it as a PostgreSQL URL only', () => {
    assert.strictEqual(sqlalchemyUrlOf('[alembic]\nsqlalchemy.url = postgresql+psycopg2://u:p%%40@h/%(db)s\ndb = app\n', '/p/alembic.ini'), 'postgresql+psycopg2://u:p%40@h/app');
    // The driver is kept for env.py; our own connection drops it (db/sqlalchemy-url.ts).
    assert.strictEqual(postgresUrlFromSqlalchemy('postgresql+psycopg2://u:p@h/app'), 'postgresql+psycopg2://u:p@h/app');
    assert.strictEqual(postgresUrlFromSqlalchemy('driver://user:pass@localhost/dbname'), undefined, 'Alembic\'s template placeholder');
    assert.strictEqual(postgresUrlFromSqlalchemy('sqlite:///x.db'), undefined);
  });
});

describe('chains of a workspace folder (locateFolderChains)', () => {
  const project = (dir: string) => ({
    [`${dir}/alembic.ini`]: '[alembic]\nscript_location = alembic\n',
    [`${dir}/alembic/versions/a.py`]: rev(`${dir.replace(/\W/g, '')}01`, null),
  });

  it('finds every alembic.ini below, each its own chain labelled by its path; skips venvs and node_modules', async () => {
    const root = tree({
      ...project('backend'), ...project('services/billing'), ...project('node_modules/pkg'), ...project('venv2/lib'),
      'venv2/pyvenv.cfg': 'home = /usr/bin\n',
    });
    const chains = await locateFolderChains(root);
    assert.deepStrictEqual(chains.map((c) => c.relative), ['backend', 'services/billing']);
    assert.deepStrictEqual(chains.map((c) => path.relative(root, c.dir!)), ['backend/alembic/versions', 'services/billing/alembic/versions']);
    assert.deepStrictEqual(chains.map((c) => path.relative(root, c.project!.iniFile)), ['backend/alembic.ini', 'services/billing/alembic.ini']);
  });

  it('puts the folder\'s own chain first, and migrationChain.migrationsDir overrides with one chain', async () => {
    const root = tree({ ...project('backend'), 'migrations/0001.sql': '-- revision: r1\n-- down_revision: none\n' });
    assert.deepStrictEqual((await locateFolderChains(root)).map((c) => c.relative), ['', 'backend']);
    const configured = await locateFolderChains(root, 'backend/alembic/versions');
    assert.strictEqual(configured.length, 1);
    assert.strictEqual(configured[0].relative, 'backend');
    assert.ok(configured[0].project && configured[0].alembic);
    assert.deepStrictEqual(await locateFolderChains(tree({ 'README.md': '' })), [{ relative: '' }]);
  });
});

describe('inherited branch labels (Alembic RevisionMap._add_branches)', () => {
  const m = (revision: string, parents: string[], labels: string[] = []): Migration => ({
    file: `/p/${revision}.py`, format: 'py', revision, downRevisions: parents, dependsOn: [], branchLabels: labels, message: revision,
    transactional: true, revisionLine: 1, downRevisionLine: 1, hasDowngrade: true, hasVerify: false, checksum: 'x',
  });

  it('labels every descendant, and the ancestors down to a branch point when the line above is straight', () => {
    const g = new RevisionGraph([m('a', []), m('b', ['a'], ['lbl']), m('c', ['b']), m('f', ['a']), m('g', ['f'], ['other'])]);
    assert.deepStrictEqual(['a', 'b', 'c', 'f', 'g'].map((r) => g.branchLabelsOf(r)), [[], ['lbl'], ['lbl'], ['other'], ['other']]);
    const line = new RevisionGraph([m('a', []), m('b', ['a'], ['x']), m('c', ['b'])]);
    assert.deepStrictEqual(line.branchLabelsOf('a'), ['x'], 'a straight chain: the base inherits too');
  });

  it('stops at a merge: the labelled line\'s ancestors keep nothing', () => {
    const g = new RevisionGraph([m('a', []), m('f', ['a']), m('g', ['f'], ['other']), m('d', ['a']), m('h', ['d', 'g'])]);
    assert.deepStrictEqual(g.branchLabelsOf('f'), []);
    assert.deepStrictEqual(g.branchLabelsOf('h'), ['other']);
  });
});

describe('re-reading an Alembic chain after an edit', () => {
  it('re-indexes only the reported files, and never takes in a file Alembic would not list', async () => {
    const root = tree({ 'alembic/versions/a.py': rev('aaaa', null), 'alembic.ini': '[alembic]\nscript_location = alembic\n' });
    const location = (await alembicChainLocation(path.join(root, 'alembic.ini')))!;
    const cache = new ChainCache();
    const versions = location.dir;
    await loadChain(versions, { cache, alembic: location });
    fs.writeFileSync(path.join(versions, 'b.py'), rev('bbbb', 'aaaa'));
    fs.mkdirSync(path.join(versions, 'sub'));
    fs.writeFileSync(path.join(versions, 'sub', 'c.py'), rev('cccc', 'bbbb'));
    const one = await loadChain(versions, { cache, alembic: location, changed: [path.join(versions, 'b.py')] });
    assert.deepStrictEqual(one.graph.heads, ['bbbb']);
    assert.deepStrictEqual(one.dirs, [versions]);
    const sub = await loadChain(versions, { cache, alembic: location, changed: [path.join(versions, 'sub', 'c.py')] });
    assert.deepStrictEqual(sub.graph.heads, ['bbbb'], 'a subfolder file is not taken in without recursive_version_locations');
  });
});

describe('pyproject.toml [tool.alembic] (Alembic 1.16+ Config.get_alembic_option)', () => {
  it('reads script_location with %(here)s, version_locations as a list, booleans as TOML booleans', async () => {
    const root = tree({
      'app/pyproject.toml': '[project]\nname = "app"\n\n[tool.alembic]\nscript_location = "%(here)s/migrations"\nversion_locations = ["%(here)s/migrations/versions", "extra"]\nrecursive_version_locations = true\n',
      'app/migrations/versions/a.py': rev('a', null),
      'app/extra/b.py': rev('b', 'a'),
    });
    const config = await readAlembicConfig(path.join(root, 'app', 'pyproject.toml'));
    assert.strictEqual(config.error, undefined);
    assert.strictEqual(config.scriptDir, path.join(root, 'app', 'migrations'));
    assert.deepStrictEqual(config.versionDirs, [path.join(root, 'app', 'migrations', 'versions'), path.join(root, 'app', 'extra')]);
    assert.strictEqual(config.recursive, true);
    const location = await alembicChainLocation(path.join(root, 'app', 'pyproject.toml'));
    assert.deepStrictEqual(location?.locations, config.versionDirs);
  });

  it('alembic.ini first, then [tool.alembic] for what it lacks (the pyproject template writes both)', async () => {
    const root = tree({
      'alembic.ini': '[alembic]\nsqlalchemy.url = postgresql://u@h/db\n',
      'pyproject.toml': '[tool.alembic]\nscript_location = "%(here)s/alembic"\n',
      'alembic/versions/a.py': rev('a', null),
    });
    const config = await readAlembicConfig(path.join(root, 'alembic.ini'));
    assert.strictEqual(config.error, undefined);
    assert.deepStrictEqual(config.versionDirs, [path.join(root, 'alembic', 'versions')]);
    assert.strictEqual(config.sqlalchemyUrl, 'postgresql://u@h/db');
  });

  it('refuses what Alembic refuses: no [tool.alembic], a non-boolean flag, an unknown %(name)s, TOML that does not parse', async () => {
    const read = async (toml: string) => (await readAlembicConfig(path.join(tree({ 'pyproject.toml': toml, 'm/versions/.keep': '' }), 'pyproject.toml'))).error ?? '';
    assert.match(await read('[project]\nname = "x"\n'), /no \[tool\.alembic\]/);
    assert.match(await read('[tool.alembic]\nscript_location = "m"\nsourceless = "true"\n'), /true or false/);
    assert.match(await read('[tool.alembic]\nscript_location = "%(root)s/m"\n'), /%\(root\)s/);
    assert.match(await read('[tool.alembic\nscript_location = "m"\n'), /not valid TOML/);
  });

  it('discovery: a pyproject.toml with [tool.alembic] and no alembic.ini is a project; one without the table is not', async () => {
    const root = tree({
      'backend/pyproject.toml': '[tool.alembic]\nscript_location = "%(here)s/alembic"\n',
      'backend/alembic/versions/a.py': rev('a', null),
      'lib/pyproject.toml': '[project]\nname = "lib"\n',
    });
    const chains = await locateFolderChains(root);
    assert.deepStrictEqual(chains.map((c) => [c.relative, c.project?.iniFile, c.dir]), [
      ['backend', path.join(root, 'backend', 'pyproject.toml'), path.join(root, 'backend', 'alembic', 'versions')],
    ]);
  });
});

describe('a bare folder of .py revisions (no alembic.ini)', () => {
  it('reads its own .py files, not its subfolders\' (Alembic lists subfolders only with recursive_version_locations); native .sql goes down', async () => {
    const root = tree({
      'a.py': rev('a', null),
      'b.py': rev('b', 'a'),
      'helpers/util.py': rev('stray', 'b'),
      'more/c.sql': '-- revision: c\n-- down_revision: b\n\n-- migrate:upgrade\nSELECT 1;\n\n-- migrate:downgrade\nSELECT 1;\n',
    });
    const chain = await loadChain(root);
    assert.deepStrictEqual([...chain.graph.revisions].sort(), ['a', 'b', 'c']);
    assert.ok(!chain.diagnostics.some((d) => d.file?.includes('helpers')), 'the subfolder\'s .py is not read at all');
  });
});
