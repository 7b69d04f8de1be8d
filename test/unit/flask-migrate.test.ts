// Flask-Migrate projects as their developers run them: migrations/alembic.ini without script_location
// (flask db sets it), env.py taking the engine from current_app, `flask db VERB -d migrations` run from
// the folder above. The project is read from real files in a temporary folder; the command line is
// compared with Flask-Migrate's own options (flask_migrate/cli.py: -x on upgrade/downgrade only).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readAlembicConfig } from '../../src/core/chain/alembic-ini';
import { resolveAlembicCommand } from '../../src/core/alembic/python-policy';
import { alembicProject } from '../../src/core/alembic/read/project';
import { alembicArguments, envPyText } from '../../src/core/alembic/run/url-channels';

const FLASK_ENV_PY = 'import logging\nfrom logging.config import fileConfig\n\nfrom flask import current_app\n\nfrom alembic import context\n';
const INI = '[alembic]\n# template used to generate migration files\n\n[loggers]\nkeys = root\n';

describe('Flask-Migrate projects', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-flask-'));
    fs.mkdirSync(path.join(root, 'migrations', 'versions'), { recursive: true });
    fs.writeFileSync(path.join(root, 'migrations', 'alembic.ini'), INI);
    fs.writeFileSync(path.join(root, 'migrations', 'env.py'), FLASK_ENV_PY);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('is recognised: runs from the folder above migrations/, which it names with -d', async () => {
    const project = alembicProject(path.join(root, 'migrations', 'alembic.ini'));
    assert.equal(project.dir, root);
    assert.deepEqual(project.flaskMigrate, { directory: path.join(root, 'migrations') });
    assert.equal(envPyText(project), FLASK_ENV_PY);
    const config = await readAlembicConfig(path.join(root, 'migrations', 'alembic.ini'));
    assert.equal(config.error, undefined);
    assert.deepEqual(config.versionDirs, [path.join(root, 'migrations', 'versions')]);
  });

  it('an alembic.ini without script_location whose env.py is not Flask-Migrate\'s stays an error, as in Alembic', async () => {
    fs.writeFileSync(path.join(root, 'migrations', 'env.py'), 'from alembic import context\n');
    assert.equal(alembicProject(path.join(root, 'migrations', 'alembic.ini')).flaskMigrate, undefined);
    assert.match((await readAlembicConfig(path.join(root, 'migrations', 'alembic.ini'))).error ?? '', /no script_location/);
  });

  it('a script_location in the file wins: a plain Alembic project', () => {
    fs.writeFileSync(path.join(root, 'migrations', 'alembic.ini'), '[alembic]\nscript_location = .\n');
    const project = alembicProject(path.join(root, 'migrations', 'alembic.ini'));
    assert.equal(project.flaskMigrate, undefined);
    assert.equal(project.dir, path.join(root, 'migrations'));
  });

  it('arguments: the verb first, then -d, and -x only where flask db takes it', () => {
    const project = alembicProject(path.join(root, 'migrations', 'alembic.ini'));
    const dir = path.join(root, 'migrations');
    const url = 'postgresql://app:secret@db.example:5432/shop';
    const x = ['-x', 'dbname=postgresql://app@db.example:5432/shop'];
    assert.deepEqual(alembicArguments(project, url, ['upgrade', 'head']), ['upgrade', '-d', dir, ...x, '--', 'head']);
    assert.deepEqual(alembicArguments(project, url, ['downgrade', 'ab12@base', '--sql']), ['downgrade', '-d', dir, ...x, '--sql', '--', 'ab12@base']);
    assert.deepEqual(alembicArguments(project, url, ['downgrade', '-1']), ['downgrade', '-d', dir, ...x, '--', '-1'], 'click would read -1 as an option');
    assert.deepEqual(alembicArguments(project, url, ['revision', '--autogenerate', '-m', 'add -x']), ['revision', '-d', dir, '--autogenerate', '-m', 'add -x']);
    assert.deepEqual(alembicArguments(project, url, ['current']), ['current', '-d', dir]);
    assert.deepEqual(alembicArguments(project, url, ['stamp', 'head']), ['stamp', '-d', dir, '--', 'head']);
    const plain = alembicProject(path.join(root, 'migrations', 'alembic.ini'));
    delete plain.flaskMigrate;
    assert.deepEqual(alembicArguments(plain, undefined, ['heads']), ['-c', plain.iniFile, 'heads']);
  });

  it('the command is the venv\'s python -m flask db, found from the project folder up', async () => {
    const venvPython = path.join(root, '.venv', 'bin', 'python');
    const r = await resolveAlembicCommand({
      projectDir: root, stopDir: root, platform: 'linux', pathEnv: '', flaskMigrate: true,
      isFile: (f) => f === venvPython || f === path.join(root, '.venv', 'bin', 'alembic'),
    });
    assert.deepEqual(r.argv, [venvPython, '-m', 'flask', 'db'], 'flask db, not the venv\'s alembic (env.py needs the Flask app)');
    const configured = await resolveAlembicCommand({ configured: ['poetry', 'run', 'flask', 'db'], projectDir: root, flaskMigrate: true });
    assert.deepEqual(configured.argv, ['poetry', 'run', 'flask', 'db']);
  });
});
