// The seed's people open their repository root (examples/alembic-backend/, the project in backend/),
// not backend/. Run by test/extension/run.ts in a second extension host on a copy of that folder,
// with real Alembic (Debian's python3-alembic): the chain in the tree, Reset through the modal with
// the project's own Alembic ending with verify in the output channel, the CodeLens on `.py` files
// moving the database with Alembic, and Show SQL from Alembic's offline mode.
import * as assert from 'assert';
import * as path from 'path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../../src/extension/context';
import type { TreeNode } from '../../../../src/extension/tree/tree-model';
import { activate, folder, modalText, query, run, silenceNotifications, snapshot, stubModal, useTestDatabase, versionNums } from '../helpers';

const HEAD = '556b79de2825';
const VERSIONS = ['backend', 'alembic', 'versions'];
const SEED_FILES: Record<string, string> = {
  '000000000000': '000000000000_create_base_tables.py',
  '4b9608290b5d': '4b9608290b5d_add_settings_table.py',
  add_discovery_query: 'add_discovery_query_table.py',
  [HEAD]: '556b79de2825_add_discovery_query_id_to_prospects_safe.py',
};

function fileUri(revision: string): vscode.Uri {
  return vscode.Uri.file(path.join(folder().uri.fsPath, ...VERSIONS, SEED_FILES[revision]));
}

async function lenses(revision: string): Promise<vscode.CodeLens[]> {
  await vscode.workspace.openTextDocument(fileUri(revision));
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', fileUri(revision), 10)) ?? [];
}

async function lensTitles(revision: string): Promise<string[]> {
  return (await lenses(revision)).map((l) => l.command?.title ?? '').filter(Boolean);
}

async function tableNames(): Promise<string[]> {
  return (await query<{ t: string }>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).map((r) => r.t);
}

/** Everything written to the output channel while `sandbox` is active. */
function recordOutput(ctx: Context, sandbox: sinon.SinonSandbox): string[] {
  const written: string[] = [];
  const channel = ctx.log.channel as unknown as Record<string, (...a: unknown[]) => void>;
  for (const m of ['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine'] as const) {
    if (typeof channel[m] !== 'function') continue;
    const original = channel[m].bind(channel);
    sandbox.stub(channel, m).callsFake((...args: unknown[]) => {
      written.push(args.map(String).join(' '));
      return original(...args);
    });
  }
  return written;
}

