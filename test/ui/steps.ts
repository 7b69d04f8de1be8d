// The UI steps of issue 4, each checking what a person sees: accessible names and visible text.
// Steps 1-5 and the verify report run in one workbench (workspace trust off) on a multi-root
// workspace: the sample project (migrations/ + .env) and a folder with a broken chain. The
// untrusted-workspace step runs in a second code-server with workspace trust on.
import type { BrokenChain } from './sample-project';
import type { FrameLocator, Locator, Page } from './playwright';
import * as fs from 'fs';
import { loadChain, silentLogger, upgrade } from '../../src/core';
import { dialog, escapeRegExp, ExpectationError, gone, notification, quickOpen, runCommand, see, until } from './workbench';
import { Client } from 'pg';
import * as path from 'path';

export interface StepContext {
  page: Page;
  /** Saves an intermediate screenshot `<name>.png`. */
  shoot(name: string): Promise<void>;
}

export interface Step {
  title: string;
  /** File name (without .png) of the screenshot saved when the step ends, passed or failed. */
  shot: string;
  run(ctx: StepContext): Promise<void>;
}

export interface Fixture {
  databaseUrl: string;
  database: string;
  /** Must never appear on screen. */
  password: string;
  broken: BrokenChain;
  /** The sample project's folder (the environments step writes its environments file there). */
  sampleDir: string;
}

/** The seed chain, heads first (like `alembic history`). */
export const SEED_HEADS_FIRST = ['556b79de2825', 'add_discovery_query', '4b9608290b5d', '000000000000'];
const HEAD = '556b79de2825';
const HEAD_FILE = '556b79de2825_add_discovery_query_id_to_prospects.sql';
const APPLIED_FILE = '4b9608290b5d_add_settings_table.sql';
/** A table the reset must drop, and Cancel must keep: proof the database is (un)touched. */
export const MARKER_TABLE = 'keep_me_until_reset';
export const MARKER_ROWS = 3;

export async function createMarkerTable(url: string): Promise<void> {
  await withClient(url, async (c) => {
    await c.query(`CREATE TABLE ${MARKER_TABLE} (id int PRIMARY KEY)`);
    await c.query(`INSERT INTO ${MARKER_TABLE} SELECT generate_series(1, ${MARKER_ROWS})`);
  });
}

