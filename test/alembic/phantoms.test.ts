// Git branch safety for an Alembic project, with real Alembic, real git and the real server: a copy
// of examples/alembic-backend committed on main, two `.py` revisions on a feature branch applied
// with `migration-chain upgrade` (the project's own Alembic), then `git checkout main` takes their
// files away. The audit log kept each one's downgrade as Alembic prints it offline, with its sha256;
// `downgrade --phantoms` undoes them with it and the database equals a build of main (catalog
// snapshot). A revision whose downgrade needs a live connection (sa.inspect(op.get_bind())) has no
// offline SQL: its row says why, and the phantom is reported as not undoable, nothing changed.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withConnection } from '../../src/core/db/client';
import { diffSchemas } from '../../src/core/schema/diff';
import { readSchema } from '../../src/core/schema/snapshot';
import { freshDatabaseUrl } from '../support/db-hooks';
import { cli as checkedCli, expectExit, query } from '../support/cli-checks';
import { alembicFlavour, alembicPython } from '../support/alembic';
import { REPO_ROOT, type CliOptions, type CliResult } from '../reliability/support/cli';

const BACKEND = path.join(REPO_ROOT, 'examples', 'alembic-backend', 'backend');
const HEAD = '556b79de2825';
const cli = (args: string[], opts: CliOptions = {}): Promise<CliResult> => checkedCli(args, { timeoutMs: 180_000, ...opts });

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
}

function pyRevision(id: string, parent: string, upgrade: string[], downgrade: string[]): string {
  return [
    `"""${id}"""`, 'from alembic import op', 'import sqlalchemy as sa', '',
    `revision = "${id}"`, `down_revision = "${parent}"`, 'branch_labels = None', 'depends_on = None', '', '',
    'def upgrade() -> None:', ...upgrade.map((l) => `    ${l}`), '', '',
    'def downgrade() -> None:', ...downgrade.map((l) => `    ${l}`), '',
  ].join('\n');
}

/** A git repository holding the example backend on main, and `feature` with the given revisions on top. */
function repoWithBranch(revisions: Record<string, string>): { repo: string; backend: string } {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-alembic-phantom-'));
  const backend = path.join(repo, 'backend');
  fs.cpSync(BACKEND, backend, { recursive: true, filter: (src) => !src.includes('__pycache__') });
  fs.writeFileSync(path.join(repo, '.gitignore'), '__pycache__/\n');
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'backend');
  git(repo, 'checkout', '-q', '-b', 'feature');
  for (const [name, text] of Object.entries(revisions)) fs.writeFileSync(path.join(backend, 'alembic', 'versions', name), text);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'feature revisions');
  return { repo, backend };
}

const FEATURE = {
  'f1000000000a_add_phone.py': pyRevision('f1000000000a', HEAD,
    ['op.add_column("prospects", sa.Column("phone", sa.Text(), nullable=True))'],
    ['op.drop_column("prospects", "phone")']),
  'f2000000000b_add_tags.py': pyRevision('f2000000000b', 'f1000000000a',
    ['op.create_table("tags", sa.Column("id", sa.Integer, primary_key=True), sa.Column("label", sa.Text, nullable=False))',
      'op.create_index("tags_label_idx", "tags", ["label"])'],
    ['op.drop_index("tags_label_idx", table_name="tags")', 'op.drop_table("tags")']),
};

const versions = async (url: string) => (await query<{ version_num: string }>(url, 'SELECT version_num FROM alembic_version')).map((r) => r.version_num).sort();
const snapshot = (url: string) => withConnection(url, {}, (c) => readSchema(c, 'public', { exclude: ['alembic_version', 'migration_chain_log'] }));
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

interface LogRow { revision: string; parents: string; downgrade_sql: string | null; downgrade_checksum: string | null; downgrade_note: string | null }
const logRows = (url: string) => query<LogRow>(url,
  "SELECT revision, parents, downgrade_sql, downgrade_checksum, downgrade_note FROM migration_chain_log WHERE direction = 'upgrade' ORDER BY id");

