// `migration-chain graph` in process with a fake terminal: the formats on a branched chain with a
// merge, depends_on and a missing parent, and the usage errors of --format. PNG is also checked
// through the shipped bundle (dist/cli.js, where @resvg/resvg-js is required from node_modules).
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/output';
import { darkPixels, decodePng, pixelAt } from '../../support/png';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

async function run(argv: string[], cwd: string, terminal = false): Promise<{ code: number; stdout: string; bytes: Buffer; stderr: string }> {
  const chunks: Buffer[] = [];
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (d: string | Uint8Array) => chunks.push(Buffer.from(d)), isTTY: terminal },
    stderr: { write: (s: string | Uint8Array) => (stderr += String(s)) },
    stdinIsTTY: false, env: {}, cwd,
    ask: async () => assert.fail('nothing should be asked'),
  };
  const code = await main(argv, io);
  const bytes = Buffer.concat(chunks);
  return { code, stdout: bytes.toString('utf8'), bytes, stderr };
}

/** The SVG's own width and height attributes. */
function svgSize(svg: string): { width: number; height: number } {
  const m = /^<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg);
  assert.ok(m, 'the SVG has a width and height');
  return { width: Number(m[1]), height: Number(m[2]) };
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

  it('prints PNG: the SVG drawn at twice its size, with ink on it', async () => {
    const size = svgSize((await run(['graph'], project)).stdout);
    const r = await run(['graph', '--format', 'png'], project);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...r.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the PNG signature');
    assert.equal(r.bytes.toString('latin1', 12, 16), 'IHDR');
    assert.equal(r.bytes.readUInt32BE(16), size.width * 2, 'IHDR width: twice the SVG\'s');
    assert.equal(r.bytes.readUInt32BE(20), size.height * 2, 'IHDR height: twice the SVG\'s');
    const png = decodePng(r.bytes);
    assert.deepEqual(pixelAt(png, 1, 1), [255, 255, 255, 255], 'the white background');
    assert.ok(darkPixels(png) > 2000, `text, edges and dots are drawn (${darkPixels(png)} dark pixels)`);
  });

  it('refuses to write PNG to a terminal', async () => {
    const r = await run(['graph', '--format', 'png'], project, true);
    assert.notEqual(r.code, 0);
    assert.equal(r.bytes.length, 0, 'nothing on stdout');
    assert.match(r.stderr, /writes binary PNG data and stdout is a terminal/);
    assert.match(r.stderr, /> chain\.png/);
  });

  it('prints PNG from the shipped bundle, resvg required from node_modules', function () {
    this.timeout(120_000);
    execFileSync(process.execPath, ['esbuild.mjs', 'cli'], { cwd: ROOT, stdio: 'pipe' });
    const bundle = fs.readFileSync(path.join(ROOT, 'dist', 'cli-main.js'), 'utf8');
    assert.ok(!bundle.includes('resvg_js_linux') && bundle.includes('@resvg/resvg-js'), 'resvg stays outside the bundle, required by name');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'graph', '--format', 'png'], { cwd: project, env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(r.status, 0, r.stderr.toString());
    const png = decodePng(r.stdout);
    assert.ok(png.width > 100 && png.height > 100, `${png.width}×${png.height}`);
    assert.ok(darkPixels(png) > 2000);
  });

  it('refuses a format it does not write, and lint formats stay lint\'s', async () => {
    const bad = await run(['graph', '--format', 'json'], project);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--format expects svg, png, dot or mermaid for `graph`, got "json"/);
    const lint = await run(['lint', '--format', 'svg'], project);
    assert.match(lint.stderr, /--format expects text, json or sarif for `lint`, got "svg"/);
  });
});
