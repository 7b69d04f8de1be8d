// Git branch safety against the real server and real git: a feature branch's revisions applied to
// the local database, then `git checkout main` takes their files away. The audit log kept each
// upgrade's parents and downgrade SQL with its sha256; `downgrade --phantoms` undoes them with it and
// the database equals a build of main (catalog snapshot). A protected or remote database is only
// reported; a log from before these columns keeps working.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadChain } from '../../src/core/chain/load';
import { findPhantoms, phantomRefusal } from '../../src/core/status/phantoms';
import { parseDatabaseUrl } from '../../src/core/db/client';
import { upgrade } from '../../src/core/run/runner';
import { diffSchemas } from '../../src/core/schema/diff';
import { describeRun, REPO_ROOT, runCli } from '../reliability/support/cli';
import { appSchema, query } from '../support/cli-checks';
import { freshDatabaseUrl, server } from '../support/db-hooks';

const SEED_DIR = path.join(REPO_ROOT, 'migrations');
const SEED_HEAD = '556b79de2825';

const snapshot = appSchema;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
}

function revisionFile(id: string, parent: string, up: string, down: string): string {
  return [`-- revision: ${id}`, `-- down_revision: ${parent}`, `-- message: ${id}`, '', '-- migrate:upgrade', up, '', '-- migrate:downgrade', down, ''].join('\n');
}

/** A repository with the seed chain on main and two more revisions on a feature branch. */
function repoWithBranch(): string {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-phantom-'));
  const dir = path.join(repo, 'migrations');
  fs.mkdirSync(dir);
  for (const f of fs.readdirSync(SEED_DIR)) fs.copyFileSync(path.join(SEED_DIR, f), path.join(dir, f));
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'seed');
  git(repo, 'checkout', '-q', '-b', 'feature');
  fs.writeFileSync(path.join(dir, 'f1_add_phone.sql'), revisionFile('f1000000000a', SEED_HEAD, 'ALTER TABLE prospects ADD COLUMN phone text;', 'ALTER TABLE prospects DROP COLUMN phone;'));
  fs.writeFileSync(path.join(dir, 'f2_add_tags.sql'), revisionFile('f2000000000b', 'f1000000000a',
    'CREATE TABLE tags (id serial PRIMARY KEY, label text NOT NULL);\nCREATE INDEX tags_label_idx ON tags (label);', 'DROP TABLE tags;'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'feature revisions');
  return repo;
}

describe('revisions from another git branch ("phantoms"), real git and PostgreSQL', function () {
  this.timeout(120_000);

  it('keeps each upgrade\'s parents and downgrade with its sha256 in the audit log', async () => {
    const repo = repoWithBranch();
    try {
      const url = await freshDatabaseUrl('mc_phantom_log');
      await upgrade({ chain: await loadChain(path.join(repo, 'migrations')), url });
      const rows = await query<{ revision: string; parents: string; downgrade_sql: string; downgrade_checksum: string }>(url,
        "SELECT revision, parents, downgrade_sql, downgrade_checksum FROM migration_chain_log WHERE revision = 'f2000000000b'");
      assert.equal(rows.length, 1);
      assert.equal(rows[0].parents, 'f1000000000a');
      assert.equal(rows[0].downgrade_sql, 'DROP TABLE tags;');
      assert.equal(rows[0].downgrade_checksum, createHash('sha256').update('DROP TABLE tags;').digest('hex'));
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });

  it('after git checkout main: reports both, undoes them with the stored SQL, and the database equals a build of main', async () => {
    const repo = repoWithBranch();
    try {
      const dir = path.join(repo, 'migrations');
      const url = await freshDatabaseUrl('mc_phantom_undo');
      await upgrade({ chain: await loadChain(dir), url });
      git(repo, 'checkout', '-q', 'main');
      assert.ok(!fs.existsSync(path.join(dir, 'f2_add_tags.sql')), 'the checkout took the files away');

      const main = await loadChain(dir);
      const report = await findPhantoms({ chain: main, url });
      assert.deepEqual(report.phantoms.map((p) => p.revision), ['f2000000000b', 'f1000000000a'], 'tip first');
      assert.ok(report.phantoms.every((p) => p.downgradeSql !== null));
      assert.equal(report.refusal, undefined);

      const r = await runCli(['downgrade', '--phantoms', '--yes', '--dir', dir], { env: { DATABASE_URL: url } });
      assert.equal(r.code, 0, describeRun(['downgrade', '--phantoms'], r));
      assert.match(r.stderr + r.stdout, /2 revisions from another branch are applied to/);
      assert.match(r.stdout, /Undid 2 revision\(s\) from another branch: f2000000000b -> 556b79de2825\./);
      assert.deepEqual((await query<{ version_num: string }>(url, 'SELECT version_num FROM alembic_version')).map((v) => v.version_num), [SEED_HEAD]);

      const build = await freshDatabaseUrl('mc_phantom_main');
      await upgrade({ chain: main, url: build });
      assert.deepEqual(diffSchemas(await snapshot(build), await snapshot(url)), []);
      const again = await runCli(['downgrade', '--phantoms', '--yes', '--dir', dir], { env: { DATABASE_URL: url } });
      assert.equal(again.code, 0);
      assert.match(again.stdout, /No revisions from another branch/);
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });

  it('a protected database is only reported (exit 8, nothing changed); so is a remote one', async () => {
    const repo = repoWithBranch();
    try {
      const dir = path.join(repo, 'migrations');
      const url = await freshDatabaseUrl('mc_phantom_prot');
      await upgrade({ chain: await loadChain(dir), url });
      git(repo, 'checkout', '-q', 'main');
      const database = decodeURIComponent(new URL(url).pathname.slice(1));
      const r = await runCli(['downgrade', '--phantoms', '--yes', '--dir', dir], { env: { DATABASE_URL: url, MIGRATION_CHAIN_PROTECTED: database } });
      assert.equal(r.code, 8, describeRun(['downgrade', '--phantoms'], r));
      assert.match(r.stderr, new RegExp(`matches the protected pattern "${database}"\\. They are only reported here`));
      assert.deepEqual((await query<{ version_num: string }>(url, 'SELECT version_num FROM alembic_version')).map((v) => v.version_num), ['f2000000000b']);
      assert.ok(!r.stderr.includes(server().password));

      // A remote host is refused by the same rule, before anything connects to it.
      assert.equal(phantomRefusal(parseDatabaseUrl('postgres://app@db.example.com:5432/app'), []), 'db.example.com is not a local database');
      assert.equal(phantomRefusal(parseDatabaseUrl(url), []), undefined);
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });

  it('an audit log from before the downgrade columns keeps working: the next run adds them', async () => {
    const url = await freshDatabaseUrl('mc_phantom_old');
    const chain = await loadChain(SEED_DIR);
    await upgrade({ chain, url, target: '4b9608290b5d' });
    await query(url, 'ALTER TABLE migration_chain_log DROP COLUMN parents, DROP COLUMN downgrade_sql, DROP COLUMN downgrade_checksum, DROP COLUMN downgrade_note');
    await upgrade({ chain, url });
    const rows = await query<{ revision: string; parents: string | null }>(url, 'SELECT revision, parents FROM migration_chain_log ORDER BY id');
    assert.deepEqual(rows.map((r) => [r.revision, r.parents]), [
      ['000000000000', null], ['4b9608290b5d', null], ['add_discovery_query', '4b9608290b5d'], [SEED_HEAD, 'add_discovery_query'],
    ]);
  });
});
