// Several chains per workspace folder (one per alembic.ini project): their keys and labels, and
// which chain a file belongs to, without VS Code.
import * as assert from 'assert';
import { chainOfFile, chainRef } from '../../../src/extension/chains/chain-keys';
import { childNodes, folderNode, presentNode } from '../../../src/extension/tree/tree-model';
import { chainOf, disconnected, FOLDER, migration } from './fixtures';
import type { FolderSnapshot } from '../../../src/extension/chains/folder-snapshot';

function projectSnapshot(relative: string, revisions: string[]): FolderSnapshot {
  const dir = `/srv/app/${relative}/alembic/versions`;
  const chain = chainOf(revisions.map((r, i) => migration(r, i ? [revisions[i - 1]] : [], { file: `${dir}/${r}.py`, format: 'py' })));
  chain.dir = dir;
  return {
    ...disconnected(chain),
    folder: chainRef(FOLDER, relative),
    migrationsDir: dir,
    alembicProject: { iniFile: `/srv/app/${relative}/alembic.ini`, dir: `/srv/app/${relative}` },
  };
}

describe('chains of one workspace folder', () => {
  it('keeps the folder\'s URI and name for its own chain; a project inside is keyed by its folder and labelled by its path', () => {
    assert.deepStrictEqual(chainRef(FOLDER, ''), { ...FOLDER, folderUri: FOLDER.uri });
    const billing = chainRef(FOLDER, 'services/billing');
    assert.strictEqual(billing.name, 'services/billing');
    assert.strictEqual(billing.uri, 'file:///srv/app/services/billing');
    assert.strictEqual(billing.folderUri, FOLDER.uri);
    assert.strictEqual(billing.fsPath, FOLDER.fsPath);
  });

  it('gives each project its own tree root with its own revisions', () => {
    const backend = projectSnapshot('backend', ['b1', 'b2']);
    const billing = projectSnapshot('services/billing', ['s1']);
    const roots = [backend, billing].map(folderNode);
    assert.notStrictEqual(roots[0].id, roots[1].id);
    assert.deepStrictEqual([backend, billing].map((s) => presentNode(folderNode(s), s).label), ['backend', 'services/billing']);
    const revisions = (s: FolderSnapshot) => childNodes(s).filter((n) => n.kind === 'revision').map((n) => (n as { revision: string }).revision);
    assert.deepStrictEqual(revisions(backend), ['b2', 'b1']);
    assert.deepStrictEqual(revisions(billing), ['s1']);
    assert.ok(childNodes(billing).every((n) => n.folderUri === billing.folder.uri), 'nodes carry their chain\'s key to commands');
  });

  it('finds the chain a file belongs to: the deepest project holding it, else the folder\'s only chain', () => {
    const backend = projectSnapshot('backend', ['b1']);
    const billing = projectSnapshot('services/billing', ['s1']);
    const all = [backend, billing];
    assert.strictEqual(chainOfFile(all, '/srv/app/services/billing/alembic/versions/s1.py'), billing);
    assert.strictEqual(chainOfFile(all, '/srv/app/backend/alembic/env.py'), backend, 'a project file that is not a revision');
    assert.strictEqual(chainOfFile(all, '/srv/app/README.md', FOLDER.uri), undefined, 'two chains and the file in neither: ask');
    assert.strictEqual(chainOfFile([backend], '/srv/app/README.md', FOLDER.uri), backend);
  });
});
