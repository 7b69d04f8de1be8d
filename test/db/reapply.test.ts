// Re-apply on save (core/authoring/reapply.ts) against the real server, on a copy of the seed chain:
// the edited head's SQL is what the database has afterwards (catalog, compared with a fresh build of
// the edited chain), the downgrade that undoes it is the one kept when it was applied, a failing
// upgrade leaves the database at the parent revision (and the next save resumes), a failing downgrade
// leaves it unchanged, and every refusal (protected, remote, not the head, not applied, locked,
// irreversible) changes nothing.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { reapplyHead, type ReapplyOptions, type ReapplyResult } from '../../src/core/authoring/reapply';
import { loadChain } from '../../src/core/chain/load';
import { DEFAULT_LOCK_KEY } from '../../src/core/db/lock';
import { chainEngine } from '../../src/core/engine';
import { upgrade } from '../../src/core/run/runner';
import { diffSchemas } from '../../src/core/schema/diff';
import { REPO_ROOT } from '../reliability/support/cli';
import { appSchema, query } from '../support/cli-checks';
import { freshDatabaseUrl, server } from '../support/db-hooks';

const SEED_DIR = path.join(REPO_ROOT, 'migrations');
const HEAD = '556b79de2825';
const PARENT = 'add_discovery_query';
const HEAD_FILE = '556b79de2825_add_discovery_query_id_to_prospects.sql';

const snapshot = appSchema;

const heads = async (url: string) => (await query<{ version_num: string }>(url, 'SELECT version_num FROM alembic_version ORDER BY 1')).map((r) => r.version_num);
const logRows = async (url: string) => Number((await query<{ n: string }>(url, 'SELECT count(*) AS n FROM migration_chain_log'))[0].n);
const columns = async (url: string, table: string) => (await query<{ column_name: string }>(url,
  `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '${table}' ORDER BY column_name`)).map((r) => r.column_name);

/** The seed chain copied to a temporary folder, upgraded on a fresh database. */
async function seedCopy(prefix: string): Promise<{ dir: string; file: string; url: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-reapply-'));
  for (const f of fs.readdirSync(SEED_DIR)) fs.copyFileSync(path.join(SEED_DIR, f), path.join(dir, f));
  const url = await freshDatabaseUrl(prefix);
  await upgrade({ chain: await loadChain(dir), url });
  return { dir, file: path.join(dir, HEAD_FILE), url };
}

/** The head's file with its upgrade and downgrade sections replaced. */
function writeHead(file: string, up: string, down: string): void {
  fs.writeFileSync(file, [`-- revision: ${HEAD}`, `-- down_revision: ${PARENT}`, '-- message: add discovery_query_id to prospects', '',
    '-- migrate:upgrade', up, '', '-- migrate:downgrade', down, ''].join('\n'));
}

const UP = 'ALTER TABLE prospects ADD COLUMN discovery_query_id bigint;';
const DOWN = 'ALTER TABLE prospects DROP COLUMN discovery_query_id;';

async function reapply(dir: string, file: string, url: string, extra: Partial<ReapplyOptions> = {}): Promise<ReapplyResult> {
  return reapplyHead({ chain: await loadChain(dir), file, url, engineFor: (c) => chainEngine(c, undefined), ...extra });
}

