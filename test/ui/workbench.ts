// What a person does in the workbench, by accessible names and visible text: open a view from the
// activity bar, run a command from the palette, open a file with Quick Open, read the output
// channel, answer a modal. A wait that runs out throws an error naming what was expected on screen.
import type { Locator, Page } from './playwright';

/** Generous: the machine this runs on is 2 cores shared with other work. */
export const SEE_TIMEOUT_MS = Number(process.env.MC_UI_TIMEOUT_MS || 45_000);

export class ExpectationError extends Error {}

/** Waits until `locator` is visible; otherwise fails with "expected to see <what>". */
export async function see(locator: Locator, what: string, timeout = SEE_TIMEOUT_MS): Promise<Locator> {
  const first = locator.first();
  try {
    await first.waitFor({ state: 'visible', timeout });
  } catch {
    throw new ExpectationError(`expected to see ${what} (waited ${Math.round(timeout / 1000)} s)`);
  }
  return first;
}

/** Waits until `locator` is gone; otherwise fails with "expected <what> to disappear". */
export async function gone(locator: Locator, what: string, timeout = SEE_TIMEOUT_MS): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'hidden', timeout });
  } catch {
    throw new ExpectationError(`expected ${what} to disappear (waited ${Math.round(timeout / 1000)} s)`);
  }
}

/** Polls `read` until `ok` holds; fails naming what was expected and what was last seen. */
export async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeout = SEE_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: T | undefined;
  let error: unknown;
  for (;;) {
    try {
      last = await read();
      error = undefined;
      if (ok(last)) return last;
    } catch (err) {
      error = err;
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const seen = error ? `error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` : JSON.stringify(last);
  throw new ExpectationError(`expected to see ${what} (waited ${Math.round(timeout / 1000)} s); last seen: ${seen}`);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The Quick Input box (command palette, Quick Open, quick picks) takes the focus when it opens. */
export function quickInput(page: Page): Locator {
  return page.getByRole('textbox').and(page.locator(':focus'));
}

async function pickFromQuickInput(page: Page, open: () => Promise<void>, query: string, option: RegExp, what: string): Promise<void> {
  await open();
  const box = await see(quickInput(page), 'the Quick Input box');
  await box.fill(query);
  const row = await see(page.getByRole('option', { name: option }), what);
  await row.click();
}

/** F1, type the command's title, choose it. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await pickFromQuickInput(page, () => page.keyboard.press('F1'), `>${title}`,
    new RegExp(`^${escapeRegExp(title)}`), `"${title}" in the command palette`);
}

/** Ctrl+P, type the file name, open it. */
export async function quickOpen(page: Page, fileName: string): Promise<void> {
  await pickFromQuickInput(page, () => page.keyboard.press('Control+P'), fileName,
    new RegExp(escapeRegExp(fileName)), `${fileName} in Quick Open`);
  await see(page.getByRole('tab', { name: new RegExp(escapeRegExp(fileName)) }), `an editor tab for ${fileName}`);
}

/** A modal dialog (showWarningMessage with modal: true) whose text matches. */
export function dialog(page: Page, text: RegExp): Locator {
  return page.getByRole('dialog').filter({ hasText: text });
}

/** A notification toast whose text matches. */
export function notification(page: Page, text: RegExp): Locator {
  return page.getByRole('dialog', { name: text }).or(page.getByRole('alert').filter({ hasText: text }));
}