/** Tables of schema public with their row counts, e.g. `{ keep_me_until_reset: 3 }`. */
export async function publicTables(url: string): Promise<Record<string, number>> {
  return withClient(url, async (c) => {
    const names = await c.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1");
    const out: Record<string, number> = {};
    for (const { name } of names.rows) {
      const r = await c.query<{ n: string }>(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`);
      out[name] = Number(r.rows[0].n);
    }
    return out;
  });
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export function check(ok: boolean, expected: string, seen: unknown): void {
  if (!ok) throw new ExpectationError(`expected ${expected}; saw ${JSON.stringify(seen)}`);
}

export function revisionsTree(page: Page): Locator {
  return page.getByRole('tree', { name: 'Revisions' });
}

/** The accessible names of the sample folder's revision rows, in screen order. */
async function sampleRevisionRows(page: Page): Promise<string[]> {
  const items = revisionsTree(page).getByRole('treeitem');
  const names: string[] = [];
  for (let i = 0; i < await items.count(); i++) names.push((await items.nth(i).getAttribute('aria-label')) ?? '');
  const start = names.findIndex((n) => n.startsWith('sample '));
  const rows: string[] = [];
  for (const n of names.slice(start + 1)) {
    if (!SEED_HEADS_FIRST.some((r) => n.includes(` ${r} `) || n.includes(` ${r}`))) break;
    rows.push(n);
  }
  return rows;
}

/** The editor area's text (Monaco renders spaces as no-break spaces). */
function editorArea(page: Page): Locator {
  return page.getByRole('main');
}

/**
 * The lens must sit directly above the given line: between it and the line above. Monaco re-renders
 * lenses when the provider refreshes (status arrives after the file opens), so a lens found once can
 * be hidden for a moment: both boxes are read again until they line up.
 */
async function lensAboveLine(page: Page, lensText: RegExp, lineText: RegExp, what: string): Promise<void> {
  const lens = editorArea(page).getByText(lensText).first();
  const line = editorArea(page).getByText(lineText).first();
  await see(lens, `the CodeLens "${lensText.source}" ${what}`);
  await see(line, `the line ${lineText.source}`);
  await until(
    async () => ({ lens: await lens.boundingBox({ timeout: 2_000 }), line: await line.boundingBox({ timeout: 2_000 }) }),
    ({ lens: a, line: b }) => !!a && !!b && a.y < b.y && b.y - a.y < 2.5 * b.height,
    `the CodeLens "${lensText.source}" directly above the line ${lineText.source}`);
}

const DEBUG = process.env.MC_UI_DEBUG === '1';

/**
 * Maximizes the panel so that many output lines are on screen (the editor renders only visible
 * lines), scrolls the output to its end, waits until `pattern` is in the visible text, hands that
 * text to `inspect`, then restores the panel unless `restore` is false (the step's final screenshot
 * then shows the maximized output).
 */
export async function maximizedOutput(page: Page, pattern: RegExp, what: string, inspect: (text: string) => Promise<void>, restore = true): Promise<string> {
  await (await see(page.getByRole('tab', { name: /^Output/ }), 'the Output tab in the panel')).click();
  const doc = await see(page.getByRole('document', { name: 'Migration Chain - Output' }), 'the "Migration Chain - Output" view');
  await (await see(page.getByRole('button', { name: 'Maximize Panel' }), 'the Maximize Panel button')).click();
  try {
    await doc.click();
    await page.keyboard.press('Control+End');
    const read = async () => (await doc.innerText()).replace(/\u00a0/g, ' ');
    const end = await until(read, (t) => pattern.test(t), what, 60_000);
    // The editor renders only the rows in view: one page up as well, so a run's first lines are read
    // even when its output is a little taller than the panel.
    await page.keyboard.press('PageUp');
    const text = `${await read()}\n${end}`;
    // The toasts were checked already; closed, they no longer hide the channel's last lines.
    await runCommand(page, 'Notifications: Clear All Notifications');
    await inspect(text);
    return text;
  } finally {
    if (restore) await (await see(page.getByRole('button', { name: /^Restore Panel/ }), 'the Restore Panel button')).click();
  }
}

/**
 * Commands from the palette act on the active editor's folder; when the focus is elsewhere (the
 * output view) and the workspace has several folders they ask which one. Answers that question if
 * it comes, then waits for what the command shows next.
 */
async function answerFolderPick(page: Page, folder: string, next: Locator, what: string, timeout?: number): Promise<Locator> {
  const option = page.getByRole('option', { name: new RegExp(`^${escapeRegExp(folder)}\\b`) });
  const picker = page.getByRole('listbox', { name: 'Workspace folder' });
  await see(next.or(picker), `${what} (or the "Workspace folder" pick)`, timeout);
  if (await picker.isVisible()) await option.first().click();
  return see(next, what, timeout);
}

export async function openView(page: Page): Promise<void> {
  const tab = await see(page.getByRole('tab', { name: /^Migration Chain/ }), 'the Migration Chain icon in the activity bar');
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  await see(revisionsTree(page), 'the Migration Chain "Revisions" view');
}

export function trustedSteps(f: Fixture): Step[] {
  const db = escapeRegExp(f.database);
  return [
    {
      title: 'the activity-bar icon opens the view: the four seed revisions, heads first, all pending',
      shot: '01-tree-pending',
      async run({ page }) {
        await openView(page);
        await see(revisionsTree(page).getByRole('treeitem', { name: new RegExp(`^sample ${db}@127\\.0\\.0\\.1 · 4 pending`) }),
          `the sample folder connected to ${f.database} with "4 pending"`);
        const rows = await until(() => sampleRevisionRows(page), (r) => r.length === 4 && r.every((n) => n.includes(' · pending')),
          'four revision rows under "sample", each "pending"');
        check(SEED_HEADS_FIRST.every((rev, i) => rows[i].includes(rev)), `the order ${SEED_HEADS_FIRST.join(', ')} (heads first)`, rows);
        check(rows[0].includes('head'), 'the first row marked "head"', rows[0]);
      },
    },
    {
      title: `opening ${HEAD_FILE} shows a pending CodeLens on the revision line`,
      shot: '02-codelens-pending',
      async run({ page }) {
        await quickOpen(page, HEAD_FILE);
        await lensAboveLine(page, /○ Pending — Upgrade to here/, new RegExp(`revision:\\s*${HEAD}`), 'on the pending head');
      },
    },
    {
      title: '"Migration Chain: Reset Database" shows a modal naming the database; Cancel leaves it untouched',
      shot: '03-reset-cancelled',
      async run({ page, shoot }) {
        const before = await publicTables(f.databaseUrl);
        check(before[MARKER_TABLE] === MARKER_ROWS, `the marker table with ${MARKER_ROWS} rows before the reset`, before);
        await runCommand(page, 'Migration Chain: Reset Database');
        const modal = await answerFolderPick(page, 'sample', dialog(page, new RegExp(`Reset ${db}\\?`)), `a modal "Reset ${f.database}?"`);
        const text = await modal.innerText();
        for (const expected of [`Database: ${f.database}`, 'Host: 127.0.0.1', 'User: postgres', MARKER_TABLE, `${MARKER_ROWS} rows`, 'applies 4 revisions']) {
          check(text.includes(expected), `the modal to say "${expected}"`, text);
        }
        check(!text.includes(f.password), 'no password in the modal', '(the password)');
        await shoot('03-reset-modal');
        await (await see(modal.getByRole('button', { name: 'Cancel' }), 'a Cancel button in the modal')).click();
        await gone(dialog(page, new RegExp(`Reset ${db}\\?`)), 'the reset modal');
        await page.waitForTimeout(1500); // a reset started anyway would have dropped the table by now
        const after = await publicTables(f.databaseUrl);
        check(JSON.stringify(after) === JSON.stringify(before), 'the database unchanged after Cancel', after);
      },
    },
    {
      title: 'confirming the reset runs it: output steps + verify, tree applied with head current, CodeLens applied, status bar 0 pending',
      shot: '04-codelens-applied',
      async run({ page, shoot }) {
        await runCommand(page, 'Notifications: Clear All Notifications');
        await runCommand(page, 'Migration Chain: Reset Database');
        const modal = await answerFolderPick(page, 'sample', dialog(page, new RegExp(`Reset ${db}\\?`)), `a modal "Reset ${f.database}?"`);
        await (await see(modal.getByRole('button', { name: 'Reset' }), 'a Reset button in the modal')).click();
        const done = new RegExp(`Reset ${db}: dropped 1 table\\(s\\), applied 4 revisions, verify passed`);
        await see(notification(page, done), `the notification "Reset ${f.database}: … verify passed"`, 120_000);
        const tables = await publicTables(f.databaseUrl);
        check(!(MARKER_TABLE in tables) && 'discovery_queries' in tables && 'prospects' in tables,
          'the marker table dropped and the seed tables created', tables);

        // The head's file is still open: its lens must flip without reopening it.
        await lensAboveLine(page, /★ Current head/, new RegExp(`revision:\\s*${HEAD}`), 'on the open head file after the reset');
        await see(page.getByRole('status').getByRole('button', { name: new RegExp(`${db} @ ${HEAD} · 0 pending`) }),
          `the status bar "${f.database} @ ${HEAD} · 0 pending"`);
        await openView(page);
        const rows = await until(() => sampleRevisionRows(page),
          (r) => r.length === 4 && r[0].includes(' · current') && r.slice(1).every((n) => n.includes(' · applied')),
          'the head "current" and the three others "applied" in the tree');
        check(rows[0].includes(HEAD), `${HEAD} first`, rows);
        await see(revisionsTree(page).getByRole('treeitem', { name: new RegExp(`^sample ${db}@127\\.0\\.0\\.1 · 0 pending`) }),
          'the sample folder with "0 pending"');
        await shoot('04-tree-applied');

        const out = await maximizedOutput(page, new RegExp(`Reset ${db}: dropped`), 'the reset\'s result in the Migration Chain output channel', async (text) => {
          // The seed's step list: target, what is dropped, what runs, the result, the verification.
          for (const expected of [`Reset target: postgresql://postgres:****@`, MARKER_TABLE, 'Drop and recreate schema public', 'Upgrade to head',
            ...SEED_HEADS_FIRST.map((r) => `-> ${r}`), `verify ${HEAD}: passed`]) {
            check(text.includes(expected), `the output channel to show "${expected}"`, text);
          }
          check(!text.includes(f.password), 'no password in the output channel', '(the password)');
          await shoot('04-output-after-reset');
        });
        if (DEBUG) console.log(`--- output channel after reset ---\n${out}`);

        await quickOpen(page, APPLIED_FILE);
        await lensAboveLine(page, /✓ Applied/, /revision:\s*4b9608290b5d/, 'on an applied revision');
      },
    },
    {
      title: '"Migration Chain: Verify Database" writes the verify report: every check passed',
      shot: '05-verify-report',
      async run({ page }) {
        // An empty channel first, so that what follows is the verify report alone.
        await (await see(page.getByRole('tab', { name: /^Output/ }), 'the Output tab in the panel')).click();
        await (await see(page.getByRole('button', { name: 'Clear Output' }), 'the Clear Output button')).click();
        await runCommand(page, 'Migration Chain: Verify Database');
        const passed = new RegExp(`Verify ${db}: all \\d+ checks passed`);
        await answerFolderPick(page, 'sample', notification(page, passed), `the notification "Verify ${f.database}: all N checks passed"`, 120_000);
        await maximizedOutput(page, new RegExp(`Verify ${db}: all \\d+ checks passed`), 'the verify report in the output channel', async (text) => {
          check(/✔/.test(text) && !/✘/.test(text), 'only passed (✔) checks in the verify report', text);
          check(!/Reset/.test(text), 'the channel to hold the verify report alone after Clear Output', text);
          check(!text.includes(f.password), 'no password in the output channel', '(the password)');
        }, false);
      },
    },
    {
      title: 'the broken chain of the second folder (missing parent) is in the Problems panel on the right line',
      shot: '06-problems-missing-parent',
      async run({ page }) {
        const restore = page.getByRole('button', { name: /^Restore Panel/ });
        if (await restore.isVisible()) await restore.click();
        await runCommand(page, 'Problems: Focus on Problems View');
        const file = path.basename(f.broken.file);
        await see(page.getByRole('treeitem', { name: new RegExp(escapeRegExp(file)) }), `${file} in the Problems panel`);
        const problem = await see(page.getByRole('treeitem', { name: new RegExp(`${f.broken.missingParent}.*not defined`) }),
          `the problem "down_revision '${f.broken.missingParent}' … is not defined"`);
        const label = (await problem.getAttribute('aria-label')) ?? '';
        const text = await problem.innerText();
        check(new RegExp(`\\b${f.broken.line}\\b`).test(label + text) && new RegExp(`Ln ${f.broken.line}\\b`).test(text),
          `the problem on line ${f.broken.line} ("Ln ${f.broken.line}")`, { label, text });
        // Opening the problem puts the cursor on that line of that file.
        await problem.dblclick();
        await see(page.getByRole('tab', { name: new RegExp(escapeRegExp(file)) }), `an editor for ${file}`);
        await see(page.getByRole('status').getByRole('button', { name: new RegExp(`^Ln ${f.broken.line}, Col`) }),
          `the cursor on line ${f.broken.line} ("Ln ${f.broken.line}, Col …" in the status bar)`);
        await see(editorArea(page).getByText(new RegExp(`down_revision:\\s*${f.broken.missingParent}`)), `the line naming ${f.broken.missingParent}`);
      },
    },
    {
      title: '"Run Stairway Tests (All Revisions)": the Testing view shows each sample revision passed, the broken chain errored',
      shot: '08-testing-view-stairway',
      async run({ page }) {
        // A clean window for the picture: the Testing view and nothing else of the earlier steps.
        await runCommand(page, 'View: Close All Editors');
        await runCommand(page, 'View: Hide Panel');
        await runCommand(page, 'Migration Chain: Run Stairway Tests (All Revisions)');
        await runCommand(page, 'Testing: Focus on Test Explorer View');
        const root = await see(page.getByRole('treeitem', { name: /^Migration Chain: all revisions \(sample\)/ }),
          'the "Migration Chain: all revisions (sample)" item in the Testing view');
        await expand(root);
        await expand(await see(page.getByRole('treeitem', { name: /^trunk/ }), 'the "trunk" branch group'));
        // Each item shows its message and revision; its accessible name is "<revision> (Passed), in …".
        for (const revision of [...SEED_HEADS_FIRST].reverse()) {
          const item = await see(page.getByRole('treeitem', { name: new RegExp(`^${escapeRegExp(revision)} \\(Passed\\)`) }),
            `"${revision} (Passed)" in the Testing view`, 120_000);
          const text = await item.innerText();
          check(SEED_MESSAGES.some((m) => text.includes(m)), `the item for ${revision} to show its message`, text);
        }
        await see(page.getByRole('treeitem', { name: /^Migration Chain: all revisions \(broken\).*\(Errored\)/ }),
          'the broken folder\'s chain "(Errored)": it cannot be walked');
      },
    },
    environmentsStep(f),
  ];
}

