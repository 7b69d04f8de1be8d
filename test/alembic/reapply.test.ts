// Re-apply on save for an Alembic project, through the same core call and the chain's engine (the
// project's own Alembic, here the example backend's copy): an edited head `.py` is downgraded and
// upgraded again and the database has its new column; a failing `op.execute` leaves the database at
// the parent revision, and the error is put on the line of the `.py` file Alembic's traceback names.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { reapplyHead } from '../../src/core/authoring/reapply';
import { alembicProject } from '../../src/core/alembic/read/project';
import { loadChain } from '../../src/core/chain/load';
import type { Chain } from '../../src/core/chain/chain';
import { withSchemeOf } from '../../src/core/db/sqlalchemy-url';
import { chainEngine } from '../../src/core/engine';
import { alembicPython } from '../support/alembic';
import { query } from '../support/cli-checks';
import { freshDatabaseUrl } from '../support/db-hooks';
import { REPO_ROOT } from '../reliability/support/cli';

const BACKEND = path.join(REPO_ROOT, 'examples', 'alembic-backend', 'backend');
const HEAD = '556b79de2825';
const PARENT = 'add_discovery_query';
const HEAD_FILE = '556b79de2825_add_discovery_query_id_to_prospects_safe.py';

const versions = async (url: string) => (await query<{ version_num: string }>(url, 'SELECT version_num FROM alembic_version')).map((r) => r.version_num);
const columns = async (url: string) =>
  (await query<{ column_name: string }>(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'prospects' ORDER BY 1")).map((r) => r.column_name);

describe('re-apply on save, Alembic project (real Alembic)', function () {
  this.timeout(300_000);
  let dir: string;
  let backend: string;
  let url: string;
  let original: string;
  const file = () => path.join(backend, 'alembic', 'versions', HEAD_FILE);
  const engineFor = (chain: Chain) => chainEngine(chain, alembicProject(path.join(backend, 'alembic.ini')), { configured: [alembicPython(), '-m', 'alembic'] });
  const chain = () => loadChain(path.join(backend, 'alembic', 'versions'));

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-reapply-alembic-'));
    fs.cpSync(BACKEND, path.join(dir, 'backend'), { recursive: true, filter: (src) => !src.includes('__pycache__') });
    backend = path.join(dir, 'backend');
    original = fs.readFileSync(file(), 'utf8');
    url = withSchemeOf(await freshDatabaseUrl('reapply_alembic'), 'postgresql://x');
    await engineFor(await chain()).upgrade('heads', { url });
    assert.deepEqual(await versions(url), [HEAD]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('downgrades and upgrades the edited head through Alembic: the database has the new column', async () => {
    fs.writeFileSync(file(), original
      .replace('    op.execute("CREATE INDEX IF NOT EXISTS', '    op.add_column("prospects", sa.Column("phone", sa.Text, nullable=True))\n    op.execute("CREATE INDEX IF NOT EXISTS')
      .replace('def downgrade() -> None:\n', 'def downgrade() -> None:\n    op.execute("ALTER TABLE prospects DROP COLUMN IF EXISTS phone")\n'));
    const r = await reapplyHead({ chain: await chain(), file: file(), url, engineFor });
    assert.ok(r.outcome === 'applied', JSON.stringify(r));
    assert.equal(r.downgradedWith, 'file', 'a .py revision is undone by its own downgrade()');
    assert.deepEqual(await versions(url), [HEAD]);
    assert.ok((await columns(url)).includes('phone'));
  });

  it('a failing op.execute: the database at the parent, the error on the line the traceback names', async () => {
    // Its downgrade() still drops `phone` (added by the previous test): a .py revision is undone by its own downgrade().
    const broken = original.replace('def downgrade() -> None:\n', 'def downgrade() -> None:\n    op.execute("ALTER TABLE prospects DROP COLUMN IF EXISTS phone")\n').replace('    op.execute("CREATE INDEX IF NOT EXISTS', '    op.execute("ALTER TABLE no_such_table ADD COLUMN x integer")\n    op.execute("CREATE INDEX IF NOT EXISTS');
    fs.writeFileSync(file(), broken);
    const r = await reapplyHead({ chain: await chain(), file: file(), url, engineFor });
    assert.ok(r.outcome === 'failed', JSON.stringify(r));
    assert.equal(r.phase, 'upgrade');
    assert.equal(r.state, 'at-parent');
    assert.deepEqual(await versions(url), [PARENT]);
    const cols = await columns(url);
    assert.ok(!cols.includes('discovery_query_id') && !cols.includes('phone'), cols.join(', '));
    assert.equal(r.line, broken.split('\n').findIndex((l) => l.includes('no_such_table')) + 1);
    assert.match(r.message, /no_such_table/);

    // Fixed, and saved again: the upgrade alone.
    fs.writeFileSync(file(), original);
    const resumed = await reapplyHead({ chain: await chain(), file: file(), url, engineFor, resume: HEAD });
    assert.ok(resumed.outcome === 'applied' && resumed.downgradedWith === 'none', JSON.stringify(resumed));
    assert.deepEqual(await versions(url), [HEAD]);
  });
});
