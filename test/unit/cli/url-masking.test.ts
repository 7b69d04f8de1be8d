import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { secretFormsOf } from '../../../src/core/secrets';
import { Output } from '../../../src/cli/output';

describe('cli output masks the database URL', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-cli-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('masks every form of the password in all output', () => {
    const secret = 's3cr3t/p@ss"word';
    const url = `postgres://app:${encodeURIComponent(secret)}@db.example.com:5432/app`;
    const written: string[] = [];
    const sink = { write: (s: string) => written.push(s) };
    const output = new Output({ stdout: sink, stderr: sink, stdinIsTTY: false, env: {}, cwd: dir, ask: async () => '' });
    output.addSecrets(secretFormsOf(url, { PGPASSWORD: 'envpass99' }));
    output.note(`failed for ${url} (raw ${secret})`);
    output.json({ password: secret, env: 'envpass99' });
    const text = written.join('');
    assert.ok(!text.includes(secret) && !text.includes(encodeURIComponent(secret)) && !text.includes(JSON.stringify(secret).slice(1, -1)), text);
    assert.ok(!text.includes('envpass99'));
    assert.match(text, /postgres:\/\/app:\*\*\*\*@db\.example\.com/);
    assert.ok(secretFormsOf('host=db password=kw-secret dbname=app', {}).includes('kw-secret'));
  });
});