/** The webview's document: VS Code puts it in an iframe inside the webview's iframe. */
function webview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe');
}

/** The sample project with an environments file: its own database, a protected prod one revision behind, three tenants. */
function environmentsStep(f: Fixture): Step {
  const db = escapeRegExp(f.database);
  const urlOf = (database: string) => { const u = new URL(f.databaseUrl); u.pathname = `/${database}`; return u.toString(); };
  const prod = `${f.database}_prod`;
  const tenants = [1, 2, 3].map((i) => `${f.database}_tenant_${i}`);
  return {
    title: 'the Environments view and the matrix: local at head, prod one behind, a tenant set summarised; a row opens its file from the keyboard',
    shot: '09-environments-file-opened',
    async run({ page, shoot }) {
      await withClient(f.databaseUrl, async (c) => {
        for (const name of [prod, ...tenants]) await c.query(`CREATE DATABASE "${name}"`);
      });
      const chain = await loadChain(path.join(f.sampleDir, 'migrations'));
      for (const [name, target] of [[prod, 'add_discovery_query'], [tenants[0], 'head'], [tenants[1], '4b9608290b5d']] as const) {
        await upgrade({ chain, url: urlOf(name), target, logger: silentLogger });
      }
      fs.appendFileSync(path.join(f.sampleDir, '.env'), `PROD_DATABASE_URL=${urlOf(prod)}\n`);
      fs.writeFileSync(path.join(f.sampleDir, 'migration-chain.environments.json'), JSON.stringify({
        environments: {
          local: { url: { from: 'envFile', file: '.env', variable: 'DATABASE_URL' } },
          prod: { url: { from: 'envFile', file: '.env', variable: 'PROD_DATABASE_URL' }, protected: true },
          tenants: { url: { from: 'envFile', file: '.env', variable: 'DATABASE_URL' }, tenants: { databases: { pattern: `${f.database}_tenant_*` } } },
        },
      }, null, 2));
      await runCommand(page, 'View: Close All Editors');
      await openView(page);
      await runCommand(page, 'Migration Chain: Refresh Environments');
      const view = page.getByRole('tree', { name: 'Environments' });
      await see(view.getByRole('treeitem', { name: new RegExp(`^local.*at ${HEAD} · 0 pending`) }), `"local" at ${HEAD}, 0 pending, in the Environments view`);
      await see(view.getByRole('treeitem', { name: /^prod.*at add_discovery_query · 1 pending/ }), '"prod" at add_discovery_query, 1 pending');
      await see(view.getByRole('treeitem', { name: new RegExp(`^tenants.*1 at head, 2 behind: ${db}_tenant_2, ${db}_tenant_3; 0 unreachable`) }),
        '"tenants": 1 at head, 2 behind, 0 unreachable');

      await runCommand(page, 'Migration Chain: Show Environments Matrix');
      const table = await see(webview(page).getByRole('table', { name: 'Revisions by environment' }), 'the matrix table in the webview');
      for (const heading of ['local', 'prod', 'tenants (3 tenants)']) {
        await see(table.getByRole('columnheader', { name: new RegExp(`^${escapeRegExp(heading)}`) }), `the column "${heading}"`);
      }
      const headRow = await see(table.getByRole('row', { name: new RegExp(`^${HEAD} \\(head\\)`) }), `the row of ${HEAD}, marked head`);
      const label = (await headRow.getAttribute('aria-label')) ?? '';
      check(label.includes('local applied') && label.includes('prod pending') && label.includes('tenants 1 applied · 2 pending'),
        'the head row to read "local applied, prod pending, tenants 1 applied · 2 pending"', label);
      const text = await headRow.innerText();
      check(/✓\s*applied/.test(text) && /○\s*pending/.test(text), 'glyphs with words in the cells, not colour alone', text);
      check(!(await table.innerText()).includes(f.password), 'no password in the matrix', '(the password)');
      await shoot('09-environments-matrix');

      // Keyboard only: the first row takes the focus, ArrowDown moves to the next, Enter opens its file.
      await headRow.focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await see(page.getByRole('tab', { name: /add_discovery_query_table\.sql/ }), 'an editor for add_discovery_query_table.sql, opened by Enter on its row');
    },
  };
}

