// The graph exports against the real parsers: Graphviz's `dot` reads our DOT back (its own `-Tcanon`
// output lists every node and edge), xmllint parses our SVG; every node and edge is in each format,
// and labels with quotes, markup and backslashes come out escaped.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { layoutRevisionGraph } from '../../src/core/graph-view/layout';
import { environmentMarks } from '../../src/core/graph-view/marks';
import { dotString, mermaidText, pngScale, PNG_LIMITS, svgSize, toDot, toMermaid, toSvg } from '../../src/core/graph-view/export';
import { pngHeader } from '../../src/core/graph-view/png';
import { MigrationChainError } from '../../src/core/errors';
import type { TargetStatus } from '../../src/core/environments/fleet-status';
import { chainOf, rev } from './chain-helpers';

const NASTY = 'add "users" <table> & \\path\\ {x} [y] | `z` #1';

function sample() {
  return chainOf([
    rev('a'), rev('b', ['a'], { message: NASTY }), rev('x', ['a'], { branchLabels: ['side'] }),
    rev('m', ['b', 'x']), rev('q', ['gone'], { dependsOn: ['b'] }),
  ]);
}

function ensureTools(): void {
  if (spawnSync('dot', ['-V']).status === 0 && spawnSync('xmllint', ['--version']).status === 0) return;
  // Installs them (apt) or fails loudly: the test never skips.
  execFileSync('bash', [path.resolve(__dirname, '../../../test/support/install-graphviz.sh')], { stdio: 'inherit' });
}

const target = (id: string, heads: string[]): TargetStatus => ({ id, display: id, reachable: true, heads, atHead: false, pending: 0, edited: [], unknown: [] });

describe('graph export', function () {
  this.timeout(600_000);
  before(ensureTools);

  it('DOT: Graphviz parses it and finds every node and edge', () => {
    const layout = layoutRevisionGraph(sample());
    const dot = toDot(layout);
    const canon = execFileSync('dot', ['-Tcanon'], { input: dot, encoding: 'utf8' });
    for (const n of layout.nodes) assert.ok(canon.includes(dotString(n.id).slice(1, -1)) || canon.includes(n.id), `node ${n.id} in dot's reading`);
    const edgesSeen = canon.split('\n').filter((l) => l.includes(' -> ')).length;
    assert.equal(edgesSeen, layout.edges.length);
    assert.ok(layout.edges.some((e) => e.kind === 'depends_on'));
    assert.match(dot, /"q" -> "b" \[style=dashed, label="depends_on"\]/);
    // The label round-trips: Graphviz draws the original text (its own SVG escapes it for XML).
    const drawn = execFileSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
    const xml = NASTY.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    assert.ok(drawn.includes(`>${xml}</text>`), 'Graphviz drew the message as written');
  });

  it('Mermaid: every node and edge, labels in entity codes', () => {
    const layout = layoutRevisionGraph(sample());
    const text = toMermaid(layout);
    layout.nodes.forEach((_, i) => assert.match(text, new RegExp(`^  n${i}\\["`, 'm')));
    for (const e of layout.edges) {
      assert.ok(text.includes(`n${e.from} ${e.kind === 'depends_on' ? '-. depends_on .->' : '-->'} n${e.to}`), `edge ${e.from}->${e.to}`);
    }
    assert.ok(!text.includes('<table>') && !text.includes('"users"'));
    assert.ok(text.includes(mermaidText(NASTY)));
    assert.equal(mermaidText('a"b<c>#'), 'a#34;b#60;c#62;#35;');
  });

  it('SVG: well-formed XML with every node, edge and environment mark, text escaped', () => {
    const chain = sample();
    const layout = layoutRevisionGraph(chain);
    const marks = environmentMarks(chain, [
      { name: 'prod', tenantSet: false, targets: [target('prod', ['b'])] },
      { name: 'tenants', tenantSet: true, targets: [target('t1', ['m']), target('t2', ['a']), target('t3', ['m'])] },
    ]);
    const svg = toSvg(layout, { marks, title: 'chain <&>' });
    const check = spawnSync('xmllint', ['--noout', '-'], { input: svg, encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    for (const n of layout.nodes) assert.ok(svg.includes(`data-id="${n.id}"`), `node ${n.id}`);
    assert.equal((svg.match(/<path class="edge /g) ?? []).length, layout.edges.length);
    assert.equal((svg.match(/class="edge depends_on"/g) ?? []).length, 1);
    assert.ok(svg.includes('add &quot;users&quot; &lt;table&gt; &amp; \\path\\'));
    assert.ok(!svg.includes('<table>'));
    assert.ok(svg.includes('prod ✓'), 'prod applied b');
    assert.ok(svg.includes('tenants 2/3'), 'two of three tenants applied b');
    assert.ok(svg.includes('missing'), 'the ghost is drawn');
    assert.ok(!/<script|href=/i.test(svg), 'no script, no external resource');
  });

  describe('PNG', () => {
    it('svgSize is the SVG\'s own width and height', () => {
      const layout = layoutRevisionGraph(chainOf([rev('a'), rev('b', ['a']), rev('c', ['a'])]));
      const size = svgSize(layout, { title: 'T' });
      assert.match(toSvg(layout, { title: 'T' }), new RegExp(`^<svg [^>]*width="${size.width}" height="${size.height}"`));
    });

    it('pngScale draws at twice the size unless a side or the area would pass a browser canvas\'s limits', () => {
      assert.equal(pngScale({ width: 900, height: 500 }), 2);
      assert.equal(pngScale({ width: 900, height: 500 }, 1), 1);
      const tall = { width: 1100, height: 44_000 };
      const s = pngScale(tall);
      assert.ok(s < 1 && Math.round(tall.height * s) <= PNG_LIMITS.side && Math.round(tall.height * s) > PNG_LIMITS.side - 50, String(s));
      const huge = { width: 30_000, height: 30_000 };
      const h = pngScale(huge);
      assert.ok(Math.round(huge.width * h) * Math.round(huge.height * h) <= PNG_LIMITS.area, String(h));
    });

    it('pngHeader reads IHDR and refuses what is no PNG', () => {
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAYAAACddGYaAAAADUlEQVR4nGNkQAIoHAAAQQADJk99kQAAAABJRU5ErkJggg==', 'base64');
      assert.deepEqual(pngHeader(png, 'test'), { width: 3, height: 2 });
      assert.throws(() => pngHeader(Buffer.from('<svg/>'.padEnd(40)), 'The canvas'), (e: unknown) => e instanceof MigrationChainError && /The canvas did not produce a PNG: no PNG signature/.test(e.message));
      const empty = Buffer.from(png); empty.writeUInt32BE(0, 16);
      assert.throws(() => pngHeader(empty, 'x'), /an empty image \(0×2\)/);
      assert.throws(() => pngHeader(png.subarray(0, 20), 'x'), /20 bytes/);
    });
  });
});
