// The revision graph webview without a browser: the view the extension builds from a snapshot,
// the message protocol's checks in both directions, HTML escaping, virtualization and keyboard moves.
import { strict as assert } from 'node:assert';
import type { FolderSnapshot } from '../../../src/extension/chains/folder-snapshot';
import { buildGraphView } from '../../../src/extension/graph/graph-model';
import { graphHtml } from '../../../src/extension/graph/graph-html';
import { webviewPage } from '../../../src/extension/webview/page';
import { computeStatus } from '../../../src/core/status/status';
import { parseHostMessage, parseWebviewMessage, type GraphView } from '../../../src/webview/graph/protocol';
import { edgesSvg, moveFrom, nodeHtml, nodeLabel, searchNodes, visibleRows } from '../../../src/webview/graph/render';
import type { EnvironmentEntry } from '../../../src/extension/environments/environments-model';
import type { TargetStatus } from '../../../src/core/environments/fleet-status';
import { chainOf, rev } from '../chain-helpers';

const EVIL = '<img src=x onerror="alert(1)"> & \'quoted\'';

function snapshotOf(migrations = [
  rev('a'), rev('b', ['a']), rev('x', ['a'], { message: EVIL }), rev('m', ['b', 'x']), rev('q', ['gone']),
]): FolderSnapshot {
  const chain = chainOf(migrations);
  const target = { host: '127.0.0.1', port: 5432, database: 'app', user: 'me', isLocal: true, display: 'postgres://me@127.0.0.1/app' };
  return {
    folder: { name: 'app', uri: 'file:///m', fsPath: '/m' }, migrationsDir: '/m', chain,
    status: computeStatus(chain, target, { tables: { version: true, log: true, logDowngrade: true }, heads: ['b'], checksums: new Map() }),
  };
}

const member = (id: string, heads: string[]): TargetStatus => ({ id, display: id, reachable: true, heads, atHead: false, pending: 0, edited: [], unknown: [] });

function env(name: string, targets: TargetStatus[], tenantSet?: string): EnvironmentEntry {
  return {
    name, protected: false, urlSource: 'test', tenantSet, shown: 100,
    status: { environment: name, chainHeads: [], targets, summary: { total: targets.length, atHead: 0, behind: [], unreachable: [], failed: [], edited: [] }, durationMs: 1 },
  };
}

function view(): GraphView {
  return buildGraphView({
    snapshot: snapshotOf(),
    environments: [env('prod', [member('prod', ['a'])]), env('tenants', [member('t1', ['m']), member('t2', ['b']), member('t3', ['a'])], 'tenants')],
    commits: new Map([['/m/b.sql', { author: 'Ada <x>', date: '2026-01-02T03:04:05Z', commit: 'c0ffee' }]]),
    lint: (file) => (file === '/m/x.sql' ? { errors: 2, warnings: 0 } : undefined),
    stairway: new Map([['m', 'failed']]),
  });
}

