import * as assert from 'assert';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../src/extension/context';
import type { TreeNode } from '../../../src/extension/tree/tree-model';
import { activate, emptyDatabase, run, SEED_HEAD, SEED_REVISIONS, silenceNotifications, stubModal, useTestDatabase, versionNums } from './helpers';

function revisionItems(ctx: Context): Map<string, vscode.TreeItem> {
  const roots = ctx.tree.getChildren();
  assert.strictEqual(roots.length, 1, 'one folder node');
  const children = ctx.tree.getChildren(roots[0]).filter((n): n is Extract<TreeNode, { kind: 'revision' }> => n.kind === 'revision');
  // resolveTreeItem is what VS Code calls on hover: it fills in the (lazily built) tooltip.
  return new Map(children.map((n) => [n.revision, ctx.tree.resolveTreeItem(ctx.tree.getTreeItem(n), n)]));
}

describe('chain tree', () => {
  let ctx: Context;
  const sandbox = sinon.createSandbox();

  before(async () => {
    ctx = await activate();
    await useTestDatabase(ctx);
    await emptyDatabase(ctx);
  });
  afterEach(() => sandbox.restore());

  it('activated quickly, without reading files or loading the engine inside activate()', () => {
    console.log(`      activate() took ${ctx.activationMs.toFixed(1)} ms`);
    // For `npm run bench` (figure 6), which cannot start an extension host itself.
    const artifacts = require('path').resolve(__dirname, '..', '..', '..', '..', '.test-artifacts');
    require('fs').mkdirSync(artifacts, { recursive: true });
    require('fs').writeFileSync(require('path').join(artifacts, 'activation.json'), JSON.stringify({ activationMs: ctx.activationMs, at: new Date().toISOString() }));
    assert.ok(ctx.activationMs > 0 && ctx.activationMs < 1000, `activate() took ${ctx.activationMs} ms`);
  });

  it('shows the seed chain heads first, every revision pending on an empty database', () => {
    const items = revisionItems(ctx);
    assert.deepStrictEqual([...items.keys()], SEED_REVISIONS);
    for (const [rev, item] of items) {
      assert.strictEqual(item.contextValue, 'revision:pending', rev);
      // The seed's ids are 12 hex digits or hand-written (shown whole since shortRevision keeps non-hex ids).
      assert.match(String(item.description), new RegExp(`^${rev} · pending`));
      assert.strictEqual((item.iconPath as vscode.ThemeIcon).id, 'circle-large-outline');
      assert.strictEqual(item.command?.command, 'migrationChain.openFile');
    }
    assert.strictEqual(items.get('000000000000')?.label, 'create base tables');
    const root = ctx.tree.getTreeItem(ctx.tree.getChildren()[0]);
    assert.match(String(root.description), / · 4 pending$/);
  });

  it('opens as a view in its activity-bar container', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.migrationChain');
    await vscode.commands.executeCommand('migrationChain.chain.focus');
  });

  it('shows applied revisions and the current head after Upgrade to Head', async () => {
    silenceNotifications(sandbox);
    stubModal(sandbox, 'Upgrade');
    const outcome = await run('migrationChain.upgradeHead');
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    assert.deepStrictEqual(await versionNums(), [SEED_HEAD]);

    const items = revisionItems(ctx);
    assert.strictEqual(items.get(SEED_HEAD)?.contextValue, 'revision:current');
    assert.strictEqual((items.get(SEED_HEAD)?.iconPath as vscode.ThemeIcon).id, 'star-full');
    for (const rev of SEED_REVISIONS.slice(1)) {
      assert.strictEqual(items.get(rev)?.contextValue, 'revision:applied', rev);
      assert.strictEqual((items.get(rev)?.iconPath as vscode.ThemeIcon).id, 'pass');
    }
    const tooltip = items.get('4b9608290b5d')?.tooltip as vscode.MarkdownString;
    assert.match(tooltip.value, /Parents: `000000000000`/);
    assert.match(tooltip.value, /Children: `add_discovery_query`/);
  });
});
