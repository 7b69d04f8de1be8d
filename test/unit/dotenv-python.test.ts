// `.env` as Python reads it (src/core/dotenv.ts), compared with the real python-dotenv: a corpus of
// lines real projects write and the parser's corners, read by python-dotenv's DotEnv with load_dotenv's
// interpolation (the environment wins), in a venv under .test-artifacts/ installed on first use.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dotenvSearchPath, parseDotenv, readDotenvFile } from '../../src/core/dotenv';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const VENV = path.join(ROOT, '.test-artifacts', 'python-dotenv-venv');
const PYTHON = path.join(VENV, 'bin', 'python');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'dotenv');

/** The venv's python with python-dotenv, created and installed with pip on first use (fails loudly). */
function pythonWithDotenv(): string {
  const probe = () => { execFileSync(PYTHON, ['-c', 'import dotenv.main'], { stdio: 'pipe' }); };
  try {
    probe();
  } catch {
    execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'pipe' });
    execFileSync(PYTHON, ['-m', 'pip', 'install', '--quiet', 'python-dotenv>=1,<2'], { stdio: 'pipe', timeout: 180_000 });
    probe();
  }
  return PYTHON;
}

const READ_WITH_PYTHON = [
  'import json, sys',
  'from dotenv.main import DotEnv',
  // load_dotenv's reading: interpolate, the environment wins (override=False); None is "no value".
  'values = DotEnv(sys.argv[1], interpolate=True, override=False).dict()',
  'print(json.dumps({k: v for k, v in values.items() if v is not None}))',
].join('\n');

const ENVIRON = { PGUSER_FROM_ENV: 'env_user', SHADOWED: 'from-environment', POSTGRES_DB: 'app' };

function pythonValues(file: string): Record<string, string> {
  const env = { PATH: process.env.PATH ?? '', ...ENVIRON };
  return JSON.parse(execFileSync(pythonWithDotenv(), ['-W', 'ignore', '-c', READ_WITH_PYTHON, file], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as Record<string, string>;
}

function ourValues(file: string): Record<string, string> {
  const read = readDotenvFile(file, ENVIRON);
  assert.ok(read, `${file} is read`);
  return Object.fromEntries([...read.entries].map(([k, e]) => [k, e.value]));
}

describe('.env read as python-dotenv reads it (real python-dotenv)', function () {
  this.timeout(240_000);
  let version: string;
  before(() => {
    version = execFileSync(pythonWithDotenv(), ['-c', 'import importlib.metadata as m; print(m.version("python-dotenv"))'], { encoding: 'utf8' }).trim();
  });

  for (const name of ['corpus.env', 'crlf.env']) {
    it(`${name}: every variable and value equals python-dotenv's`, () => {
      const file = path.join(FIXTURES, name);
      const expected = pythonValues(file);
      const actual = ourValues(file);
      assert.ok(Object.keys(expected).length >= (name === 'corpus.env' ? 50 : 3), `python-dotenv ${version} read the corpus: ${Object.keys(expected).length} variables`);
      for (const key of Object.keys(expected)) assert.equal(actual[key], expected[key], `${key} (python-dotenv ${version})`);
      assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), 'the same variables');
    });
  }

  it('the corpus holds the cases that matter for a URL, with the values python-dotenv gives', () => {
    const v = ourValues(path.join(FIXTURES, 'corpus.env'));
    assert.equal(v.DATABASE_URL, 'postgresql://postgres:changethis@localhost:5432/app');
    assert.equal(v.FROM_ENVIRONMENT, 'postgresql://env_user@db/app', 'a variable of the environment expands');
    assert.equal(v.OVERRIDDEN_BY_ENV, 'from-environment', 'the environment wins, as in load_dotenv');
    assert.equal(v.BRACELESS, 'postgresql://$POSTGRES_USER@localhost/app', '$VAR without braces is kept');
    assert.equal(v.DOLLARS, 'pa$$word');
    assert.equal(v.HASH_PASSWORD, 'postgresql://u:p#ss@h/db');
    assert.equal(v.UNSET_REF, 'postgresql://postgres:@localhost/app');
  });
});

describe('.env reading: what python-dotenv does not report', () => {
  it('names the references that were set nowhere, with the line of the variable', () => {
    const entries = parseDotenv('# comment\n\nA=1\nDATABASE_URL=postgresql://postgres:${POSTGRES_PASSWORD}@localhost/${A}${B:-x}\n', {});
    assert.deepEqual(entries.get('DATABASE_URL'), { value: 'postgresql://postgres:@localhost/1x', line: 4, unset: ['POSTGRES_PASSWORD'] });
    assert.deepEqual(parseDotenv('P=${Q}\n', { Q: '' }).get('P')?.unset, [], 'set to empty in the environment is set');
  });

  it('looks for .env from a folder up to the repository root, nearest first', () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-dotenv-'));
    try {
      fs.mkdirSync(path.join(repo, '.git'));
      fs.mkdirSync(path.join(repo, 'backend', 'app'), { recursive: true });
      assert.deepEqual(dotenvSearchPath(path.join(repo, 'backend', 'app')),
        [path.join(repo, 'backend', 'app', '.env'), path.join(repo, 'backend', '.env'), path.join(repo, '.env')]);
      assert.deepEqual(dotenvSearchPath(path.join(repo, 'backend'), 'dev.env', path.join(repo, 'backend')), [path.join(repo, 'backend', 'dev.env')]);
      fs.rmSync(path.join(repo, '.git'), { recursive: true });
      assert.deepEqual(dotenvSearchPath(path.join(repo, 'backend')), [path.join(repo, 'backend', '.env')], 'outside a repository: the folder alone');
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });
});
