// The revision graph in the real extension host: the panel opens on the chain with two branches,
// a re-parent goes through the modal (which shows the header line before and after), writes the
// file as an undoable edit (Ctrl+Z in the file restores it), and a revision a database applied is
// only moved when the person confirms "Re-parent Anyway".
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../src/extension/context';
import type { GraphPanel } from '../../../src/extension/graph/graph-panel';
import {
  activate, emptyDatabase, folder, modalText, run, SEED_HEAD, silenceNotifications, snapshot, stubModal, useTestDatabase, waitFor,
} from './helpers';

const branch = (id: string, parent: string) => [
  `-- revision: ${id}`, `-- down_revision: ${parent}`, `-- message: branch ${id}`, '', '-- migrate:upgrade', 'SELECT 1;', '', '-- migrate:downgrade', 'SELECT 1;', '',
].join('\n');

describe('Revision graph (extension host)', () => {
  let ctx: Context;
  const sandbox = sinon.createSandbox();
  const dir = () => path.join(folder().uri.fsPath, 'migrations');
  const files = () => ['gb1_one.sql', 'gb2_two.sql'].map((f) => path.join(dir(), f));

  async function openGraph(): Promise<GraphPanel> {
    assert.strictEqual((await run('migrationChain.showRevisionGraph')).status, 'done');
    const panel = await waitFor('the graph panel', () => ctx.graphPanel());
    await waitFor('the first graph', () => panel.view?.nodes.some((n) => n.id === 'gb2'), 20_000);
    return panel;
  }

  before(async () => {
    ctx = await activate();
    await useTestDatabase(ctx);
  });
  beforeEach(async () => {
    await emptyDatabase(ctx);
    silenceNotifications(sandbox);
    fs.writeFileSync(files()[0], branch('gb1', SEED_HEAD));
    fs.writeFileSync(files()[1], branch('gb2', SEED_HEAD));
    await snapshot(ctx);
  });
  afterEach(async () => {
    sandbox.restore();
    ctx.graphPanel()?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const f of files()) fs.rmSync(f, { force: true });
    await ctx.chains.refresh();
  });

  it('opens on the chain with two heads in two lanes, heads at the top', async () => {
    const panel = await openGraph();
    const view = panel.view!;
    const gb1 = view.nodes.find((n) => n.id === 'gb1')!;
    const gb2 = view.nodes.find((n) => n.id === 'gb2')!;
    assert.ok(gb1.head && gb2.head);
    assert.notStrictEqual(gb1.lane, gb2.lane);
    assert.ok(gb1.row < 2 && gb2.row < 2, 'heads first');
    assert.ok(view.nodes.find((n) => n.id === SEED_HEAD)!.branchPoint);
    assert.ok(view.nodes.every((n) => n.kind !== 'revision' || n.marks.some((m) => m.text.startsWith('db '))), 'every revision has its database badge');
    assert.strictEqual(await panel.handle({ type: 'reparent', revision: 'gb2', onto: 'gb2' }), undefined, 'a malformed message is ignored');
  });

  it('re-parents through the modal showing the header diff, and Ctrl+Z in the file undoes it', async () => {
    const panel = await openGraph();
    const modal = stubModal(sandbox, 'Re-parent');
    const outcome = await panel.handle({ type: 'reparent', revision: 'gb2', onto: 'gb1' });
    assert.strictEqual(outcome?.status, 'done', JSON.stringify(outcome));
    const text = modalText(modal);
    assert.match(text, /Re-parent gb2\? This rewrites migrations\/gb2_two\.sql/);
    assert.match(text, new RegExp(`- -- down_revision: ${SEED_HEAD}\\n\\+ -- down_revision: gb1`));
    assert.match(text, /No database the editor knows about has applied it/);
    assert.match(fs.readFileSync(files()[1], 'utf8'), /^-- down_revision: gb1$/m);
    const after = await snapshot(ctx);
    assert.deepStrictEqual(after.chain!.graph.heads, ['gb2']);
    await waitFor('the graph to show the new parent', () => panel.view?.nodes.find((n) => n.id === 'gb2')?.parents.join() === 'gb1');

    const editor = await vscode.window.showTextDocument(vscode.Uri.file(files()[1]));
    await waitFor('the file\'s editor active', () => vscode.window.activeTextEditor?.document === editor.document || undefined);
    await vscode.commands.executeCommand('undo');
    await waitFor('undo to restore the old parent', () => new RegExp(`^-- down_revision: ${SEED_HEAD}$`, 'm').test(editor.document.getText()) || undefined);
    assert.ok(await editor.document.save(), 'the undone file is saved');
    await waitFor('the undone file on disk', () => new RegExp(`^-- down_revision: ${SEED_HEAD}$`, 'm').test(fs.readFileSync(files()[1], 'utf8')) || undefined);
    assert.deepStrictEqual((await snapshot(ctx)).chain!.graph.heads.sort(), ['gb1', 'gb2']);
  });

  it('moves a revision the database applied only after "Re-parent Anyway", and never into a cycle', async () => {
    stubModal(sandbox, 'Upgrade');
    fs.renameSync(files()[1], `${files()[1]}.off`); // one head, so Upgrade to Head applies the seed chain
    try {
      await snapshot(ctx);
      assert.strictEqual((await run('migrationChain.upgradeHead')).status, 'done');
    } finally {
      fs.renameSync(`${files()[1]}.off`, files()[1]);
    }
    await snapshot(ctx);
    sandbox.restore();
    silenceNotifications(sandbox);
    const panel = await openGraph();
    const file = path.join(dir(), 'add_discovery_query_table.sql');
    const before = fs.readFileSync(file, 'utf8');

    const declined = stubModal(sandbox, 'Re-parent');
    const outcome = await panel.handle({ type: 'reparent', revision: 'add_discovery_query', onto: '000000000000' });
    assert.strictEqual(outcome?.status, 'aborted');
    assert.match(modalText(declined), /add_discovery_query is applied in .* \(connected\)\. Re-parent it anyway\?/);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), before, 'nothing written without "Re-parent Anyway"');
    declined.restore();

    const cycle = await panel.handle({ type: 'reparent', revision: '000000000000', onto: 'gb1' });
    assert.strictEqual(cycle?.status, 'failed');
    assert.match(cycle.message, /would make a cycle/);

    stubModal(sandbox, 'Re-parent Anyway');
    const forced = await panel.handle({ type: 'reparent', revision: 'add_discovery_query', onto: '000000000000' });
    assert.strictEqual(forced?.status, 'done', JSON.stringify(forced));
    assert.match(fs.readFileSync(file, 'utf8'), /^-- down_revision: 000000000000$/m);
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
    await waitFor('the file\'s editor active', () => vscode.window.activeTextEditor?.document === editor.document || undefined);
    await vscode.commands.executeCommand('undo');
    await waitFor('undo to restore the file', () => editor.document.getText() === before || undefined);
    assert.ok(await editor.document.save(), 'the undone file is saved');
    await waitFor('the undone file on disk', () => fs.readFileSync(file, 'utf8') === before || undefined);
  });
});
