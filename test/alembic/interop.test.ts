// Interop with real Alembic through a branch, a merge and a depends_on: the version rows our native
// runner leaves must be the ones Alembic leaves on the same graph, so either tool can continue what
// the other started.
//   aaaa ─ bb01 ─ cccc ─┐
//      └── bb02 ───────┴ mmmm        cccc depends_on bb02
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freshDatabaseUrl, server } from '../support/db-hooks';
import { realAlembic } from '../support/alembic';
import { describeRun, REPO_ROOT, runCli } from '../reliability/support/cli';
import { assertNoSecret } from '../reliability/support/failure-output';

interface Rev { id: string; down: string[]; dependsOn?: string[] }
const GRAPH: Rev[] = [
  { id: 'aaaa', down: [] },
  { id: 'bb01', down: ['aaaa'] },
  { id: 'bb02', down: ['aaaa'] },
  { id: 'cccc', down: ['bb01'], dependsOn: ['bb02'] },
  { id: 'mmmm', down: ['cccc', 'bb02'] },
];

function writeChains(): { sqlDir: string; ini: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-interop-'));
  const sqlDir = path.join(root, 'native');
  const versions = path.join(root, 'alembic', 'alembic', 'versions');
  fs.mkdirSync(sqlDir, { recursive: true });
  fs.mkdirSync(versions, { recursive: true });
  for (const r of GRAPH) {
    fs.writeFileSync(path.join(sqlDir, `${r.id}.sql`), [
      `-- revision: ${r.id}`,
      `-- down_revision: ${r.down.length ? r.down.join(', ') : 'None'}`,
      ...(r.dependsOn ? [`-- depends_on: ${r.dependsOn.join(', ')}`] : []),
      `-- message: ${r.id}`,
      '-- migrate:upgrade', 'SELECT 1;', '-- migrate:downgrade', 'SELECT 1;', '',
    ].join('\n'));
    const tuple = (ids: string[]) => (ids.length === 0 ? 'None' : ids.length === 1 ? JSON.stringify(ids[0]) : `(${ids.map((i) => JSON.stringify(i)).join(', ')})`);
    fs.writeFileSync(path.join(versions, `${r.id}.py`), [
      `"""${r.id}"""`,
      `revision = ${JSON.stringify(r.id)}`,
      `down_revision = ${tuple(r.down)}`,
      'branch_labels = None',
      `depends_on = ${tuple(r.dependsOn ?? [])}`,
      '', 'def upgrade():', '    pass', '', 'def downgrade():', '    pass', '',
    ].join('\n'));
  }
  const example = path.join(REPO_ROOT, 'examples', 'alembic-backend', 'backend');
  fs.copyFileSync(path.join(example, 'alembic', 'env.py'), path.join(root, 'alembic', 'alembic', 'env.py'));
  // env.py imports the example's models (app/, on sys.path through prepend_sys_path = .).
  fs.cpSync(path.join(example, 'app'), path.join(root, 'alembic', 'app'), { recursive: true, filter: (src) => !src.includes('__pycache__') });
  const ini = path.join(root, 'alembic', 'alembic.ini');
  // The example's ini (logging sections included: env.py configures logging from it).
  fs.writeFileSync(ini, fs.readFileSync(path.join(example, 'alembic.ini'), 'utf8'));
  return { sqlDir, ini };
}

async function versions(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ v: string }>('SELECT version_num AS v FROM alembic_version ORDER BY 1')).rows.map((r) => r.v);
  } finally {
    await client.end();
  }
}

describe('interop with real Alembic: branch, merge, depends_on', function () {
  this.timeout(180_000);
  let sqlDir: string;
  let ini: string;
  before(() => ({ sqlDir, ini } = writeChains()));

  const ours = async (url: string, args: string[]) => {
    const full = [...args, '--dir', sqlDir, '--url', url, '--yes'];
    const r = await runCli(full, { env: { DATABASE_URL: '' } });
    assertNoSecret(r.stdout + r.stderr, server().password, args[0]);
    assert.equal(r.code, 0, describeRun(full, r));
  };
  const alembic = (url: string, args: string[]) => {
    const r = realAlembic(ini, args, { DATABASE_URL: url });
    assert.equal(r.status, 0, `alembic ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
  };

  it('upgrade to the revision with depends_on records what Alembic records; each continues the other', async () => {
    const [mine, theirs, mixed] = await Promise.all([freshDatabaseUrl('interop'), freshDatabaseUrl('interop'), freshDatabaseUrl('interop')]);
    await ours(mine, ['upgrade', 'cccc']);
    alembic(theirs, ['upgrade', 'cccc']);
    assert.deepEqual(await versions(mine), await versions(theirs));
    assert.deepEqual(await versions(mine), ['cccc']);

    // Alembic continues from our state (it refused before: "cccc overlaps with other requested revisions bb02").
    alembic(mine, ['upgrade', 'heads']);
    alembic(theirs, ['upgrade', 'heads']);
    assert.deepEqual(await versions(mine), await versions(theirs));
    assert.deepEqual(await versions(mine), ['mmmm']);

    // And we continue from Alembic's.
    alembic(mixed, ['upgrade', 'cccc']);
    await ours(mixed, ['upgrade', 'heads']);
    assert.deepEqual(await versions(mixed), ['mmmm']);
  });

  it('downgrade one step from the revision with depends_on leaves both of its prerequisites recorded, as Alembic does', async () => {
    const [mine, theirs] = await Promise.all([freshDatabaseUrl('interop'), freshDatabaseUrl('interop')]);
    await ours(mine, ['upgrade', 'cccc']);
    await ours(mine, ['downgrade', 'bb01']);
    alembic(theirs, ['upgrade', 'cccc']);
    alembic(theirs, ['downgrade', '-1']);
    assert.deepEqual(await versions(theirs), ['bb01', 'bb02']);
    assert.deepEqual(await versions(mine), await versions(theirs));
  });
});