/** The seed revisions' messages, parents first: the Testing view's item labels. */
const SEED_MESSAGES = ['create base tables', 'add settings table', 'add discovery_queries table', 'add discovery_query_id to prospects'];

async function expand(item: Locator): Promise<void> {
  if ((await item.getAttribute('aria-expanded')) === 'false') await item.click();
}

export function untrustedSteps(f: Fixture): Step[] {
  return [{
    title: 'an untrusted workspace shows the tree but refuses to run a command, saying why',
    shot: '07-untrusted-refused',
    async run({ page, shoot }) {
      // Desktop VS Code asks first ("Do you trust the authors…?"); the browser workbench opens in
      // Restricted Mode directly. Either way the person ends up not trusting the folder.
      const restricted = page.getByRole('status').getByRole('button', { name: /^Restricted Mode/ });
      const prompt = dialog(page, /trust the authors/i);
      await see(restricted.or(prompt), 'the workspace-trust prompt or the "Restricted Mode" indicator', 120_000);
      if (await prompt.isVisible()) await prompt.getByRole('button', { name: /No, I don.t trust/ }).click();
      await see(restricted, 'the "Restricted Mode" indicator in the status bar');
      await see(page.getByRole('banner', { name: /Restricted Mode/ }), 'the "Restricted Mode is intended for safe code browsing" banner');
      await openView(page);
      const rows = await until(() => sampleRevisionRows(page), (r) => r.length === 4, 'the four seed revisions in the tree');
      check(SEED_HEADS_FIRST.every((rev, i) => rows[i].includes(rev)), 'the seed chain heads first', rows);
      await shoot('07-untrusted-tree');
      const before = await publicTables(f.databaseUrl);
      await runCommand(page, 'Migration Chain: Reset Database');
      const why = /Reset is disabled in Restricted Mode: it connects to a database and runs code from this workspace/;
      await see(notification(page, why), 'the warning "Reset is disabled in Restricted Mode: …"');
      check((await page.getByRole('dialog').filter({ hasText: /Reset .*\?/ }).count()) === 0, 'no reset modal', 'a modal');
      const after = await publicTables(f.databaseUrl);
      check(JSON.stringify(after) === JSON.stringify(before), 'the database untouched', after);
    },
  }];
}