describe('re-apply on save (real PostgreSQL, the seed chain)', function () {
  this.timeout(120_000);
  const made: string[] = [];
  after(() => { for (const d of made) fs.rmSync(d, { recursive: true, force: true }); });

  it('downgrades and upgrades the edited head: the database has the edited SQL, equal to a fresh build', async () => {
    const { dir, file, url } = await seedCopy('mc_reapply_ok');
    made.push(dir);
    writeHead(file, `${UP}\nALTER TABLE prospects ADD COLUMN score integer NOT NULL DEFAULT 0;`, `ALTER TABLE prospects DROP COLUMN score;\n${DOWN}`);
    const r = await reapply(dir, file, url);
    assert.equal(r.outcome, 'applied', JSON.stringify(r));
    assert.ok(r.outcome === 'applied');
    assert.deepEqual(r.heads, [HEAD]);
    // The seed's own downgrade (kept when it was applied) undid it: the file's new one would drop `score`, which was not there.
    assert.equal(r.downgradedWith, 'stored');
    assert.ok((await columns(url, 'prospects')).includes('score'));
    const build = await freshDatabaseUrl('mc_reapply_build');
    await upgrade({ chain: await loadChain(dir), url: build });
    assert.deepEqual(diffSchemas(await snapshot(build), await snapshot(url)), [], 'the re-applied database equals a build of the edited chain');
    // The audit log records the edited upgrade, so the revision no longer reads as "edited after apply".
    const [last] = await query<{ checksum: string; direction: string }>(url, `SELECT checksum, direction FROM migration_chain_log WHERE revision = '${HEAD}' ORDER BY id DESC LIMIT 1`);
    assert.equal(last.direction, 'upgrade');
    assert.equal(last.checksum, (await loadChain(dir)).graph.get(HEAD)!.checksum);

    // A second edit renames the column; the file's downgrade (DROP COLUMN ranking, no IF EXISTS) would
    // fail on the applied state, the stored one (DROP COLUMN score) undoes it.
    writeHead(file, `${UP}\nALTER TABLE prospects ADD COLUMN ranking integer;`, `ALTER TABLE prospects DROP COLUMN ranking;\n${DOWN}`);
    const again = await reapply(dir, file, url);
    assert.equal(again.outcome, 'applied', JSON.stringify(again));
    const cols = await columns(url, 'prospects');
    assert.ok(cols.includes('ranking') && !cols.includes('score'), cols.join(', '));

    // Only the downgrade edited: the file's downgrade is the one tried (and works).
    writeHead(file, `${UP}\nALTER TABLE prospects ADD COLUMN ranking integer;`, `ALTER TABLE prospects DROP COLUMN IF EXISTS ranking;\n${DOWN}`);
    const third = await reapply(dir, file, url);
    assert.ok(third.outcome === 'applied' && third.downgradedWith === 'file', JSON.stringify(third));
  });

  it('a failing upgrade leaves the database at the parent revision (catalog of a parent build); the next save resumes', async () => {
    const { dir, file, url } = await seedCopy('mc_reapply_fail');
    made.push(dir);
    writeHead(file, `${UP}\nALTER TABLE prospects ADD COLUMN ok integer;\nALTER TABLE no_such_table ADD COLUMN x integer;`, `ALTER TABLE prospects DROP COLUMN ok;\n${DOWN}`);
    const r = await reapply(dir, file, url);
    assert.ok(r.outcome === 'failed', JSON.stringify(r));
    assert.equal(r.phase, 'upgrade');
    assert.equal(r.state, 'at-parent');
    assert.deepEqual(r.heads, [PARENT]);
    assert.equal(r.file, file);
    assert.equal(r.line, 8, 'the failing statement\'s line in the file (header 4 lines, marker, two statements before it)');
    assert.match(r.message, /no_such_table/);
    assert.match(r.message, /the next save upgrades 556b79de2825 again/);
    assert.deepEqual(await heads(url), [PARENT]);
    const parent = await freshDatabaseUrl('mc_reapply_parent');
    await upgrade({ chain: await loadChain(dir), url: parent, target: PARENT });
    assert.deepEqual(diffSchemas(await snapshot(parent), await snapshot(url)), [], 'nothing of the failed upgrade stayed');

    // Without resume the revision is not applied: refused, nothing runs.
    const plain = await reapply(dir, file, url);
    assert.ok(plain.outcome === 'refused' && plain.code === 'not-applied', JSON.stringify(plain));
    // Fixed and saved again, resuming: the upgrade alone runs.
    writeHead(file, `${UP}\nALTER TABLE prospects ADD COLUMN ok integer;`, `ALTER TABLE prospects DROP COLUMN ok;\n${DOWN}`);
    const resumed = await reapply(dir, file, url, { resume: HEAD });
    assert.ok(resumed.outcome === 'applied' && resumed.downgradedWith === 'none', JSON.stringify(resumed));
    assert.deepEqual(await heads(url), [HEAD]);
    assert.ok((await columns(url, 'prospects')).includes('ok'));
  });

  it('a failing downgrade leaves the database unchanged, the error on the downgrade\'s line', async () => {
    const { dir, file, url } = await seedCopy('mc_reapply_down');
    made.push(dir);
    const before = await snapshot(url);
    // The upgrade is byte-for-byte the seed's: the file's (broken) downgrade is what runs.
    const text = fs.readFileSync(file, 'utf8').replace('DROP INDEX IF EXISTS prospects_discovery_query_id_idx;', 'DROP INDEX prospects_no_such_idx;');
    fs.writeFileSync(file, text);
    const r = await reapply(dir, file, url);
    assert.ok(r.outcome === 'failed', JSON.stringify(r));
    assert.equal(r.phase, 'downgrade');
    assert.equal(r.state, 'unchanged');
    assert.equal(r.downgradedWith, 'file');
    assert.equal(r.line, text.split('\n').indexOf('DROP INDEX prospects_no_such_idx;') + 1);
    assert.deepEqual(await heads(url), [HEAD]);
    assert.deepEqual(diffSchemas(before, await snapshot(url)), []);
  });

  it('refuses, running nothing: a protected or remote database, a revision others build on, one not applied, a held lock, no downgrade', async () => {
    const { dir, file, url } = await seedCopy('mc_reapply_refuse');
    made.push(dir);
    writeHead(file, `${UP}\nALTER TABLE prospects ADD COLUMN never integer;`, `ALTER TABLE prospects DROP COLUMN never;\n${DOWN}`);
    const rows = await logRows(url);
    const unchanged = async (label: string) => {
      assert.deepEqual(await heads(url), [HEAD], label);
      assert.equal(await logRows(url), rows, `${label}: no run was logged`);
      assert.ok(!(await columns(url, 'prospects')).includes('never'), label);
    };
    const database = decodeURIComponent(new URL(url).pathname.slice(1));

    const prot = await reapply(dir, file, url, { protectedPatterns: [database] });
    assert.ok(prot.outcome === 'refused' && prot.code === 'protected', JSON.stringify(prot));
    await unchanged('protected');

    const remote = await reapply(dir, file, url.replace(/@[^/]+\//, '@db.example.com:5432/'));
    assert.ok(remote.outcome === 'refused' && remote.code === 'remote', JSON.stringify(remote));
    assert.ok(!remote.message.includes(server().password));

    const notHead = await reapply(dir, path.join(dir, '4b9608290b5d_add_settings_table.sql'), url);
    assert.ok(notHead.outcome === 'refused' && notHead.code === 'not-head', JSON.stringify(notHead));
    await unchanged('not the head');

    const holder = new Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [DEFAULT_LOCK_KEY.toString()]);
      const locked = await reapply(dir, file, url);
      assert.ok(locked.outcome === 'refused' && locked.code === 'locked', JSON.stringify(locked));
      assert.match(locked.message, /another run holds the migration lock \(pid \d+/);
      await unchanged('locked');
    } finally {
      await holder.end();
    }

    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/-- migrate:downgrade[\s\S]*$/, ''));
    const irreversible = await reapply(dir, file, url);
    assert.ok(irreversible.outcome === 'refused' && irreversible.code === 'irreversible', JSON.stringify(irreversible));
    assert.match(irreversible.message, /has no downgrade/);
    await unchanged('irreversible');

    // Not applied: the database at the parent.
    writeHead(file, UP, DOWN);
    await query(url, `ALTER TABLE prospects DROP COLUMN discovery_query_id; UPDATE alembic_version SET version_num = '${PARENT}'`);
    const rowsAtParent = await logRows(url);
    const notApplied = await reapply(dir, file, url);
    assert.ok(notApplied.outcome === 'refused' && notApplied.code === 'not-applied', JSON.stringify(notApplied));
    assert.deepEqual(await heads(url), [PARENT]);
    assert.equal(await logRows(url), rowsAtParent);
  });
});
