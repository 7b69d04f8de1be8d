// Writing the next revision and switching branches, in the real workbench (issue 23). The project is
// a git repository holding the seed chain on main; its dev database is at the seed head plus a hand
// change (a column and an index on prospects). (a) "New Revision from Database…" writes the revision
// and opens it; its CREATE INDEX is a lint finding in Problems. (b) That revision, committed on a
// feature branch and applied, becomes a revision from another branch after `git checkout main`: the
// notification names it, and its action undoes it behind the modal. (c) Re-apply on save: the toggle
// shows the mode in the status bar, and saving the head re-applies it.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { loadChain, silentLogger, upgrade } from '../../src/core';
import { check, openView, type Step } from './steps';
import { dialog, escapeRegExp, notification, quickInput, quickOpen, runCommand, see, until } from './workbench';
import { SEED_MIGRATIONS } from './sample-project';

const SEED_HEAD = '556b79de2825';
const HAND_CHANGE = 'ALTER TABLE prospects ADD COLUMN phone text; CREATE INDEX prospects_phone_idx ON prospects (phone);';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'ui', GIT_AUTHOR_EMAIL: 'ui@example.com', GIT_COMMITTER_NAME: 'ui', GIT_COMMITTER_EMAIL: 'ui@example.com' } });
}

async function sql<T>(url: string, text: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try { return (await c.query(text)).rows as T[]; } finally { await c.end(); }
}

const versions = async (url: string) => (await sql<{ version_num: string }>(url, 'SELECT version_num FROM alembic_version')).map((r) => r.version_num).join(',');

/** The seed chain committed on main, with a .env naming the dev database (kept out of git). */
export function writeAuthoringProject(dir: string, databaseUrl: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(SEED_MIGRATIONS, path.join(dir, 'migrations'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.env'), `DATABASE_URL=${databaseUrl}\n`);
  fs.writeFileSync(path.join(dir, '.gitignore'), '.env\n');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'seed chain');
  return dir;
}

export function authoringSteps(dir: string, databaseUrl: string): Step[] {
  const migrations = path.join(dir, 'migrations');
  let created = '';
  let createdFile = '';
  return [
    {
      title: 'New Revision from Database…: the hand change becomes a revision, opened, its CREATE INDEX a lint finding in Problems',
      shot: '11-revision-from-database',
      async run({ page }) {
        await upgrade({ chain: await loadChain(migrations), url: databaseUrl, logger: silentLogger });
        await sql(databaseUrl, HAND_CHANGE);
        await openView(page);
        await runCommand(page, 'Migration Chain: Refresh');
        const before = new Set(fs.readdirSync(migrations));
        await runCommand(page, 'Migration Chain: New Revision from Database…');
        const box = await see(quickInput(page), 'the message input box');
        await box.fill('add phone to prospects');
        await page.keyboard.press('Enter');
        createdFile = await until(async () => fs.readdirSync(migrations).find((f) => !before.has(f)) ?? '', (f) => f !== '', 'a new revision file in migrations/', 120_000);
        const text = fs.readFileSync(path.join(migrations, createdFile), 'utf8');
        created = /^-- revision: (\S+)/m.exec(text)?.[1] ?? '';
        check(new RegExp(`^-- down_revision: ${SEED_HEAD}$`, 'm').test(text) && /CREATE INDEX prospects_phone_idx/.test(text), 'the revision on the seed head with the index', text);
        await see(page.getByRole('tab', { name: new RegExp(escapeRegExp(createdFile)) }), `an editor tab for ${createdFile}`, 60_000);
        check(await versions(databaseUrl) === SEED_HEAD, 'nothing applied: the database still at the seed head', await versions(databaseUrl));
        await runCommand(page, 'Problems: Focus on Problems View');
        await see(page.getByRole('treeitem', { name: /CREATE INDEX takes SHARE on public\.prospects/ }), 'the lint finding "CREATE INDEX takes SHARE on public.prospects…" in Problems', 60_000);
        // Back to the file, so the picture shows the revision with the panel below it.
        await page.getByRole('tab', { name: new RegExp(escapeRegExp(createdFile)) }).click();
      },
    },
    {
      title: 'the revision applied on a feature branch; after git checkout main the notification names it, and Undo Them… undoes it',
      shot: '12-phantom-undone',
      async run({ page, shoot }) {
        check(created !== '', 'the revision of the step before', createdFile);
        git(dir, 'checkout', '-q', '-b', 'feature');
        git(dir, 'add', '-A');
        git(dir, 'commit', '-qm', 'add phone to prospects');
        // The hand change goes, the revision brings it back: applied, with its downgrade kept.
        await sql(databaseUrl, 'DROP INDEX prospects_phone_idx; ALTER TABLE prospects DROP COLUMN phone;');
        await upgrade({ chain: await loadChain(migrations), url: databaseUrl, logger: silentLogger });
        check(await versions(databaseUrl) === created, 'the feature revision applied', await versions(databaseUrl));
        await runCommand(page, 'View: Close All Editors');
        git(dir, 'checkout', '-q', 'main');
        check(!fs.existsSync(path.join(migrations, createdFile)), 'the checkout took the file away', createdFile);
        await runCommand(page, 'Migration Chain: Refresh');
        await see(notification(page, new RegExp(`1 revision from another branch is applied here .*${escapeRegExp(created)}`)),
          `the notification "1 revision from another branch is applied here (…): ${created}"`, 60_000);
        await shoot('12-phantom-notice');
        await (await see(page.getByRole('button', { name: 'Undo Them…' }), 'the notification\'s "Undo Them…" button')).click();
        const modal = await see(dialog(page, /Undo 1 revision from another branch/), 'the modal "Undo 1 revision from another branch on …?"');
        await modal.getByRole('button', { name: 'Undo Revisions' }).click();
        await until(() => versions(databaseUrl), (v) => v === SEED_HEAD, 'the database back at the seed head', 60_000);
        await runCommand(page, 'Notifications: Clear All Notifications');
        await openView(page);
      },
    },
    {
      title: 'Re-apply on save: the toggle puts the mode in the status bar; saving the head downgrades and upgrades it again',
      shot: '13-reapply-on-save',
      async run({ page }) {
        const headFile = fs.readdirSync(migrations).find((f) => f.startsWith(SEED_HEAD))!;
        const applied = async () => Number((await sql<{ n: string }>(databaseUrl,
          `SELECT count(*) AS n FROM migration_chain_log WHERE revision = '${SEED_HEAD}' AND direction = 'upgrade'`))[0].n);
        const before = await applied();
        await runCommand(page, 'Migration Chain: Toggle Re-apply on Save');
        await see(page.getByRole('status').getByRole('button', { name: /Re-apply on save/ }), 'the status bar item "Re-apply on save"');
        await quickOpen(page, headFile);
        // A line at the end of the verify section: the upgrade's text is unchanged, so the file's downgrade undoes it.
        await page.keyboard.press('Control+End');
        await page.keyboard.type('\n-- tried with re-apply on save\n');
        await page.keyboard.press('Control+S');
        await until(applied, (n) => n > before, 'the head upgraded again (a new "upgrade" row in migration_chain_log)', 60_000);
        check(await versions(databaseUrl) === SEED_HEAD, 'the database at the head again', await versions(databaseUrl));
        await see(page.getByRole('status').getByText(/re-applied/), 'the status bar message "… re-applied …"', 10_000);
      },
    },
  ];
}