describe('revision graph webview', () => {
  describe('the view built from a snapshot', () => {
    const v = view();
    const node = (id: string) => v.nodes.find((n) => n.id === id)!;

    it('has every revision and the ghost, with parents and children by id', () => {
      assert.deepEqual(v.nodes.map((n) => n.id).sort(), ['a', 'b', 'm', 'missing:gone', 'q', 'x']);
      assert.deepEqual(node('m').parents, ['b', 'x']);
      assert.deepEqual(node('a').children.sort(), ['b', 'x']);
      assert.equal(node('missing:gone').kind, 'missing');
      assert.equal(node('b').file, 'b.sql', 'relative to the folder');
    });

    it('badges: database, each environment (a tenant set as n/total), lint, stairway, git author', () => {
      const texts = (id: string) => node(id).marks.map((m) => m.text);
      assert.deepEqual(texts('b').slice(0, 3), ['db ✓ current', 'prod ○', 'tenants 2/3']);
      assert.deepEqual(texts('a').slice(0, 3), ['db ✓ applied', 'prod ✓', 'tenants ✓']);
      assert.ok(texts('x').includes('lint ✗ 2'));
      assert.ok(texts('m').includes('stairway ✗'));
      assert.equal(node('b').author, 'Ada <x>');
      assert.match(v.subtitle, /database app; environments prod, tenants/);
    });

    it('passes the host-side check the webview runs', () => {
      assert.ok(parseHostMessage({ type: 'graph', view: JSON.parse(JSON.stringify(v)) }));
    });
  });

  describe('protocol checks', () => {
    it('accepts well-formed webview messages', () => {
      assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
      assert.deepEqual(parseWebviewMessage({ type: 'open', id: 'b' }), { type: 'open', id: 'b' });
      assert.deepEqual(parseWebviewMessage({ type: 'focus', id: null }), { type: 'focus', id: null });
      assert.deepEqual(parseWebviewMessage({ type: 'reparent', revision: 'x', onto: 'b', extra: 1 }), { type: 'reparent', revision: 'x', onto: 'b' });
      assert.deepEqual(parseWebviewMessage({ type: 'mergeHeads', revision: 'x' }), { type: 'mergeHeads', revision: 'x' });
      assert.deepEqual(parseWebviewMessage({ type: 'restore', revision: 'gone' }), { type: 'restore', revision: 'gone' });
      assert.deepEqual(parseWebviewMessage({ type: 'exportPng' }), { type: 'exportPng' });
      assert.deepEqual(parseWebviewMessage({ type: 'png', id: 3, base64: 'iVBORw0KGgo=' }), { type: 'png', id: 3, base64: 'iVBORw0KGgo=' });
      assert.deepEqual(parseWebviewMessage({ type: 'png', id: 3, error: 'tainted' }), { type: 'png', id: 3, error: 'tainted' });
      assert.deepEqual(parseWebviewMessage({ type: 'copyId', id: 'b' }), { type: 'copyId', id: 'b' });
    });

    it('rejects malformed ones', () => {
      for (const bad of [
        null, 'open', [], {}, { type: 'open' }, { type: 'open', id: 3 }, { type: 'open', id: '' }, { type: 'open', id: 'x'.repeat(600) },
        { type: 'reparent', revision: 'x', onto: 'x' }, { type: 'reparent', onto: 'b' }, { type: 'focus' }, { type: 'delete', id: 'a' },
        { type: 'mergeHeads', revision: 'x', other: 5 },
        { type: 'png', base64: 'AAAA' }, { type: 'png', id: 0, base64: 'AAAA' }, { type: 'png', id: 1.5, base64: 'AAAA' },
        { type: 'png', id: 1, base64: 'not base64!' }, { type: 'png', id: 1, base64: 7 }, { type: 'png', id: 1 }, { type: 'copyId', id: '' },
      ]) assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    });

    it('rejects a host view with an edge to nowhere or a bad mark', () => {
      const v = JSON.parse(JSON.stringify(view())) as GraphView;
      assert.equal(parseHostMessage({ type: 'graph', view: { ...v, edges: [{ from: 0, to: 99, kind: 'parent', lane: 0 }] } }), undefined);
      const badMark = { ...v, nodes: v.nodes.map((n, i) => (i === 0 ? { ...n, marks: [{ text: 'x', tone: 'red', title: 'x' }] } : n)) };
      assert.equal(parseHostMessage({ type: 'graph', view: badMark }), undefined);
      assert.equal(parseHostMessage({ type: 'graph', view: { ...v, nodes: [{ ...v.nodes[0], row: -1 }] } }), undefined);
      assert.deepEqual(parseHostMessage({ type: 'select', id: 'b' }), { type: 'select', id: 'b' });
    });

    it('checks a rasterize request: an SVG, a positive size and scale, a request id', () => {
      const ok = { type: 'rasterize', id: 1, svg: '<svg xmlns="http://www.w3.org/2000/svg"/>', width: 300, height: 200, scale: 2 };
      assert.deepEqual(parseHostMessage(ok), ok);
      for (const bad of [
        { ...ok, svg: '<script>alert(1)</script>' }, { ...ok, width: 0 }, { ...ok, height: -1 }, { ...ok, scale: Number.NaN },
        { ...ok, scale: Number.POSITIVE_INFINITY }, { ...ok, id: 0 }, { ...ok, svg: 5 },
      ]) assert.equal(parseHostMessage(bad), undefined, JSON.stringify(bad));
    });
  });

  describe('drawing', () => {
    it('escapes every text it puts in HTML, including attributes', () => {
      const v = view();
      const x = v.nodes.find((n) => n.id === 'x')!;
      const html = nodeHtml(v, x, true, false);
      assert.ok(!html.includes('<img'), html);
      assert.ok(html.includes('&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;quoted&#39;'));
      assert.match(html, /role="treeitem"/);
      assert.match(html, /tabindex="0"/);
      assert.ok(!/ style=/.test(html), 'no style attribute: the CSP would block it (cardBox places cards through the CSSOM)');
      const b = nodeHtml(v, v.nodes.find((n) => n.id === 'b')!, false, false);
      assert.ok(b.includes('Ada &lt;x&gt; · 2026-01-02'));
    });

    it('labels a node for a screen reader with its badges and every edge', () => {
      const v = view();
      const label = nodeLabel(v, v.nodes.find((n) => n.id === 'm')!);
      assert.match(label, /Revision m \(head, merge\)/);
      assert.match(label, /parents b, x/);
      assert.match(label, /last stairway test: failed/);
      assert.match(nodeLabel(v, v.nodes.find((n) => n.id === 'a')!), /children b, x|children x, b/);
    });

    it('draws only the rows on screen of a 10,000-revision chain', function () {
      this.timeout(60_000); // a shape check on a big view, not a timing (bench group 14 times it)
      const migrations = [rev('r0')];
      for (let i = 1; i < 10_000; i++) migrations.push(rev(`r${i}`, [`r${i - 1}`]));
      const big = buildGraphView({ snapshot: snapshotOf(migrations), environments: [] });
      const [first, last] = visibleRows(big, 44 * 5000, 800, 1);
      assert.ok(last - first < 60, `${first}..${last}`);
      assert.ok(first > 4900 && last < 5100);
      const svg = edgesSvg(big, first, last);
      assert.ok((svg.match(/<path/g) ?? []).length <= last - first + 2);
    });

    it('searches by id and message, and moves along edges and lanes', () => {
      const v = view();
      assert.deepEqual(searchNodes(v, 'ONERROR'), ['x']);
      assert.deepEqual(searchNodes(v, 'gone'), ['missing:gone']);
      assert.equal(moveFrom(v, 'm', 'parent'), 'b');
      assert.equal(moveFrom(v, 'b', 'child'), 'm');
      const x = v.nodes.find((n) => n.id === 'x')!;
      const b = v.nodes.find((n) => n.id === 'b')!;
      assert.notEqual(x.lane, b.lane);
      assert.equal(moveFrom(v, 'b', b.lane < x.lane ? 'next-lane' : 'previous-lane'), 'x');
    });

    it('the document has a strict CSP with a nonce and loads nothing remote', () => {
      const html = graphHtml({ nonce: 'abc123', cspSource: 'vscode-resource:', scriptUri: 'vscode-resource:/dist/webview/graph.js' });
      const csp = /content="([^"]+)"/.exec(html)![1];
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'nonce-abc123'/);
      assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
      for (const tag of html.match(/<(script|style)\b[^>]*>/g) ?? []) assert.match(tag, /nonce="abc123"/);
      assert.ok(!/(src|href)="https?:/.test(html));
      assert.ok(!/ on[a-z]+="/.test(html), 'no inline event handlers');
      // The PNG export's canvas draws the SVG from a blob: URL; data: (which injected markup could use) stays out.
      assert.match(csp, /img-src vscode-resource: blob:;/);
      assert.ok(!csp.includes('data:'));
      assert.match(html, /<button id="export-png" type="button">Export PNG…<\/button>/);
    });

    it('only the graph\'s page admits blob: images', () => {
      const page = webviewPage({ title: 't', nonce: 'n', cspSource: 'vscode-resource:', style: '', body: '' });
      assert.match(page, /img-src vscode-resource:;/);
    });
  });
});
