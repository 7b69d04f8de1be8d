// Issue 7 in the editor against the real database: the drift report document, Accept Current File,
// and the downgrade modal's undo order. Files edited here are restored afterwards (other suites share
// the workspace).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../src/extension/context';
import {
  activate, emptyDatabase, folder, modalText, query, run, SEED_HEAD, silenceNotifications, snapshot, stubModal, useTestDatabase, versionNums,
} from './helpers';

const SETTINGS_FILE = () => path.join(folder().uri.fsPath, 'migrations', '4b9608290b5d_add_settings_table.sql');

describe('integrity: drift report, accept current file, downgrade preview', () => {
  let ctx: Context;
  let original: string;
  const sandbox = sinon.createSandbox();

  before(async () => {
    ctx = await activate();
    await useTestDatabase(ctx);
    original = fs.readFileSync(SETTINGS_FILE(), 'utf8');
  });
  beforeEach(async () => {
    await emptyDatabase(ctx);
    silenceNotifications(sandbox);
    stubModal(sandbox, 'Upgrade');
    assert.strictEqual((await run('migrationChain.upgradeHead')).status, 'done');
    sandbox.restore();
    silenceNotifications(sandbox);
  });
  afterEach(async () => {
    sandbox.restore();
    fs.writeFileSync(SETTINGS_FILE(), original);
    await ctx.chains.refresh();
  });

  it('the drift report names a hand-made ADD COLUMN and nothing else, linked as a document', async () => {
    await query('ALTER TABLE settings ADD COLUMN nickname text');
    const outcome = await run('migrationChain.verifyDrift');
    assert.strictEqual(outcome.status, 'failed', JSON.stringify(outcome));
    assert.match(outcome.message, /1 schema difference/);
    const doc = vscode.window.activeTextEditor?.document;
    assert.ok(doc && doc.isUntitled && doc.languageId === 'markdown', 'the report opens as an untitled Markdown document');
    const text = doc.getText();
    assert.match(text, /\*\*1 difference\*\*/);
    assert.match(text, /### extra column `settings\.nickname`/);
    assert.match(text, /Actual \(database\):\n\n```sql\ntext\n```/);
    assert.ok(!/### (missing|changed)/.test(text), text);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

    await query('ALTER TABLE settings DROP COLUMN nickname');
    const clean = await run('migrationChain.verifyDrift');
    assert.strictEqual(clean.status, 'done', JSON.stringify(clean));
    assert.match(vscode.window.activeTextEditor?.document.getText() ?? '', /\*\*No drift\*\*/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Accept Current File flips an edited revision back to applied, after a modal', async () => {
    fs.writeFileSync(SETTINGS_FILE(), original.replace('CREATE TABLE settings (', '-- reviewed\nCREATE TABLE settings ('));
    let s = await snapshot(ctx);
    assert.strictEqual(s.status?.revisions.get('4b9608290b5d')?.state, 'edited');
    const ref = { folderUri: folder().uri.toString(), revision: '4b9608290b5d' };

    const declined = stubModal(sandbox, undefined);
    assert.strictEqual((await run('migrationChain.acceptCurrentFile', ref)).status, 'aborted');
    assert.match(modalText(declined), /Nothing is run/);
    assert.strictEqual((await snapshot(ctx)).status?.revisions.get('4b9608290b5d')?.state, 'edited');
    sandbox.restore();
    silenceNotifications(sandbox);

    stubModal(sandbox, 'Accept');
    const outcome = await run('migrationChain.acceptCurrentFile', ref);
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    s = await snapshot(ctx);
    assert.strictEqual(s.status?.revisions.get('4b9608290b5d')?.state, 'applied');
    const rows = await query<{ direction: string }>("SELECT direction FROM migration_chain_log WHERE revision = '4b9608290b5d' ORDER BY id DESC LIMIT 1");
    assert.strictEqual(rows[0].direction, 'repair');
  });

  it('the downgrade modal lists the revisions to undo newest first', async () => {
    const modal = stubModal(sandbox, undefined);
    assert.strictEqual((await run('migrationChain.downgradeToRevision', { folderUri: folder().uri.toString(), revision: 'base' })).status, 'aborted');
    const text = modalText(modal);
    const order = [SEED_HEAD, 'add_discovery_query', '4b9608290b5d', '000000000000'].map((r) => text.indexOf(`  ${r}  `));
    assert.ok(order.every((i) => i >= 0), text);
    assert.deepStrictEqual([...order].sort((a, b) => a - b), order, `undo order newest first:\n${text}`);
    assert.match(text, /Will undo 4 revisions \(newest first\)/);
    assert.deepStrictEqual(await versionNums(), [SEED_HEAD]);
  });
});
