// An Alembic project read through Alembic itself (extension/chains/alembic-reading.ts) in the real editor:
// a revision whose id is not a literal (`revision = PREFIX + "01"`) is refused by the static reader,
// then appears in the tree once the helper has run with real Alembic; in Restricted Mode the helper
// does not run and the static reading stays.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../src/extension/context';
import { alembicPython } from '../../support/alembic';
import { activate, folder, run, snapshot, waitFor } from './helpers';

const PY = (doc: string, body: string) => `"""${doc}"""\n${body}\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`;

function diagnosticsOf(file: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(vscode.Uri.file(file)).filter((d) => d.source === 'Migration Chain');
}

describe('Alembic project read through Alembic', () => {
  let ctx: Context;
  const sandbox = sinon.createSandbox();
  const projectDir = () => path.join(folder().uri.fsPath, 'alembic-graph');
  const versions = () => path.join(projectDir(), 'versions');
  const nonLiteral = () => path.join(versions(), 'bb01_prefixed.py');
  const config = () => vscode.workspace.getConfiguration('migrationChain', folder().uri);
  const revisionsInTree = () => {
    const root = ctx.tree.getChildren();
    return ctx.tree.getChildren(root[0]).flatMap((n) => (n.kind === 'revision' ? [n.revision] : []));
  };

  before(async function () {
    this.timeout(120_000);
    ctx = await activate();
    // Restricted Mode from before the project exists, for the first test: every alembic.ini below the
    // folder is a chain at once, so a trusted refresh triggered by these writes would start Alembic.
    sandbox.replaceGetter(vscode.workspace, 'isTrusted', () => false);
    fs.mkdirSync(versions(), { recursive: true });
    fs.writeFileSync(path.join(projectDir(), 'alembic.ini'), '[alembic]\nscript_location = %(here)s\n');
    fs.writeFileSync(path.join(versions(), 'aa01_base.py'), PY('base', "revision = 'aa01'\ndown_revision = None"));
    fs.writeFileSync(nonLiteral(), PY('prefixed', 'PREFIX = "bb"\nrevision = PREFIX + "01"\ndown_revision = "aa01"'));
    fs.writeFileSync(path.join(versions(), 'cc01_tip.py'), PY('tip', "revision = 'cc01'\ndown_revision = 'bb01'"));
    await config().update('python', alembicPython(), vscode.ConfigurationTarget.WorkspaceFolder);
    await config().update('migrationsDir', 'alembic-graph/versions', vscode.ConfigurationTarget.WorkspaceFolder);
  });
  afterEach(() => sandbox.restore());
  after(async () => {
    await config().update('migrationsDir', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    await config().update('python', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    fs.rmSync(projectDir(), { recursive: true, force: true });
    await ctx.chains.refresh();
  });

  it('in Restricted Mode: the static reading only, the refused file is an error, and the helper never runs', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'still in Restricted Mode since before()');
    const info = sandbox.spy(ctx.log, 'info');
    const s = await snapshot(ctx);
    assert.ok(s.alembicProject, 'the chain belongs to the Alembic project');
    assert.deepStrictEqual(s.chain?.graph.revisions.slice().sort(), ['aa01', 'cc01']);
    // Give a helper that should not have started the time to answer.
    await new Promise((r) => setTimeout(r, 3000));
    await ctx.chains.refresh();
    assert.ok(!ctx.chains.snapshot(folder().uri.toString())?.chain?.graph.has('bb01'));
    assert.ok(!revisionsInTree().includes('bb01'));
    assert.ok(diagnosticsOf(nonLiteral()).some((d) => d.severity === vscode.DiagnosticSeverity.Error), 'the refusal stays an error');
    assert.ok(!info.getCalls().some((c) => /read through Alembic|no Python with Alembic/.test(String(c.args[0]))), 'no interpreter was even looked for');
  });

  it('trusted: the revision with a non-literal id appears in the tree after the helper runs, its refusal becomes a warning', async function () {
    this.timeout(120_000);
    await snapshot(ctx);
    const chain = await waitFor('Alembic\'s reading merged into the chain', () => {
      const c = ctx.chains.snapshot(folder().uri.toString())?.chain;
      return c?.graph.has('bb01') ? c : undefined;
    }, 60_000);
    assert.deepStrictEqual(chain.graph.heads, ['cc01'], 'no false head from the refused file');
    assert.deepStrictEqual(chain.graph.get('cc01')?.downRevisions, ['bb01']);
    await waitFor('bb01 in the tree', () => revisionsInTree().includes('bb01') || undefined);
    const onFile = await waitFor('the disagreement on the file', () => {
      const list = diagnosticsOf(nonLiteral());
      return list.some((d) => d.code === 'alembic-disagreement') ? list : undefined;
    });
    assert.deepStrictEqual(onFile.map((d) => d.severity), [vscode.DiagnosticSeverity.Warning]);
    assert.match(onFile[0].message, /Read through Alembic: revision bb01/);
    assert.strictEqual(onFile[0].range.start.line, 2, 'on the line of `revision = PREFIX + "01"`');
  });

  it('the revision graph draws Alembic\'s reading: the revision only Alembic could read is a node between its parent and child', async function () {
    this.timeout(120_000);
    sandbox.restore(); // trusted, also when run alone (MC_TEST_GREP): before() put the folder in Restricted Mode
    await snapshot(ctx);
    await waitFor('Alembic\'s reading merged into the chain', () => ctx.chains.snapshot(folder().uri.toString())?.chain?.graph.has('bb01') || undefined, 60_000);
    assert.strictEqual((await run('migrationChain.showRevisionGraph', { folderUri: folder().uri.toString() })).status, 'done');
    const panel = await waitFor('the graph panel', () => ctx.graphPanel());
    try {
      const view = await waitFor('bb01 in the graph', () => (panel.view?.nodes.some((n) => n.id === 'bb01') ? panel.view : undefined), 30_000);
      assert.deepStrictEqual(view.nodes.filter((n) => n.kind === 'revision').map((n) => n.id), ['cc01', 'bb01', 'aa01']);
      assert.deepStrictEqual(view.nodes.find((n) => n.id === 'cc01')?.parents, ['bb01']);
      assert.ok(!view.nodes.some((n) => n.kind !== 'revision'), 'no ghost: Alembic read the file the static reader refused');
    } finally {
      panel.dispose();
    }
  });

  it('uses the interpreter selected in the Python extension through its API when it is installed, and does without it when its API is not there', async function () {
    this.timeout(120_000);
    const python = alembicPython();
    const getExtension = vscode.extensions.getExtension.bind(vscode.extensions);
    let exports: unknown = {
      environments: {
        getActiveEnvironmentPath: () => ({ id: 'selected', path: '/nowhere/python' }),
        resolveEnvironment: () => Promise.resolve({ executable: { uri: vscode.Uri.file(python) } }),
      },
    };
    sandbox.stub(vscode.extensions, 'getExtension').callsFake((id: string) =>
      (id === 'ms-python.python' ? { id, isActive: true, exports } as unknown as vscode.Extension<unknown> : getExtension(id)));
    const info = sandbox.spy(ctx.log, 'info');
    const readWith = (source: RegExp) => waitFor(`a reading through Alembic by ${source}`, () =>
      info.getCalls().some((c) => /read through Alembic/.test(String(c.args[0])) && source.test(String(c.args[0]))) || undefined, 60_000);
    // Without migrationChain.python, and no venv in the project: the Python extension's choice comes before PATH.
    await config().update('python', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    await ctx.chains.refresh();
    assert.ok(ctx.chains.snapshot(folder().uri.toString())?.chain?.graph.has('bb01'), 'the files did not change: Alembic\'s last reading stays shown while the new interpreter runs');
    await readWith(/the interpreter selected in the Python extension/);
    // An extension without that API (older, or another shape): PATH, and nothing breaks.
    exports = {};
    await config().update('python', '', vscode.ConfigurationTarget.WorkspaceFolder);
    await readWith(/on PATH/);
    await ctx.chains.refresh();
    assert.ok(ctx.chains.snapshot(folder().uri.toString())?.chain?.graph.has('bb01'));
  });
});
