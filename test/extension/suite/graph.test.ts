// The revision graph in the real extension host: the panel opens on the chain with two branches,
// a re-parent goes through the modal (which shows the header line before and after), writes the
// file as an undoable edit (Ctrl+Z in the file restores it), and a revision a database applied is
// only moved when the person confirms "Re-parent Anyway". Export PNG goes through the real
// webview's canvas; "Merge these heads" writes a merge revision through the engine; "Restore from
// git" brings a deleted parent back from a real git repository made here.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../src/extension/context';
import type { GraphPanel } from '../../../src/extension/graph/graph-panel';
import {
  activate, emptyDatabase, folder, modalText, run, SEED_HEAD, silenceNotifications, snapshot, stubModal, useTestDatabase, waitFor,
} from './helpers';
import { darkPixels, decodePng, pixelAt } from '../../support/png';

const branch = (id: string, parent: string) => [
  `-- revision: ${id}`, `-- down_revision: ${parent}`, `-- message: branch ${id}`, '', '-- migrate:upgrade', 'SELECT 1;', '', '-- migrate:downgrade', 'SELECT 1;', '',
].join('\n');

describe('Revision graph (extension host)', () => {
  let ctx: Context;
  const sandbox = sinon.createSandbox();
  const dir = () => path.join(folder().uri.fsPath, 'migrations');
  const files = () => ['gb1_one.sql', 'gb2_two.sql'].map((f) => path.join(dir(), f));
  /** Files a test creates besides those two (removed after it). */
  const extra: string[] = [];

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
    for (const f of [...files(), ...extra.splice(0)]) fs.rmSync(f, { recursive: true, force: true });
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

  it('exports PNG: the webview draws the export\'s SVG on a canvas and the file is that picture at twice its size', async () => {
    const panel = await openGraph();
    const target = path.join(folder().uri.fsPath, 'exported-graph.png');
    extra.push(target);
    const dialog = sandbox.stub(vscode.window, 'showSaveDialog').resolves(vscode.Uri.file(target));
    const outcome = await panel.handle({ type: 'exportPng' });
    assert.strictEqual(outcome?.status, 'done', JSON.stringify(outcome));
    assert.deepStrictEqual(dialog.firstCall.args[0]?.filters, { PNG: ['png'] });
    const bytes = fs.readFileSync(target);
    assert.deepStrictEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the PNG signature');
    assert.strictEqual(bytes.toString('latin1', 12, 16), 'IHDR');
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    assert.ok(width > 0 && height > 0, `IHDR ${width}×${height}`);
    // The same SVG Export SVG writes, whose size the PNG doubles.
    const svgFile = path.join(folder().uri.fsPath, 'exported-graph.svg');
    extra.push(svgFile);
    dialog.resolves(vscode.Uri.file(svgFile));
    assert.strictEqual((await panel.handle({ type: 'exportSvg' }))?.status, 'done');
    const svg = /^<svg [^>]*width="(\d+)" height="(\d+)"/.exec(fs.readFileSync(svgFile, 'utf8'))!;
    assert.deepStrictEqual([width, height], [Number(svg[1]) * 2, Number(svg[2]) * 2], 'twice the SVG\'s width and height');
    assert.match(outcome.message ?? '', new RegExp(`\\(${width}×${height} px\\)`));
    const png = decodePng(bytes);
    assert.deepStrictEqual(pixelAt(png, 1, 1), [255, 255, 255, 255], 'the export\'s white background');
    assert.ok(darkPixels(png) > 2000, `text, edges and dots are drawn (${darkPixels(png)} dark pixels)`);
    assert.strictEqual((await panel.handle({ type: 'png', id: 999, base64: 'AAAA' })), undefined, 'an answer nobody asked for is ignored');
  });

  it('"Merge these heads" writes a merge revision whose down_revision lists both heads', async () => {
    const panel = await openGraph();
    sandbox.stub(vscode.window, 'showInputBox').resolves('join the two branches');
    const before = new Set(fs.readdirSync(dir()));
    const outcome = await panel.handle({ type: 'mergeHeads', revision: 'gb1', other: 'gb2' });
    assert.strictEqual(outcome?.status, 'done', JSON.stringify(outcome));
    const created = fs.readdirSync(dir()).filter((f) => !before.has(f));
    extra.push(...created.map((f) => path.join(dir(), f)));
    assert.strictEqual(created.length, 1, `one new file: ${created.join(', ')}`);
    assert.match(created[0], /_join_the_two_branches\.sql$/);
    const text = fs.readFileSync(path.join(dir(), created[0]), 'utf8');
    assert.match(text, /^-- down_revision: gb1, gb2$/m);
    assert.match(text, /^-- message: join the two branches$/m);
    const merge = /^-- revision: (\S+)$/m.exec(text)![1];
    const after = await snapshot(ctx);
    assert.deepStrictEqual(after.chain!.graph.heads, [merge], 'one head: the merge');
    assert.deepStrictEqual([...after.chain!.graph.get(merge)!.downRevisions].sort(), ['gb1', 'gb2']);
    await waitFor('the graph to show the merge', () => {
      const node = panel.view?.nodes.find((n) => n.id === merge);
      return node?.merge && node.head && node.parents.slice().sort().join() === 'gb1,gb2' ? node : undefined;
    });
    const refused = await panel.handle({ type: 'mergeHeads', revision: 'gb1', other: 'gb2' });
    assert.strictEqual(refused?.status, 'failed', 'gb1 is no head any more');
  });

  it('"Restore from git" brings a parent deleted from the working tree back with its committed text', async () => {
    const root = folder().uri.fsPath;
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: root, encoding: 'utf8' });
    extra.push(path.join(root, '.git'));
    git('init', '-q');
    git('add', 'migrations');
    git('commit', '-qm', 'the chain with two branches');
    const parent = files()[0];
    const committed = git('show', 'HEAD:migrations/gb1_one.sql');
    fs.writeFileSync(parent, `${committed}-- an edit never committed\n`);
    fs.rmSync(parent);
    fs.writeFileSync(path.join(dir(), 'gc3_child.sql'), branch('gc3', 'gb1'));
    extra.push(path.join(dir(), 'gc3_child.sql'));
    await snapshot(ctx);
    const panel = await openGraph();
    await waitFor('the ghost of gb1', () => panel.view?.nodes.find((n) => n.id === 'missing:gb1' && n.kind === 'missing'));

    const modal = stubModal(sandbox, 'Restore');
    const outcome = await panel.handle({ type: 'restore', revision: 'gb1' });
    assert.strictEqual(outcome?.status, 'done', JSON.stringify(outcome));
    assert.match(modalText(modal), /Restore migrations\/gb1_one\.sql from git\?[\s\S]*in HEAD and was deleted from the working tree/);
    assert.strictEqual(fs.readFileSync(parent, 'utf8'), committed, 'the committed text, byte for byte');
    const after = await snapshot(ctx);
    assert.deepStrictEqual(after.chain!.diagnostics.filter((d) => d.severity === 'error'), [], 'the chain is whole again');
    await waitFor('the graph without the ghost', () => (panel.view?.nodes.some((n) => n.id === 'gb1' && n.kind === 'revision') && !panel.view.nodes.some((n) => n.kind === 'missing')) || undefined);
  });
});
