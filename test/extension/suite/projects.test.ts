// Several Alembic projects in one workspace folder (a repository with backend/ and
// services/billing/, each with its own alembic.ini): each is its own tree root with its own status
// and database URL, and commands run on the chain of the file they are invoked from. The projects are
// written into the scratch workspace here and removed afterwards, so the other suites see one chain.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../src/extension/context';
import type { FolderSnapshot } from '../../../src/extension/chains/folder-snapshot';
import type { TreeNode } from '../../../src/extension/tree/tree-model';
import { activate, databaseUrl, folder, run, silenceNotifications, waitFor } from './helpers';

const rev = (id: string, parent: string | null) =>
  `"""${id} step"""\nrevision = '${id}'\ndown_revision = ${parent ? `'${parent}'` : 'None'}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`;

const PROJECTS: Record<string, string> = {
  'backend/alembic.ini': '[alembic]\nscript_location = %(here)s/alembic\n',
  'backend/alembic/versions/b1.py': rev('b1', null),
  'backend/alembic/versions/b2.py': rev('b2', 'b1'),
  'services/billing/alembic.ini': '[alembic]\nscript_location = alembic\nversion_locations = %(here)s/alembic/versions %(here)s/alembic/extra\n',
  'services/billing/alembic/versions/s1.py': rev('s1', null),
  'services/billing/alembic/extra/s2.py': rev('s2', 's1'),
};

describe('several Alembic projects in one workspace folder', () => {
  let ctx: Context;
  const sandbox = sinon.createSandbox();
  const root = () => folder().uri.fsPath;

  const roots = () => ctx.tree.getChildren();
  const label = (n: TreeNode) => ctx.tree.getTreeItem(n).label;
  const byLabel = (name: string): FolderSnapshot => {
    const s = ctx.chains.snapshots().find((x) => x.folder.name === name);
    assert.ok(s, `a chain labelled ${name}`);
    return s;
  };

  before(async () => {
    ctx = await activate();
    for (const [rel, text] of Object.entries(PROJECTS)) {
      fs.mkdirSync(path.dirname(path.join(root(), rel)), { recursive: true });
      fs.writeFileSync(path.join(root(), rel), text);
    }
    // backend/ has its own .env: its URL comes from there, billing has none.
    fs.writeFileSync(path.join(root(), 'backend', '.env'), `DATABASE_URL=${databaseUrl()}\n`);
    await ctx.chains.refresh();
  });

  afterEach(() => sandbox.restore());

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(path.join(root(), 'backend'), { recursive: true, force: true });
    fs.rmSync(path.join(root(), 'services'), { recursive: true, force: true });
    await ctx.chains.refresh();
    await waitFor('one chain again', () => ctx.tree.getChildren().length === 1);
  });

  it('shows one root per chain: the folder\'s own, then each project by its path', () => {
    assert.deepStrictEqual(roots().map(label), [folder().name, 'backend', 'services/billing']);
    const revisions = (name: string) => ctx.tree.getChildren(roots().find((n) => label(n) === name))
      .filter((n): n is Extract<TreeNode, { kind: 'revision' }> => n.kind === 'revision').map((n) => n.revision);
    assert.deepStrictEqual(revisions('backend'), ['b2', 'b1']);
    assert.deepStrictEqual(revisions('services/billing'), ['s2', 's1'], 'two version locations make one chain');
  });

  it('gives each project its own database URL lookup and status', () => {
    const backend = byLabel('backend');
    assert.ok(backend.status, `backend reads its status: ${JSON.stringify(backend.disconnected)}`);
    assert.strictEqual(backend.connection?.label, `DATABASE_URL from ${path.join('backend', '.env')} line 1`);
    assert.deepStrictEqual([...backend.status.pending].sort(), ['b1', 'b2']);
    const billing = byLabel('services/billing');
    assert.strictEqual(billing.disconnected?.reason, 'no-url');
    assert.strictEqual(billing.alembicProject?.iniFile, path.join(root(), 'services', 'billing', 'alembic.ini'));
  });

  it('runs a command invoked from a file on the chain that file belongs to, without asking', async () => {
    silenceNotifications(sandbox);
    const pick = sandbox.stub(vscode.window, 'showQuickPick').rejects(new Error('must not ask'));
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(root(), 'services', 'billing', 'alembic', 'extra', 's2.py')));
    const outcome = await run('migrationChain.verify');
    assert.strictEqual(pick.callCount, 0);
    assert.notStrictEqual(outcome.status, 'done');
    assert.match((outcome as { message: string }).message, /services\/billing: no database URL configured/);
  });

  it('asks with a quick pick from the palette when there are several chains', async () => {
    silenceNotifications(sandbox);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const pick = sandbox.stub(vscode.window, 'showQuickPick').callsFake(async (items: unknown) => {
      const list = await (items as Promise<Array<{ label: string }>>);
      return list.find((i) => i.label === 'services/billing') as never;
    });
    const outcome = await run('migrationChain.clearDatabaseUrl');
    assert.strictEqual(pick.callCount, 1);
    const offered = (await (pick.firstCall.args[0] as unknown as Promise<Array<{ label: string }>>)).map((i) => i.label);
    assert.deepStrictEqual(offered, [folder().name, 'backend', 'services/billing']);
    assert.strictEqual(outcome.status, 'done');
    assert.match((outcome as { message?: string }).message ?? '', /^services\/billing: /);
  });
});
