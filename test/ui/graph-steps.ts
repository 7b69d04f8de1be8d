// The revision graph in the real workbench (issue 24): a chain with two branches, a merge and a
// second head; open the graph from the palette, move along edges with the keyboard, open a file with
// Enter, drag a card onto another to re-parent it and see the file's header change. Screenshots in
// the light and the dark theme (the README's pictures).
import * as fs from 'fs';
import * as path from 'path';
import { loadChain, silentLogger, upgrade } from '../../src/core';
import type { FrameLocator, Page } from './playwright';
import { check, openView, type Step } from './steps';
import { dialog, runCommand, see, until } from './workbench';

const sql = (id: string, parents: string[], message: string, extra: string[] = []) => [
  `-- revision: ${id}`, `-- down_revision: ${parents.length ? parents.join(', ') : 'None'}`, `-- message: ${message}`, ...extra,
  '', '-- migrate:upgrade', `CREATE TABLE t_${id} (id int);`, '', '-- migrate:downgrade', `DROP TABLE t_${id};`, '',
].join('\n');

/** base ← accounts ← (billing: invoices ← payments | search: search_index) ← merge ← audit (head) and ← exports (second head). */
export const GRAPH_CHAIN: [string, string[], string, string[]?][] = [
  ['a0base', [], 'create base tables'],
  ['b1accounts', ['a0base'], 'add accounts'],
  ['c2invoices', ['b1accounts'], 'add invoices', ['-- branch_labels: billing']],
  ['d3payments', ['c2invoices'], 'add payments'],
  ['e4search', ['b1accounts'], 'add search index', ['-- branch_labels: search']],
  ['f5merge', ['d3payments', 'e4search'], 'merge billing and search'],
  ['g6audit', ['f5merge'], 'add audit log'],
  ['h7exports', ['f5merge'], 'add exports'],
];

export function writeGraphProject(dir: string, databaseUrl: string): string {
  const migrations = path.join(dir, 'migrations');
  fs.mkdirSync(migrations, { recursive: true });
  for (const [id, parents, message, extra] of GRAPH_CHAIN) fs.writeFileSync(path.join(migrations, `${id}.sql`), sql(id, parents, message, extra));
  fs.writeFileSync(path.join(dir, '.env'), `DATABASE_URL=${databaseUrl}\n`);
  return dir;
}

function webview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe');
}

