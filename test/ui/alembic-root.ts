// The UI step of issue 11: the seed's people open their repository root (a copy of
// examples/alembic-backend/, the Alembic project in backend/ with the URL in backend/.env), see the
// chain, and reset from the palette through the real modal; the project's own Alembic (Debian's
// python3-alembic) rebuilds the schema and the verify report ends in the output channel.
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from './playwright';
import { check, createMarkerTable, MARKER_TABLE, maximizedOutput, openView, publicTables, revisionsTree, SEED_HEADS_FIRST, type Fixture, type Step } from './steps';
import { dialog, escapeRegExp, notification, runCommand, see, until } from './workbench';

const REPO = path.resolve(__dirname, '..', '..', '..');
const EXAMPLE = path.join(REPO, 'examples', 'alembic-backend');

/** The example's repository root, its URL in backend/.env (where the seed's env.py users keep it). */
export async function writeAlembicRoot(dir: string, databaseUrl: string): Promise<string> {
  fs.cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !src.includes('__pycache__') });
  fs.writeFileSync(path.join(dir, 'backend', '.env'), `DATABASE_URL=${databaseUrl}\n`);
  await createMarkerTable(databaseUrl);
  return dir;
}

/** The accessible names of the tree's rows that are seed revisions, in screen order. */
async function revisionRows(page: Page): Promise<string[]> {
  const items = revisionsTree(page).getByRole('treeitem');
  const names: string[] = [];
  for (let i = 0; i < await items.count(); i++) names.push((await items.nth(i).getAttribute('aria-label')) ?? '');
  return names.filter((n) => SEED_HEADS_FIRST.some((r) => n.includes(` ${r}`)));
}

export function alembicRootSteps(f: Fixture): Step[] {
  const db = escapeRegExp(f.database);
  return [{
    title: 'the Alembic example opened at its repository root: the chain in the tree; Reset through the modal runs Alembic and ends with the verify report',
    shot: '09-alembic-root-verify-report',
    async run({ page, shoot }) {
      await openView(page);
      const rows = await until(() => revisionRows(page), (r) => r.length === 4 && r.every((n) => n.includes(' · pending')),
        'the four revisions of backend/alembic/versions, each "pending"', 90_000);
      check(SEED_HEADS_FIRST.every((rev, i) => rows[i].includes(rev)), `the order ${SEED_HEADS_FIRST.join(', ')} (heads first)`, rows);
      await shoot('09-alembic-root-tree');

      await runCommand(page, 'Migration Chain: Reset Database');
      // The Alembic modal comes after the preflight (alembic heads, alembic current), which runs Python.
      const modal = await see(dialog(page, new RegExp(`Reset ${db}\\?`)), `a modal "Reset ${f.database}?"`, 120_000);
      const text = await modal.innerText();
      for (const expected of [`Database: ${f.database}`, MARKER_TABLE, 'applies 4 revisions up to head and verifies']) {
        check(text.includes(expected), `the modal to say "${expected}"`, text);
      }
      check(!text.includes(f.password), 'no password in the modal', '(the password)');
      await shoot('09-alembic-root-reset-modal');
      await (await see(modal.getByRole('button', { name: 'Reset' }), 'a Reset button in the modal')).click();
      const done = new RegExp(`Reset ${db}: dropped 1 table\\(s\\), applied 4 revisions with Alembic, verify passed`);
      await see(notification(page, done), `the notification "Reset ${f.database}: … with Alembic, verify passed"`, 180_000);
      const tables = await publicTables(f.databaseUrl);
      check(!(MARKER_TABLE in tables) && 'discovery_queries' in tables, 'the marker table dropped and the seed tables created by Alembic', tables);
      await until(() => revisionRows(page), (r) => r.length === 4 && r[0].includes(' · current') && r.slice(1).every((n) => n.includes(' · applied')),
        'the head "current" and the three others "applied" in the tree');

      await maximizedOutput(page, /✔ unknown: /, 'the verify report after Alembic\'s upgrade in the output channel', async (out) => {
        // The channel wraps long lines on screen, anywhere: compared without whitespace.
        const flat = out.replace(/\s+/g, '');
        for (const expected of ['upgrade heads', 'Running upgrade add_discovery_query -> 556b79de2825', '✔ alembic upgrade heads', '✔ version: ', '✔ pending: ']) {
          check(flat.includes(expected.replace(/\s+/g, '')), `the output channel to show "${expected}"`, out);
        }
        check(!out.includes(f.password), 'no password in the output channel', '(the password)');
      }, false);
    },
  }];
}

