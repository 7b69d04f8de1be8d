// `migration-chain graph` in process with a fake terminal: the three formats on a branched chain
// with a merge, depends_on and a missing parent, and the usage errors of --format.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/output';

async function run(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdinIsTTY: false, env: {}, cwd,
    ask: async () => assert.fail('nothing should be asked'),
  };
  return { code: await main(argv, io), stdout, stderr };
}

const sql = (id: string, parents: string[], message: string, extra: string[] = []) => [
  `-- revision: ${id}`, ...(parents.length ? [`-- down_revision: ${parents.join(', ')}`] : []), `-- message: ${message}`, ...extra,
  '', '-- migrate:upgrade', 'SELECT 1;', '', '-- migrate:downgrade', 'SELECT 1;', '',
].join('\n');

describe('cli graph', () => {
  let project: string;
  before(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-cli-graph-'));
    const dir = path.join(project, 'migrations');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'a.sql'), sql('a1', [], 'base'));
    fs.writeFileSync(path.join(dir, 'b.sql'), sql('b2', ['a1'], 'users "quoted" <b>'));
    fs.writeFileSync(path.join(dir, 'x.sql'), sql('x3', ['a1'], 'side', ['-- branch_labels: side']));
    fs.writeFileSync(path.join(dir, 'm.sql'), sql('m4', ['b2', 'x3'], 'merge'));
    fs.writeFileSync(path.join(dir, 'q.sql'), sql('q5', ['gone9'], 'orphan', ['-- depends_on: b2']));
  });
  after(() => fs.rmSync(project, { recursive: true, force: true }));

  it('prints SVG by default with every revision, the ghost and every edge', async () => {
    const r = await run(['graph'], project);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^<svg /);
    for (const id of ['a1', 'b2', 'x3', 'm4', 'q5', 'missing:gone9']) assert.ok(r.stdout.includes(`data-id="${id}"`), id);
    assert.equal((r.stdout.match(/<path class="edge parent"/g) ?? []).length, 5, 'b2→a1, x3→a1, m4→b2, m4→x3, q5→gone9');
    assert.equal((r.stdout.match(/<path class="edge depends_on"/g) ?? []).length, 1);
    assert.ok(r.stdout.includes('users &quot;quoted&quot; &lt;b&gt;'));
    assert.match(r.stderr, /error/, 'the missing parent is reported as a chain error on stderr');
  });

  it('prints DOT and Mermaid', async () => {
    const dot = await run(['graph', '--format', 'dot'], project);
    assert.equal(dot.code, 0, dot.stderr);
    assert.match(dot.stdout, /^digraph migration_chain \{/);
    assert.match(dot.stdout, /"m4" -> "x3";/);
    assert.match(dot.stdout, /"q5" -> "b2" \[style=dashed, label="depends_on"\];/);
    const mermaid = await run(['graph', '--format', 'mermaid'], project);
    assert.match(mermaid.stdout, /^flowchart TB\n/);
    assert.equal((mermaid.stdout.match(/ --> /g) ?? []).length, 5);
  });

  it('refuses a format it does not write, and lint formats stay lint\'s', async () => {
    const bad = await run(['graph', '--format', 'json'], project);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--format expects svg, dot or mermaid for `graph`, got "json"/);
    const lint = await run(['lint', '--format', 'svg'], project);
    assert.match(lint.stderr, /--format expects text, json or sarif for `lint`, got "svg"/);
  });
});
