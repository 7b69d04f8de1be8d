// `npm run demo -- --check`: what a newcomer sees after `npm install && npm run demo`, checked without
// a person. Opens the demo's workbench URL in headless Chromium, opens the Migration Chain view from
// the activity bar and waits until the sample project's four revisions are listed under its folder.
// Throws an error naming what was expected on screen and what was there.
import * as fs from 'fs';
import * as path from 'path';
import { launchChromium } from '../ui/playwright';
import { SEED_HEADS_FIRST } from '../ui/steps';
import { see, until } from '../ui/workbench';

/** Each revision row of `folder`'s chain, by the aria-labels the tree gives its items. */
async function revisionRows(labels: string[], folder: string): Promise<string[]> {
  const start = labels.findIndex((l) => l.startsWith(`${folder} `));
  if (start < 0) return [];
  return labels.slice(start + 1).filter((l) => SEED_HEADS_FIRST.some((rev) => l.includes(rev)));
}

export async function checkWorkbench(url: string, folder: string, scratch: string): Promise<string[]> {
  fs.mkdirSync(scratch, { recursive: true });
  const browser = await launchChromium(scratch);
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(url, { timeout: 120_000, waitUntil: 'domcontentloaded' });
    const tab = await see(page.getByRole('tab', { name: /^Migration Chain/ }), 'the workbench with the Migration Chain activity-bar icon', 180_000);
    if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
    const tree = await see(page.getByRole('tree', { name: 'Revisions' }), 'the Migration Chain "Revisions" view');
    const rows = await until(async () => {
      const items = tree.getByRole('treeitem');
      const labels: string[] = [];
      for (let i = 0; i < await items.count(); i++) labels.push((await items.nth(i).getAttribute('aria-label')) ?? '');
      return revisionRows(labels, folder);
    }, (r) => SEED_HEADS_FIRST.every((rev) => r.some((l) => l.includes(rev))),
    `the sample chain (${SEED_HEADS_FIRST.join(', ')}) under "${folder}" in the Revisions view`, 120_000);
    await page.screenshot({ path: path.join(scratch, 'demo-check.png') });
    return rows;
  } finally {
    await browser.close();
  }
}
