// A real public Alembic project (test/fixtures/realprojects/, chosen by MC_TEST_REALPROJECT) opened at
// its repository root in the extension host by test/realprojects/editor-run.ts, with its own venv
// (Debian's Alembic or pip's newest) found without configuration. What a new user sees and does:
// the chain in the tree, Reset through the modal, and a stairway run from the Testing view. The
// project's own settings point env.py at another database (MC_TEST_CONFIGURED_URL, the developer's
// local one): nothing may ever change it.
import * as assert from 'assert';
import * as sinon from 'sinon';
import type { Context } from '../../../../src/extension/context';
import type { TreeNode } from '../../../../src/extension/tree/tree-model';
import { fingerprint } from '../../../support/fingerprint';
import { PROJECTS, withDriver } from '../../../realprojects/projects';
import { activate, databaseUrl, folder, modalText, run, silenceNotifications, snapshot, stubInput, stubModal, versionNums } from '../helpers';

const project = PROJECTS.find((p) => p.fixture === process.env.MC_TEST_REALPROJECT);
const configuredUrl = process.env.MC_TEST_CONFIGURED_URL ?? '';
const dbName = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

describe(`Real project in the editor: ${process.env.MC_TEST_REALPROJECT} with Alembic ${process.env.MC_TEST_ALEMBIC_VERSION}`, function () {
  this.timeout(600_000);
  let ctx: Context;
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  before(async () => {
    assert.ok(project, `MC_TEST_REALPROJECT names a project of projects.ts: ${process.env.MC_TEST_REALPROJECT}`);
    ctx = await activate();
    await ctx.chains.refresh();
  });

  it('the tree shows the project\'s chain, heads first, with no error', async () => {
    const s = await snapshot(ctx);
    assert.strictEqual(s.alembicProject?.iniFile, process.env.MC_TEST_PROJECT_INI);
    assert.strictEqual(s.loadError, undefined);
    assert.deepStrictEqual((s.chain?.diagnostics ?? []).filter((d) => d.severity === 'error').map((d) => d.message), []);
    const roots = ctx.tree.getChildren();
    assert.strictEqual(roots.length, 1, JSON.stringify(roots.map((r) => r.kind)));
    const children = ctx.tree.getChildren(roots[0]);
    const revisions = children.filter((n): n is Extract<TreeNode, { kind: 'revision' }> => n.kind === 'revision').map((n) => n.revision);
    assert.deepStrictEqual(revisions, [...project!.chain].reverse());
  });

  it('Set Database URL takes the URL as the project needs it (its engine\'s driver) and the status is read', async () => {
    const inner = sinon.createSandbox();
    try {
      silenceNotifications(inner);
      stubInput(inner, withDriver(databaseUrl(), project!.driverScheme));
      const outcome = await run('migrationChain.setDatabaseUrl');
      assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    } finally {
      inner.restore();
    }
    const s = await snapshot(ctx);
    assert.ok(s.status, `the database is read: ${JSON.stringify(s.disconnected)}`);
  });

  if (project?.fixEnvPy) {
    it('Reset as the project is (env.py reads its own settings): works on the database named, or is refused before any change naming the database env.py reached', async () => {
      const before = { configured: await fingerprint(configuredUrl), target: await fingerprint(databaseUrl()) };
      silenceNotifications(sandbox);
      stubModal(sandbox, 'Reset');
      const outcome = await run('migrationChain.reset');
      if (outcome.status === 'done') {
        // The URL reached env.py through a channel it reads (POSTGRES_* for the template).
        assert.deepStrictEqual(await versionNums(), [project!.chain[project!.chain.length - 1]]);
      } else {
        assert.ok((outcome.message ?? '').includes(dbName(configuredUrl)), `the refusal names ${dbName(configuredUrl)}: ${outcome.message}`);
        assert.deepStrictEqual(await fingerprint(databaseUrl()), before.target, 'the database named is unchanged');
      }
      assert.deepStrictEqual(await fingerprint(configuredUrl), before.configured, 'the database env.py reaches by the project\'s own settings is unchanged');
    });
  }

  it(project?.fixEnvPy ? 'Reset with the project\'s env.py fix: the modal, the project\'s Alembic, verify' : 'Reset: the modal, the project\'s Alembic, verify', async () => {
    const configuredBefore = await fingerprint(configuredUrl);
    project!.fixEnvPy?.(folder().uri.fsPath);
    await ctx.chains.refresh();
    silenceNotifications(sandbox);
    const modal = stubModal(sandbox, 'Reset');
    const outcome = await run('migrationChain.reset');
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    assert.match(modalText(modal), /verif/i);
    assert.deepStrictEqual(await versionNums(), [project!.chain[project!.chain.length - 1]]);
    assert.deepStrictEqual(await fingerprint(configuredUrl), configuredBefore, 'the configured database is unchanged');
  });

  it('Testing view: "all revisions" runs the stairway on every revision; neither database changes', async () => {
    const before = { configured: await fingerprint(configuredUrl), target: await fingerprint(databaseUrl()) };
    silenceNotifications(sandbox);
    const reported = await ctx.stairway.runAll();
    const states = new Map([...reported.items.entries()].map(([id, r]) => [id.replace(/^.*#revision:/, ''), r.state]));
    assert.deepStrictEqual([...states.keys()].sort(), [...project!.chain].sort(), reported.output.join(''));
    for (const [revision, state] of states) assert.ok(state === 'passed' || state === 'failed', `${revision}: ${state}\n${reported.output.join('')}`);
    assert.deepStrictEqual(await fingerprint(configuredUrl), before.configured);
    assert.deepStrictEqual(await fingerprint(databaseUrl()), before.target);
  });
});
