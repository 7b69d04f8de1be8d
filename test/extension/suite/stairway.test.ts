// The Testing view in a real extension host: the controller's items mirror the chain, a run reports
// each revision to VS Code (pass, or fail with messages linked to the line to fix), "Run changed"
// runs only what git says changed, and the configured database is never touched.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../src/extension/context';
import { activate, folder, query, SEED_HEAD, silenceNotifications, snapshot, useTestDatabase, versionNums, waitFor } from './helpers';

const SEED_ORDER = ['000000000000', '4b9608290b5d', 'add_discovery_query', SEED_HEAD];
const DEFECT = 'dd0000000099';

function children(item: vscode.TestItem | vscode.TestItemCollection): vscode.TestItem[] {
  const out: vscode.TestItem[] = [];
  ('children' in item ? item.children : item).forEach((c) => out.push(c));
  return out.sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
}

function revisionItems(ctx: Context): vscode.TestItem[] {
  return children(ctx.stairway.controller.items).flatMap((root) => children(root).flatMap((g) => children(g)));
}

const idOf = (revision: string) => `${folder().uri.toString()}#revision:${revision}`;

function writeDefect(): string {
  const file = path.join(folder().uri.fsPath, 'migrations', `${DEFECT}_forgets_index.sql`);
  fs.writeFileSync(file, [
    `-- revision: ${DEFECT}`,
    `-- down_revision: ${SEED_HEAD}`,
    '-- message: index that the downgrade forgets',
    '',
    '-- migrate:upgrade',
    'CREATE INDEX settings_updated_at_idx ON settings (updated_at);',
    '',
    '-- migrate:downgrade',
    'SELECT 1;',
    '',
  ].join('\n'));
  return file;
}

describe('Testing view: stairway tests', function () {
  this.timeout(120_000);
  let ctx: Context;
  let sandbox: sinon.SinonSandbox;

  before(async () => {
    ctx = await activate();
    await useTestDatabase(ctx);
  });
  beforeEach(() => {
    sandbox = sinon.createSandbox();
    silenceNotifications(sandbox);
  });
  afterEach(async () => {
    sandbox.restore();
    fs.rmSync(path.join(folder().uri.fsPath, 'migrations', `${DEFECT}_forgets_index.sql`), { force: true });
    fs.rmSync(path.join(folder().uri.fsPath, '.git'), { recursive: true, force: true });
    await ctx.chains.refresh();
  });

  it('one root "Migration Chain: all revisions", a branch group, one item per revision with its file and line', async () => {
    await snapshot(ctx);
    const roots = children(ctx.stairway.controller.items);
    assert.deepStrictEqual(roots.map((r) => r.label), ['Migration Chain: all revisions']);
    assert.deepStrictEqual(children(roots[0]).map((g) => g.label), ['trunk']);
    const items = revisionItems(ctx);
    assert.deepStrictEqual(items.map((i) => i.id), SEED_ORDER.map(idOf));
    const head = items[3];
    assert.strictEqual(head.uri?.fsPath, path.join(folder().uri.fsPath, 'migrations', '556b79de2825_add_discovery_query_id_to_prospects.sql'));
    assert.strictEqual(head.range?.start.line, 0, 'the revision header is on the first line');
    assert.strictEqual(head.description, SEED_HEAD);
  });

  it('"all revisions": every seed revision passes; the configured database is not changed', async () => {
    const before = await versionNums();
    const run = await ctx.stairway.runAll();
    assert.deepStrictEqual(SEED_ORDER.map((r) => run.items.get(idOf(r))?.state), ['passed', 'passed', 'passed', 'passed']);
    assert.ok(run.output.some((o) => o.includes('Create the scratch database')), run.output.join(''));
    assert.deepStrictEqual(await versionNums(), before);
    const leftovers = await query("SELECT datname FROM pg_database WHERE datname LIKE '%\\_mc\\_stairway\\_%'");
    assert.deepStrictEqual(leftovers, []);
  });

  it('a downgrade that forgets an index fails with the diff and a link to the downgrade section', async () => {
    const file = writeDefect();
    await waitFor('the new revision item', async () => { await ctx.chains.refresh(); return revisionItems(ctx).find((i) => i.id === idOf(DEFECT)); });
    const run = await ctx.stairway.runAll();
    assert.strictEqual(run.items.get(idOf(SEED_HEAD))?.state, 'passed');
    const failed = run.items.get(idOf(DEFECT));
    assert.strictEqual(failed?.state, 'failed', JSON.stringify(failed));
    const leftover = failed.messages.find((m) => m.text.startsWith('Downgrade: index settings.settings_updated_at_idx is left behind by the downgrade'));
    assert.ok(leftover, JSON.stringify(failed.messages, null, 2));
    assert.strictEqual(leftover.file, file);
    assert.strictEqual(leftover.line, 9, 'the downgrade section');
    assert.strictEqual(leftover.expected, '(absent)');
    assert.match(leftover.actual ?? '', /^CREATE INDEX settings_updated_at_idx ON public\.settings USING btree \(updated_at\)$/);
    const again = failed.messages.find((m) => m.text.startsWith('Upgrade again after the downgrade:'));
    assert.ok(again && /already exists/.test(again.text) && again.line === 6, JSON.stringify(failed.messages, null, 2));
  });

  it('runs one revision: only that item is reported', async () => {
    const item = revisionItems(ctx).find((i) => i.id === idOf('4b9608290b5d'));
    assert.ok(item);
    const tokens = new vscode.CancellationTokenSource();
    const run = await ctx.stairway.runRequest(new vscode.TestRunRequest([item], undefined, ctx.stairway.runProfile), tokens.token);
    tokens.dispose();
    assert.deepStrictEqual([...run.items.entries()].map(([id, r]) => [id, r.state]), [[idOf('4b9608290b5d'), 'passed']]);
  });

  it('a range: FROM, TO and what lies between, nothing else', async () => {
    const run = await vscode.commands.executeCommand<{ items: Map<string, { state: string }> }>('migrationChain.runStairwayRange', '4b9608290b5d', 'add_discovery_query');
    assert.deepStrictEqual([...run.items.entries()].map(([id, r]) => [id, r.state]),
      [[idOf('4b9608290b5d'), 'passed'], [idOf('add_discovery_query'), 'passed']]);
  });

  it('"Run changed" runs only the revisions whose files changed since the ref', async () => {
    const dir = folder().uri.fsPath;
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('add', 'migrations');
    git('commit', '-qm', 'chain');
    writeDefect();
    await waitFor('the new revision item', async () => { await ctx.chains.refresh(); return revisionItems(ctx).find((i) => i.id === idOf(DEFECT)); });
    const run = await vscode.commands.executeCommand<{ items: Map<string, { state: string }> }>('migrationChain.runChangedStairway', 'HEAD');
    assert.deepStrictEqual([...run.items.keys()], [idOf(DEFECT)]);
    assert.strictEqual(run.items.get(idOf(DEFECT))?.state, 'failed');
  });
});
