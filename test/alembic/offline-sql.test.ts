// Offline SQL of Alembic projects (core/alembic/run/offline-sql.ts, preview.ts) against real Alembic:
// the script is what `alembic upgrade|downgrade FROM:TO --sql` prints, a revision that needs a
// connection is named with its file and Alembic's reason, a start with several heads goes one
// revision at a time, the risk scan reads the printed SQL, and the drift check's scratch database is
// built by the project's Alembic.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadChain } from '../../src/core/chain/load';
import { splitOfflineSql, withoutBookkeeping, type OfflineAlembic } from '../../src/core/alembic/run/offline-sql';
import { AlembicOfflineError } from '../../src/core/errors';
import { alembicRisks, alembicScratchBuilder, alembicSql } from '../../src/core/alembic/run/offline-preview';
import { alembicProject } from '../../src/core/alembic/read/project';
import { checkDrift } from '../../src/core/drift/drift';
import { withConnection } from '../../src/core/db/client';
import { freshDatabaseUrl } from '../support/db-hooks';
import { alembicPython, realAlembic } from '../support/alembic';
import { REPO_ROOT } from '../reliability/support/cli';

const BACKEND = path.join(REPO_ROOT, 'examples', 'alembic-backend', 'backend');
const HEAD = '556b79de2825';

function copyBackend(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-alembic-sql-'));
  fs.cpSync(BACKEND, dir, { recursive: true, filter: (src) => !src.includes('__pycache__') });
  return dir;
}

function offline(dir: string): OfflineAlembic {
  return { project: alembicProject(path.join(dir, 'alembic.ini')), command: { argv: [alembicPython(), '-m', 'alembic'], source: 'test python3' } };
}

/** Real Alembic's stdout without a database URL (offline needs only the dialect). */
function real(dir: string, args: string[]): string {
  const r = realAlembic(path.join(dir, 'alembic.ini'), args, { DATABASE_URL: '' });
  return r.stdout;
}

/** A project `a -> (b1, b2) -> m -> c` whose revisions each create a table; env.py offline by dialect. */
function branchedProject(envOffline = 'context.configure(dialect_name="postgresql", literal_binds=True)'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-alembic-branch-'));
  fs.mkdirSync(path.join(dir, 'alembic', 'versions'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'alembic.ini'), '[alembic]\nscript_location = alembic\n');
  fs.writeFileSync(path.join(dir, 'alembic', 'env.py'), [
    'import os', 'from alembic import context', 'from sqlalchemy import create_engine, pool', '',
    'if context.is_offline_mode():', `    ${envOffline}`, '    with context.begin_transaction():', '        context.run_migrations()',
    'else:', '    engine = create_engine(os.environ["DATABASE_URL"], poolclass=pool.NullPool)',
    '    with engine.connect() as connection:', '        context.configure(connection=connection)',
    '        with context.begin_transaction():', '            context.run_migrations()', '',
  ].join('\n'));
  const rev = (id: string, down: string) => fs.writeFileSync(path.join(dir, 'alembic', 'versions', `${id}.py`), [
    'from alembic import op', `revision = "${id}"`, `down_revision = ${down}`, 'branch_labels = None', 'depends_on = None', '',
    'def upgrade():', `    op.execute("CREATE TABLE t_${id} (id int)")`, '',
    'def downgrade():', `    op.execute("DROP TABLE t_${id}")`, '',
  ].join('\n'));
  rev('a', 'None'); rev('b1', '"a"'); rev('b2', '"a"'); rev('m', '("b1", "b2")'); rev('c', '"m"');
  return dir;
}

