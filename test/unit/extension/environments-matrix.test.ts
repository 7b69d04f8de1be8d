import { strict as assert } from 'node:assert';
import type { FleetStatus, ParityReport, TargetStatus } from '../../../src/core/environments';
import { lensesFor } from '../../../src/extension/codelens/codelens-model';
import { MEMBER_PAGE, type EnvironmentEntry } from '../../../src/extension/environments/environments-model';
import { matrixHtml } from '../../../src/extension/environments/matrix-html';
import { escapeHtml } from '../../../src/extension/webview/page';
import { buildMatrix, environmentsDetail, environmentsLine } from '../../../src/extension/environments/matrix-model';
import { parityMarkdown } from '../../../src/extension/environments/parity-report';
import { connected, migration, chainOf, seedChain, statusOf } from './fixtures';

const [R0, R1, R2, R3] = ['000000000000', '4b9608290b5d', 'add_discovery_query', '556b79de2825'];

function target(id: string, over: Partial<TargetStatus> = {}): TargetStatus {
  return { id, display: `postgresql://app:****@db:5432/${id}`, reachable: true, heads: [R3], atHead: true, pending: 0, edited: [], unknown: [], ...over };
}

function entry(name: string, targets: TargetStatus[], over: Partial<EnvironmentEntry> = {}): EnvironmentEntry {
  const status: FleetStatus = {
    environment: name, chainHeads: [R3], targets, durationMs: 1,
    summary: {
      total: targets.length, atHead: targets.filter((t) => t.atHead).length,
      behind: targets.filter((t) => t.reachable && !t.error && !t.atHead).map((t) => t.id),
      unreachable: targets.filter((t) => !t.reachable).map((t) => t.id), failed: [], edited: targets.filter((t) => t.edited.length).map((t) => t.id),
    },
  };
  return { name, protected: false, urlSource: 'x', status, shown: MEMBER_PAGE, ...over };
}