describe('Alembic project opened at the repository root (examples/alembic-backend, real Alembic)', function () {
  this.timeout(180_000);
  let ctx: Context;
  const sandbox = sinon.createSandbox();

  before(async () => {
    ctx = await activate();
    // The first read names the chain (its key is the project's path): the URL is stored for that chain.
    await ctx.chains.refresh();
    await useTestDatabase(ctx);
  });
  afterEach(() => sandbox.restore());

  it('shows backend/\'s chain in the tree, run by backend/alembic.ini', async () => {
    const s = await snapshot(ctx);
    assert.strictEqual(s.alembicProject?.iniFile, path.join(folder().uri.fsPath, 'backend', 'alembic.ini'));
    assert.strictEqual(s.chain?.dir, path.join(folder().uri.fsPath, ...VERSIONS));
    const roots = ctx.tree.getChildren();
    assert.strictEqual(roots.length, 1);
    const revisions = ctx.tree.getChildren(roots[0]).filter((n): n is Extract<TreeNode, { kind: 'revision' }> => n.kind === 'revision').map((n) => n.revision);
    assert.deepStrictEqual(revisions, [HEAD, 'add_discovery_query', '4b9608290b5d', '000000000000']);
  });

  it('Reset asks in the modal, runs the project\'s Alembic and verifies; the verify report is in the output channel', async () => {
    await query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; CREATE TABLE leftover (id int); INSERT INTO leftover VALUES (1)');
    await ctx.chains.refresh();
    silenceNotifications(sandbox);
    const written = recordOutput(ctx, sandbox);
    const modal = stubModal(sandbox, 'Reset');
    const outcome = await run('migrationChain.reset');
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    assert.match(outcome.message ?? '', /applied 4 revisions with Alembic, verify passed/);
    assert.match(modalText(modal), /leftover {2}1 row/);
    assert.match(modalText(modal), /verif/i, 'the modal promises verify');
    assert.deepStrictEqual(await versionNums(), [HEAD]);
    assert.ok(!(await tableNames()).includes('leftover'));
    assert.ok((await tableNames()).includes('discovery_queries'));
    const text = written.join('\n');
    assert.match(text, /alembic -c \S*backend\/alembic\.ini (?:-x dbname=\S+ )?upgrade heads/, 'the project\'s Alembic ran');
    assert.match(text, /Running upgrade add_discovery_query -> 556b79de2825/, 'Alembic\'s own output is streamed');
    const upgraded = text.lastIndexOf('✔ alembic upgrade heads');
    assert.ok(upgraded >= 0, text);
    for (const check of ['chain', 'version', 'pending', 'tables']) {
      assert.ok(text.indexOf(`✔ ${check}: `, upgraded) > upgraded, `verify's ${check} check is reported after the upgrade`);
    }
  });

  it('CodeLens on .py files: applied revisions offer Downgrade to here, which Alembic runs (preview from alembic downgrade --sql)', async () => {
    await ctx.chains.refresh();
    assert.deepStrictEqual(await lensTitles(HEAD), ['★ Current head']);
    const lens = (await lenses('4b9608290b5d')).find((l) => l.command?.title === '↓ Downgrade to here');
    assert.ok(lens?.command, `a Downgrade to here lens: ${JSON.stringify(await lensTitles('4b9608290b5d'))}`);
    silenceNotifications(sandbox);
    const modal = stubModal(sandbox, 'Downgrade');
    const outcome = await run(lens.command.command, ...(lens.command.arguments ?? []));
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    assert.match(outcome.message ?? '', /with Alembic/);
    assert.deepStrictEqual(await versionNums(), ['4b9608290b5d']);
    assert.ok(!(await tableNames()).includes('discovery_queries'));
    assert.match(modalText(modal), /alembic downgrade --sql\) deletes data:[\s\S]*DROP TABLE discovery_queries \(add_discovery_query\)/);
  });

  it('Show SQL on a pending .py revision prints Alembic\'s offline SQL; the revision that needs a connection is named', async () => {
    await ctx.chains.refresh();
    silenceNotifications(sandbox);
    const ok = await run('migrationChain.showSql', { folderUri: folder().uri.toString(), revision: 'add_discovery_query' });
    assert.strictEqual(ok.status, 'done', JSON.stringify(ok));
    const doc = vscode.window.activeTextEditor?.document;
    assert.strictEqual(doc?.languageId, 'sql');
    assert.match(doc.getText(), /-- Running upgrade 4b9608290b5d -> add_discovery_query\s+CREATE TABLE discovery_queries/);
    assert.ok(!doc.getText().includes('CREATE TABLE settings'), 'starts from the database\'s head');
    const failed = await run('migrationChain.showSql', { folderUri: folder().uri.toString(), revision: HEAD });
    assert.strictEqual(failed.status, 'failed');
    assert.match(failed.message, /Revision 556b79de2825 \(\S+556b79de2825_add_discovery_query_id_to_prospects_safe\.py:21\) cannot run in Alembic's offline mode/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Upgrade to here from the pending lens runs Alembic and verifies at the head', async () => {
    const lens = (await lenses(HEAD)).find((l) => l.command?.command === 'migrationChain.upgradeToHere');
    assert.ok(lens?.command, `an Upgrade to here lens: ${JSON.stringify(await lensTitles(HEAD))}`);
    silenceNotifications(sandbox);
    const written = recordOutput(ctx, sandbox);
    stubModal(sandbox, 'Upgrade');
    const outcome = await run(lens.command.command, ...(lens.command.arguments ?? []));
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    assert.match(outcome.message ?? '', /to 556b79de2825 with Alembic: 2 revisions, verify passed/);
    assert.deepStrictEqual(await versionNums(), [HEAD]);
    assert.match(written.join('\n'), /alembic -c \S*backend\/alembic\.ini (?:-x dbname=\S+ )?upgrade 556b79de2825/);
    assert.deepStrictEqual(await lensTitles(HEAD), ['★ Current head']);
  });
});