describe('Alembic offline SQL (real Alembic)', function () {
  this.timeout(180_000);
  before(() => { alembicPython(); });

  it('upgrade from base is exactly what `alembic upgrade --sql` prints, up to the revision that needs a connection, which is named with its file and reason', async () => {
    const dir = copyBackend();
    const chain = await loadChain(path.join(dir, 'alembic', 'versions'));
    const r = await alembicSql(offline(dir), { chain, direction: 'up', target: 'head', from: [] });
    const expected = real(dir, ['upgrade', 'add_discovery_query', '--sql']).trim();
    assert.ok(r.sql.includes(expected.slice(0, expected.lastIndexOf('COMMIT;')).trim()), r.sql);
    assert.match(r.sql, /CREATE TABLE settings/);
    assert.equal(r.failures.length, 1);
    assert.ok(r.error instanceof AlembicOfflineError);
    assert.equal(r.error.revision, HEAD);
    assert.equal(r.error.file, path.join(dir, 'alembic', 'versions', '556b79de2825_add_discovery_query_id_to_prospects_safe.py'));
    assert.equal(r.error.line, 21, 'the def upgrade line');
    // SQLAlchemy 2.0 fails on MockConnection's missing attribute, 2.1 (pip's today) on its inspection.
    assert.match(r.error.message, /556b79de2825 .*cannot run in Alembic's offline mode: alembic upgrade .* --sql stopped with (AttributeError: 'MockConnection'|sqlalchemy\.exc\.NoInspectionAvailable: .*MockConnection)/);
    assert.match(r.sql, /-- !! 556b79de2825 .* cannot run offline/);
  });

  it('downgrade FROM:TO is exactly what `alembic downgrade FROM:TO --sql` prints', async () => {
    const dir = copyBackend();
    const chain = await loadChain(path.join(dir, 'alembic', 'versions'));
    const r = await alembicSql(offline(dir), { chain, direction: 'down', target: '000000000000', from: [HEAD] });
    assert.equal(r.failures.length, 0);
    assert.ok(r.sql.endsWith(`${real(dir, ['downgrade', `${HEAD}:000000000000`, '--sql']).trim()}\n`), r.sql);
  });

  it('downgrade -1 names the revision it resolves to (header and Alembic run), not "-1"', async () => {
    const dir = copyBackend();
    const chain = await loadChain(path.join(dir, 'alembic', 'versions'));
    const parent = chain.graph.get(HEAD)!.downRevisions[0];
    const r = await alembicSql(offline(dir), { chain, direction: 'down', target: '-1', from: [HEAD] });
    assert.equal(r.failures.length, 0);
    assert.match(r.sql.split('\n')[0], new RegExp(`downgrade ${HEAD} -> ${parent}$`));
    assert.doesNotMatch(r.sql, /-> -1/);
    assert.ok(r.sql.endsWith(`${real(dir, ['downgrade', `${HEAD}:${parent}`, '--sql']).trim()}\n`), r.sql);
  });

  it('the risk scan reads the printed SQL: what a downgrade drops, on its def downgrade line', async () => {
    const dir = copyBackend();
    const chain = await loadChain(path.join(dir, 'alembic', 'versions'));
    const risks = await alembicRisks(offline(dir), chain, 'down', [HEAD, 'add_discovery_query', '4b9608290b5d'], '000000000000');
    assert.deepEqual(risks.failures, []);
    const drops = risks.riskyOf({ revision: 'add_discovery_query' });
    assert.deepEqual(drops.map((d) => [d.code, d.statement, d.section]), [['drop-table', 'DROP TABLE discovery_queries', 'downgrade']]);
    assert.equal(drops[0].file, chain.graph.get('add_discovery_query')!.file);
    const text = fs.readFileSync(drops[0].file, 'utf8').split('\n');
    assert.match(text[drops[0].line - 1], /^def downgrade/);
    assert.deepEqual(risks.riskyOf({ revision: HEAD }).map((d) => d.code), ['drop-column']);
  });

  it('an upgrade\'s risk scan reports the revision that cannot run offline instead of guessing', async () => {
    const dir = copyBackend();
    const chain = await loadChain(path.join(dir, 'alembic', 'versions'));
    const risks = await alembicRisks(offline(dir), chain, 'up', ['add_discovery_query', HEAD], 'head');
    assert.deepEqual(risks.riskyOf({ revision: 'add_discovery_query' }), []);
    assert.deepEqual(risks.failures.map((f) => [f.revision, f.inEnv]), [[HEAD, false]]);
  });

  it('across a merge point: from several heads each revision comes from its own run, and equals Alembic\'s own section', async () => {
    const dir = branchedProject();
    const chain = await loadChain(path.join(dir, 'alembic', 'versions'));
    const full = new Map(splitOfflineSql(real(dir, ['upgrade', 'heads', '--sql'])).map((s) => [s.revision, withoutBookkeeping(s.sql)]));
    assert.deepEqual([...full.keys()].sort(), ['a', 'b1', 'b2', 'c', 'm']);
    const r = await alembicSql(offline(dir), { chain, direction: 'up', target: 'heads', from: ['b1', 'b2'] });
    assert.equal(r.failures.length, 0);
    assert.match(r.sql, /several heads \(b1, b2\)/);
    const body = r.sql.slice(r.sql.indexOf('-- Running upgrade m'));
    assert.ok(body.includes(full.get('m')!) && body.includes(full.get('c')!), r.sql);
    assert.ok(!/t_b1|t_a\b/.test(r.sql), 'applied revisions are not printed');
    assert.ok(!/alembic_version/.test(r.sql), 'version-table statements that assume one start head are left out');
  });

  it('an env.py that cannot run offline is said once, for every revision, with Alembic\'s reason', async () => {
    const dir = branchedProject('raise RuntimeError("this env.py needs a live database")');
    const chain = await loadChain(path.join(dir, 'alembic', 'versions'));
    const r = await alembicSql(offline(dir), { chain, direction: 'up', target: 'heads', from: [] });
    assert.ok(r.error instanceof AlembicOfflineError);
    assert.equal(r.error.file, path.join(dir, 'alembic', 'env.py'));
    assert.match(r.error.message, /env\.py .* cannot run in Alembic's offline mode: .*RuntimeError: this env.py needs a live database/);
  });

  it('drift: the scratch database is built by the project\'s Alembic; a database Alembic built has no drift, a hand-made change is found', async () => {
    const dir = copyBackend();
    const chain = await loadChain(path.join(dir, 'alembic', 'versions'));
    const url = await freshDatabaseUrl('alembic_drift');
    const up = realAlembic(path.join(dir, 'alembic.ini'), ['upgrade', 'head'], { DATABASE_URL: url });
    assert.equal(up.status, 0, up.stderr);
    const o = offline(dir);
    const buildScratch = alembicScratchBuilder({ project: o.project, command: o.command });
    assert.deepEqual((await checkDrift({ chain, url, buildScratch })).entries, []);
    await withConnection(url, {}, (c) => c.query('ALTER TABLE settings ADD COLUMN note text'));
    const drift = await checkDrift({ chain, url, buildScratch });
    assert.deepEqual(drift.entries.map((e) => [e.kind, e.name, e.change]), [['column', 'settings.note', 'extra']]);
  });
});