describe('Environments matrix (model, HTML, CodeLens line, parity report)', () => {
  const chain = seedChain();
  const dev = entry('dev', [target('dev', { edited: [R1] })]);
  const staging = entry('staging', [target('staging', { heads: [R2], atHead: false, pending: 1 })]);
  const prod = entry('prod', [], { status: undefined, error: 'Cannot connect to app@prod:5432/app: connection refused.', protected: true });
  const tenants = entry('tenants', [target('t1'), target('t2', { heads: [R1], atHead: false, pending: 2 }), target('t3', { reachable: false, error: 'refused', heads: [], atHead: false })],
    { tenantSet: 'databases matching t*' });
  const entries = [dev, staging, prod, tenants];

  it('rows in history order (heads first), one column per environment, each cell applied / pending / edited / unknown', () => {
    const m = buildMatrix(chain, entries);
    assert.deepEqual(m.rows.map((r) => r.revision), [R3, R2, R1, R0]);
    assert.deepEqual(m.columns.map((c) => c.title), ['dev', 'staging', 'prod', 'tenants (3 tenants)']);
    const states = (rev: string) => m.rows.find((r) => r.revision === rev)!.cells.map((c) => c.state);
    assert.deepEqual(states(R3), ['applied', 'pending', 'unknown', 'unknown']);
    assert.deepEqual(states(R1), ['edited', 'applied', 'unknown', 'unknown']);
    assert.equal(m.columns[1].detail, `at ${R2}`);
    assert.match(m.columns[2].detail, /^unknown: Cannot connect/);
    assert.equal(m.rows[0].isHead, true);
    assert.equal(m.rows[0].file, chain.graph.get(R3)!.file);
  });

  it('a tenant set\'s cell counts its members and shows the worst state', () => {
    const m = buildMatrix(chain, [tenants]);
    const cell = (rev: string) => m.rows.find((r) => r.revision === rev)!.cells[0];
    assert.equal(cell(R3).text, '1 applied · 1 pending · 1 unknown');
    assert.deepEqual(cell(R1).counts, { applied: 2, pending: 0, edited: 0, unknown: 1 });
    const healthy = buildMatrix(chain, [entry('tenants', [target('t1'), target('t2', { heads: [R1], atHead: false, pending: 2 })], { tenantSet: 'x' })]);
    assert.equal(healthy.rows[0].cells[0].state, 'pending');
    assert.equal(healthy.rows[0].cells[0].text, '1 applied · 1 pending');
    assert.equal(healthy.rows[3].cells[0].state, 'applied');
  });

  it('a recorded revision the chain does not know makes the rest unknown rather than pending', () => {
    const m = buildMatrix(chain, [entry('dev', [target('dev', { heads: [R1, 'ffff'], unknown: ['ffff'] })])]);
    assert.deepEqual(m.rows.map((r) => r.cells[0].state), ['unknown', 'unknown', 'applied', 'applied']);
  });

  it('the CodeLens line and hover say the same in one line, with glyphs and member counts', () => {
    assert.equal(environmentsLine(chain, entries, R3), 'dev ✓ · staging ○ · prod ? · tenants ? 1/3');
    assert.equal(environmentsLine(chain, entries, R1), 'dev ⚠ · staging ✓ · prod ? · tenants ? 2/3');
    assert.equal(environmentsLine(chain, entries, 'nope'), undefined);
    assert.equal(environmentsLine(chain, [{ ...dev, status: undefined }], R3), undefined, 'nothing before the first read');
    assert.deepEqual(environmentsDetail(chain, [dev, staging], R3), ['✓ dev: applied', '○ staging: pending']);
    const snapshot = connected(chain, statusOf({ [R0]: 'applied', [R1]: 'applied', [R2]: 'applied', [R3]: 'current' }, [R3]));
    const lens = lensesFor(snapshot, chain.graph.get(R3)!, 'dev ✓ · staging ○');
    assert.equal(lens[0].title, 'dev ✓ · staging ○');
    assert.equal(lens[0].command, 'migrationChain.environments.showMatrix');
    assert.ok(!lensesFor(snapshot, chain.graph.get(R3)!).some((l) => l.command === 'migrationChain.environments.showMatrix'));
  });

  it('the HTML escapes every name, labels every cell in words, keeps one tab stop and a nonce\'d CSP', () => {
    const evil = chainOf([migration('r1', [], { message: '<img src=x onerror=alert(1)> & "quotes"' })]);
    const html = matrixHtml(buildMatrix(evil, [entry('<b>dev</b>', [target('dev', { heads: ['r1'] })])]), { nonce: 'abc123', cspSource: 'vscode-webview://x' });
    assert.ok(!html.includes('<img'), 'message escaped');
    assert.ok(!html.includes('<b>dev'), 'environment name escaped');
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt; &amp; &quot;quotes&quot;/);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';[^"]*script-src 'nonce-abc123';/);
    assert.ok(!/script-src[^;]*unsafe/.test(html));
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    assert.deepEqual(scripts, ['<script nonce="abc123">']);
    assert.match(html, /<table aria-label="Revisions by environment" aria-rowcount="2">/);
    assert.match(html, /<th scope="col">/);
    assert.match(html, /<tr tabindex="0" data-revision="r1" aria-rowindex="2" aria-label="r1 \(head\): &lt;img[^"]*&lt;b&gt;dev&lt;\/b&gt; applied\. Press Enter to open the migration file\.">/);
    assert.match(html, /<td class="cell applied" aria-label="&lt;b&gt;dev&lt;\/b&gt;: applied"><span class="glyph" aria-hidden="true">✓<\/span> applied<\/td>/);
    const two = matrixHtml(buildMatrix(chain, [dev]), { nonce: 'n', cspSource: 'c' });
    assert.equal((two.match(/tabindex="0"/g) ?? []).length, 1, 'one row in the tab order');
    assert.equal((two.match(/tabindex="-1"/g) ?? []).length, 3);
    assert.equal(escapeHtml(`'&`), '&#39;&amp;');
    assert.match(matrixHtml({ columns: [], rows: [] }, { nonce: 'n', cspSource: 'c' }), /role="status">The chain has no revisions/);
  });

  it('the parity report names both sides, and links each difference to the migration that creates it', () => {
    const report: ParityReport = {
      a: { environment: 'staging', display: 'postgresql://app:****@s:5432/app', schema: 'public', heads: [R3] },
      b: { environment: 'prod', display: 'postgresql://app:****@p:5432/app', schema: 'public', heads: [R2] },
      entries: [
        { kind: 'column', name: 'prospects.discovery_query_id', change: 'missing', expected: 'integer', source: { revision: R3, file: '/srv/app/migrations/556b79de2825_step.sql', line: 7 } },
        { kind: 'table', name: 'scratch', change: 'extra', actual: 'CREATE TABLE scratch ()' },
      ],
    };
    const md = parityMarkdown(report, '/srv/app');
    assert.match(md, /^# Schema parity: staging vs prod/);
    assert.match(md, /\*\*staging\*\*: `postgresql:\/\/app:\*\*\*\*@s:5432\/app`, schema `public`, at `556b79de2825`/);
    assert.match(md, /### column `prospects.discovery_query_id`: only in staging/);
    assert.match(md, /Created by `556b79de2825`: \[migrations\/556b79de2825_step.sql:7\]\(file:\/\/\/srv\/app\/migrations\/556b79de2825_step.sql#L7\)/);
    assert.match(md, /### table `scratch`: only in prod\n\nprod:\n\n```sql\nCREATE TABLE scratch \(\)\n```\n\nNo migration of the chain creates it\./);
    assert.match(parityMarkdown({ ...report, entries: [] }, '/srv/app'), /\*\*No differences\*\*/);
  });
});