{
  const flavour = alembicFlavour();
  describe(`revisions from another git branch in an Alembic project (${flavour}), real Alembic, git and PostgreSQL`, function () {
    this.timeout(300_000);
    let command: string;
    before(() => { command = `${alembicPython()} -m alembic`; });

    it('an upgrade keeps each revision\'s offline downgrade; after git checkout main, downgrade --phantoms undoes them and the database equals a build of main', async () => {
      const { repo, backend } = repoWithBranch(FEATURE);
      try {
        const url = await freshDatabaseUrl('alembic_phantom');
        const env = { DATABASE_URL: url };
        expectExit(['upgrade'], await cli(['upgrade', '--alembic-command', command], { cwd: backend, env }), 0);
        assert.deepEqual(await versions(url), ['f2000000000b']);

        // One upgrade row per applied revision, its parents and Alembic's offline downgrade with its sha256.
        const rows = await logRows(url);
        assert.deepEqual(rows.map((r) => [r.revision, r.parents]),
          [['000000000000', ''], ['4b9608290b5d', '000000000000'], ['add_discovery_query', '4b9608290b5d'], [HEAD, 'add_discovery_query'],
            ['f1000000000a', HEAD], ['f2000000000b', 'f1000000000a']]);
        const f1 = rows.find((r) => r.revision === 'f1000000000a')!;
        const f2 = rows.find((r) => r.revision === 'f2000000000b')!;
        assert.equal(f1.downgrade_sql, 'ALTER TABLE prospects DROP COLUMN phone;');
        assert.equal(f2.downgrade_sql, 'DROP INDEX tags_label_idx;\nDROP TABLE tags;');
        for (const r of [f1, f2]) assert.equal(r.downgrade_checksum, sha256(r.downgrade_sql!));
        // The seed's head inspects the database in its upgrade only; its downgrade prints offline.
        const seedHead = rows.find((r) => r.revision === HEAD)!;
        assert.ok(seedHead.downgrade_sql !== null, `the seed head's downgrade prints offline: ${seedHead.downgrade_note}`);
        assert.ok(!rows.some((r) => /alembic_version|^BEGIN|^COMMIT/m.test(r.downgrade_sql ?? '')), 'Alembic\'s own bookkeeping is left out');

        git(repo, 'checkout', '-q', 'main');
        assert.ok(!fs.existsSync(path.join(backend, 'alembic', 'versions', 'f2000000000b_add_tags.py')), 'the checkout took the files away');

        const undo = ['downgrade', '--phantoms', '--yes', '--alembic-command', command];
        const r = await cli(undo, { cwd: backend, env });
        expectExit(undo, r, 0);
        assert.match(r.stderr + r.stdout, /2 revisions from another branch are applied to/);
        assert.match(r.stdout, new RegExp(`Undid 2 revision\\(s\\) from another branch: f2000000000b -> ${HEAD}\\.`));
        assert.deepEqual(await versions(url), [HEAD]);

        const build = await freshDatabaseUrl('alembic_phantom_main');
        expectExit(['upgrade'], await cli(['upgrade', '--alembic-command', command], { cwd: backend, env: { DATABASE_URL: build } }), 0);
        assert.deepEqual(diffSchemas(await snapshot(build), await snapshot(url)), []);
        // and the phantoms were really there to undo: the feature's table existed before.
        assert.deepEqual(await query(url, "SELECT to_regclass('tags') AS t"), [{ t: null }]);

        const again = await cli(undo, { cwd: backend, env });
        expectExit(undo, again, 0);
        assert.match(again.stdout, /No revisions from another branch/);
      } finally {
        fs.rmSync(repo, { recursive: true, force: true });
      }
    });

    it('a revision whose downgrade needs a live connection is reported as not undoable, with Alembic\'s reason; nothing changes', async () => {
      const { repo, backend } = repoWithBranch({
        'f3000000000c_add_flag.py': pyRevision('f3000000000c', HEAD,
          ['op.add_column("prospects", sa.Column("flag", sa.Boolean(), nullable=True))'],
          ['if "flag" in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("prospects")}:', '    op.drop_column("prospects", "flag")']),
      });
      try {
        const url = await freshDatabaseUrl('alembic_phantom_bind');
        const env = { DATABASE_URL: url };
        expectExit(['upgrade'], await cli(['upgrade', '--alembic-command', command], { cwd: backend, env }), 0);
        const row = (await logRows(url)).find((r) => r.revision === 'f3000000000c')!;
        assert.equal(row.downgrade_sql, null);
        assert.match(row.downgrade_note ?? '', /^its downgrade cannot run in Alembic's offline mode \(alembic\/versions\/f3000000000c_add_flag\.py:\d+\): alembic downgrade f3000000000c:\S+ --sql stopped with .*MockConnection/);

        git(repo, 'checkout', '-q', 'main');
        const undo = ['downgrade', '--phantoms', '--yes', '--alembic-command', command];
        const r = await cli(undo, { cwd: backend, env });
        assert.notEqual(r.code, 0, 'refused');
        assert.match(r.stdout + r.stderr, /f3000000000c {2}parents 556b79de2825 {2}NO stored downgrade: its downgrade cannot run in Alembic's offline mode/);
        assert.match(r.stderr, /No stored downgrade for f3000000000c \(its downgrade cannot run in Alembic's offline mode .*MockConnection.*\)\. Nothing was changed\./);
        assert.deepEqual(await versions(url), ['f3000000000c']);
        assert.ok((await query<{ column_name: string }>(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'prospects'")).some((c) => c.column_name === 'flag'));
      } finally {
        fs.rmSync(repo, { recursive: true, force: true });
      }
    });
  });
}
