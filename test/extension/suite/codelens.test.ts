import * as assert from 'assert';
import * as path from 'path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../src/extension/context';
import { activate, emptyDatabase, folder, run, SEED_HEAD, silenceNotifications, stubModal, useTestDatabase } from './helpers';

async function lensTitles(file: string): Promise<string[]> {
  const uri = vscode.Uri.file(path.join(folder().uri.fsPath, 'migrations', file));
  await vscode.workspace.openTextDocument(uri);
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
  return lenses.map((l) => l.command?.title ?? '').filter(Boolean);
}

describe('CodeLens', () => {
  let ctx: Context;
  const sandbox = sinon.createSandbox();

  before(async () => {
    ctx = await activate();
    await useTestDatabase(ctx);
    await emptyDatabase(ctx);
  });
  afterEach(async () => {
    sandbox.restore();
    await vscode.workspace.getConfiguration('migrationChain').update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('says pending, with Upgrade to here, on an empty database', async () => {
    assert.deepStrictEqual(await lensTitles('000000000000_create_base_tables.sql'), ['○ Pending — Upgrade to here']);
    const uri = vscode.Uri.file(path.join(folder().uri.fsPath, 'migrations', '000000000000_create_base_tables.sql'));
    const [lens] = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.strictEqual(lens.range.start.line, 0, 'on the revision line');
    assert.strictEqual(lens.command?.command, 'migrationChain.upgradeToHere');
  });

  it('flips to applied and current head after an upgrade', async () => {
    silenceNotifications(sandbox);
    stubModal(sandbox, 'Upgrade');
    assert.strictEqual((await run('migrationChain.upgradeHead')).status, 'done');
    const base = await lensTitles('000000000000_create_base_tables.sql');
    assert.strictEqual(base.length, 2);
    assert.match(base[0], /^✓ Applied/);
    assert.strictEqual(base[1], '↓ Downgrade to here');
    assert.deepStrictEqual(await lensTitles(`${SEED_HEAD}_add_discovery_query_id_to_prospects.sql`), ['★ Current head']);
  });

  it('are switched off by migrationChain.codeLens.enabled', async () => {
    await vscode.workspace.getConfiguration('migrationChain').update('codeLens.enabled', false, vscode.ConfigurationTarget.Workspace);
    assert.deepStrictEqual(await lensTitles('000000000000_create_base_tables.sql'), []);
  });
});
