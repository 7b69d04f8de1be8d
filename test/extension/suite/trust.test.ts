import * as assert from 'assert';
import * as path from 'path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../src/extension/context';
import { activate, emptyDatabase, folder, run, silenceNotifications, snapshot, stubModal, tables, useTestDatabase } from './helpers';

describe('Restricted Mode', () => {
  let ctx: Context;
  const sandbox = sinon.createSandbox();

  before(async () => {
    ctx = await activate();
    await useTestDatabase(ctx);
    await emptyDatabase(ctx);
  });
  beforeEach(() => {
    silenceNotifications(sandbox);
    // The host's workspace is trusted; the extension reads trust from this getter on every check.
    sandbox.replaceGetter(vscode.workspace, 'isTrusted', () => false);
  });
  afterEach(async () => {
    sandbox.restore();
    await ctx.chains.refresh();
  });

  it('refuses to connect or run, saying why, and changes nothing', async () => {
    const modal = stubModal(sandbox, 'Upgrade');
    const outcome = await run('migrationChain.upgradeHead');
    assert.strictEqual(outcome.status, 'refused');
    assert.match(outcome.message ?? '', /Restricted Mode/);
    const calls = modal.getCalls().map((c) => c.args as unknown[]);
    assert.ok(!calls.some((a) => (a[1] as { modal?: boolean } | undefined)?.modal === true), 'no modal: nothing was even planned');
    assert.ok(calls.some((a) => /Restricted Mode/.test(String(a[0])) && a.includes('Manage Workspace Trust')), 'the user is told why, with a way to trust');
    assert.strictEqual((await run('migrationChain.reset')).status, 'refused');
    assert.strictEqual((await run('migrationChain.verify')).status, 'refused');
    assert.deepStrictEqual(await tables(), []);
  });

  it('still shows the tree and CodeLens, without database status', async () => {
    const s = await snapshot(ctx);
    assert.deepStrictEqual(s.disconnected, { reason: 'untrusted' });
    assert.strictEqual(s.status, undefined);
    const root = ctx.tree.getChildren();
    assert.ok(ctx.tree.getChildren(root[0]).filter((n) => n.kind === 'revision').length >= 4, 'the chain is listed');
    const uri = vscode.Uri.file(path.join(folder().uri.fsPath, 'migrations', '000000000000_create_base_tables.sql'));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.deepStrictEqual(lenses.map((l) => l.command?.title), ['Restricted Mode — Trust the workspace to see status']);
  });
});
