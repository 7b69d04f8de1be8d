import * as assert from 'assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'migration-chain.migration-chain';

describe('activation', () => {
  it('activates and registers every command it contributes', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded in the extension host`);
    await extension.activate();
    assert.strictEqual(extension.isActive, true);

    const registered = new Set(await vscode.commands.getCommands(true));
    const ours = [...registered].filter((id) => id.startsWith('migrationChain.'));
    assert.ok(ours.length > 0, 'activation registered no migrationChain.* command');
    const contributed: string[] = (extension.packageJSON.contributes?.commands ?? []).map((c: { command: string }) => c.command);
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepStrictEqual(missing, [], 'commands declared in package.json but not registered on activation');
  });

  it('opens the fixture workspace', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.strictEqual(folders.length, 1, 'the runner opens exactly one workspace folder');
    assert.ok(process.env.MC_TEST_DATABASE_URL, 'the runner passes MC_TEST_DATABASE_URL to the extension host');
  });
});