export function graphSteps(dir: string, databaseUrl: string): Step[] {
  const frame = (page: Page) => webview(page);
  const card = (page: Page, id: string) => frame(page).locator(`.card[data-id="${id}"]`);
  const focused = async (page: Page) => (await frame(page).locator('.card:focus').getAttribute('data-id', { timeout: 5_000 })) ?? '';
  return [
    {
      title: 'Show Revision Graph: two branches and a merge in lanes, heads at the top, badges with words',
      shot: '10-revision-graph-light',
      async run({ page }) {
        // The database has the chain up to the merge: the picture shows applied and pending revisions.
        await upgrade({ chain: await loadChain(path.join(dir, 'migrations')), url: databaseUrl, target: 'f5merge', logger: silentLogger });
        await openView(page);
        await runCommand(page, 'Migration Chain: Refresh'); // the upgrade above ran behind the editor's back
        await runCommand(page, 'Migration Chain: Show Revision Graph');
        const tree = await see(frame(page).getByRole('tree', { name: 'Revisions, heads first' }), 'the revision graph webview');
        const first = await see(tree.getByRole('treeitem').first(), 'a node card');
        const label = (await first.getAttribute('aria-label')) ?? '';
        check(/^Revision (g6audit|h7exports) \(head\)/.test(label), 'a head on the top row', label);
        const merge = await see(card(page, 'f5merge'), 'the merge card');
        const mergeLabel = (await merge.getAttribute('aria-label')) ?? '';
        check(/\(merge, branch point\)/.test(mergeLabel) && /parents d3payments, e4search/.test(mergeLabel), 'the merge labelled with both parents', mergeLabel);
        await until(() => merge.innerText(), (t) => /db ✓ current/.test(t), 'the database badge in words on the merge: "db ✓ current"');
        check(/db ○ pending/.test(await card(page, 'g6audit').innerText()), 'the head pending', '');
        // One card per row, in one column right of the lanes, none on top of another.
        const boxes: ({ x: number; y: number; width: number; height: number } | null)[] = [];
        for (const id of ['g6audit', 'h7exports', 'f5merge', 'd3payments']) boxes.push(await card(page, id).boundingBox());
        check(boxes.every((b, i) => b && b.x === boxes[0]!.x && (i === 0 || b.y >= boxes[i - 1]!.y + boxes[i - 1]!.height)),
          'the cards of four rows one below the other, aligned', boxes);
        await see(frame(page).locator('svg text.lane-title').filter({ hasText: 'billing' }), 'the lane title "billing"');
      },
    },
    {
      title: 'keyboard along the edges: ↓ first parent, → next lane, Enter opens the file at its revision line',
      shot: '10-revision-graph-enter-opened',
      async run({ page }) {
        await card(page, 'f5merge').click();
        await until(() => focused(page), (id) => id === 'f5merge', 'the merge card focused');
        await page.keyboard.press('ArrowDown');
        await until(() => focused(page), (id) => id === 'd3payments', 'ArrowDown to the first parent d3payments');
        await page.keyboard.press('ArrowRight');
        await until(() => focused(page), (id) => id === 'e4search', 'ArrowRight to the search lane');
        await page.keyboard.press('ArrowUp');
        await until(() => focused(page), (id) => id === 'f5merge', 'ArrowUp back to the child');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        await see(page.getByRole('tab', { name: /d3payments\.sql/ }), 'an editor for d3payments.sql, opened by Enter');
      },
    },
    {
      title: 'context menu on a focused card: Shift+F10 opens it (role=menu), arrows move, Escape gives the card the keyboard back; right-click opens it too',
      shot: '10-revision-graph-menu-closed',
      async run({ page, shoot }) {
        await card(page, 'f5merge').click();
        await until(() => focused(page), (id) => id === 'f5merge', 'the merge card focused');
        await page.keyboard.press('Shift+F10');
        const menu = await see(frame(page).getByRole('menu', { name: 'Actions on f5merge' }), 'the merge\'s context menu, opened by Shift+F10');
        const items = await menu.getByRole('menuitem').allInnerTexts();
        check(items.join('|') === 'Open|Focus|Re-parent…|Merge these heads…|Remove a parent link…|Restore from git|Copy revision id', 'the action bar\'s actions and Copy revision id', items);
        const focusedItem = async () => frame(page).locator('.menuitem:focus').innerText({ timeout: 5_000 });
        await until(focusedItem, (t) => t === 'Open', 'the first item focused');
        await page.keyboard.press('ArrowDown');
        await until(focusedItem, (t) => t === 'Focus', 'ArrowDown to Focus');
        check(await menu.getByRole('menuitem', { name: 'Restore from git' }).getAttribute('aria-disabled') === 'true', 'Restore from git disabled on a revision (not hidden)', '');
        check(await menu.getByRole('menuitem', { name: 'Merge these heads…' }).getAttribute('aria-disabled') === 'true', 'no merge offered on a revision that is no head', '');
        await shoot('10-revision-graph-menu');
        await page.keyboard.press('Escape');
        await until(async () => menu.isVisible(), (visible) => !visible, 'Escape closes the menu');
        await until(() => focused(page), (id) => id === 'f5merge', 'the card has the keyboard again');
        await card(page, 'd3payments').click({ button: 'right' });
        await see(frame(page).getByRole('menu', { name: 'Actions on d3payments' }), 'the menu of the card right-clicked');
        await page.keyboard.press('Escape');
        await until(() => focused(page), (id) => id === 'd3payments', 'Escape returns to the right-clicked card');
      },
    },
    {
      title: 'drag a head onto the other head: the modal shows the header diff, the file\'s down_revision changes',
      shot: '10-revision-graph-reparented',
      async run({ page }) {
        const file = path.join(dir, 'migrations', 'h7exports.sql');
        check(/^-- down_revision: f5merge$/m.test(fs.readFileSync(file, 'utf8')), 'h7exports after the merge before the drag', '');
        // A person's drag: press on the card, move onto the other card, release (Playwright aims at each card itself).
        await card(page, 'h7exports').hover();
        await page.mouse.down();
        await card(page, 'g6audit').hover();
        await card(page, 'g6audit').hover();
        await page.mouse.up();
        const modal = await see(dialog(page, /Re-parent h7exports\?/), 'the Re-parent modal');
        const text = await modal.innerText();
        check(/- -- down_revision: f5merge/.test(text) && /\+ -- down_revision: g6audit/.test(text), 'the header line before and after in the modal', text);
        await modal.getByRole('button', { name: 'Re-parent', exact: true }).click();
        await until(async () => fs.readFileSync(file, 'utf8'), (t) => /^-- down_revision: g6audit$/m.test(t), 'h7exports.sql re-parented onto g6audit');
        await until(async () => (await card(page, 'h7exports').getAttribute('aria-label')) ?? '', (l) => /parent g6audit/.test(l), 'the graph redrawn with the new parent');
        const top = (await frame(page).getByRole('treeitem').first().getAttribute('aria-label')) ?? '';
        check(top.startsWith('Revision h7exports (head)'), 'one head left, on top', top);
      },
    },
    {
      title: 'the same graph in the dark theme',
      shot: '10-revision-graph-dark',
      async run({ page }) {
        await runCommand(page, 'View: Single Column Editor Layout'); // the graph alone, as wide as the light picture
        await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
        await until(async () => page.locator('.monaco-workbench').getAttribute('class'), (c) => /\bvs-dark\b/.test(c ?? ''), 'the dark theme');
        await card(page, 'f5merge').click();
        await page.waitForTimeout(500);
      },
    },
  ];
}
