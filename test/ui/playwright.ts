// playwright-core lives in the harness folder (.vscode-host, installed by test/host/setup.sh under
// Node 24), not in this project's node_modules, so its types are not available to tsc. These are
// the few parts of its API the UI tests use, as documented at playwright.dev/docs/api.
import { host } from './code-server';

export type AriaRole = 'button' | 'dialog' | 'menu' | 'tab' | 'treeitem' | 'tree' | 'option' | 'listbox' | 'combobox' | 'textbox' | 'alert'
  | 'link' | 'menuitem' | 'row' | 'status' | 'region' | 'toolbar' | 'heading' | 'checkbox' | 'main' | 'tabpanel' | 'banner' | 'document'
  | 'table' | 'cell' | 'columnheader' | 'rowheader';

export interface RoleOptions {
  name?: string | RegExp;
  exact?: boolean;
  includeHidden?: boolean;
}

export interface WaitOptions {
  state?: 'attached' | 'detached' | 'visible' | 'hidden';
  timeout?: number;
}

export interface Locator {
  first(): Locator;
  or(other: Locator): Locator;
  and(other: Locator): Locator;
  last(): Locator;
  nth(index: number): Locator;
  locator(selector: string, options?: { hasText?: string | RegExp }): Locator;
  filter(options: { hasText?: string | RegExp; hasNotText?: string | RegExp; has?: Locator }): Locator;
  getByRole(role: AriaRole, options?: RoleOptions): Locator;
  getByText(text: string | RegExp, options?: { exact?: boolean }): Locator;
  getByLabel(text: string | RegExp, options?: { exact?: boolean }): Locator;
  waitFor(options?: WaitOptions): Promise<void>;
  click(options?: { timeout?: number; button?: 'left' | 'right'; force?: boolean }): Promise<void>;
  dblclick(options?: { timeout?: number }): Promise<void>;
  focus(options?: { timeout?: number }): Promise<void>;
  hover(options?: { timeout?: number }): Promise<void>;
  fill(value: string, options?: { timeout?: number }): Promise<void>;
  press(key: string, options?: { timeout?: number }): Promise<void>;
  innerText(options?: { timeout?: number }): Promise<string>;
  textContent(options?: { timeout?: number }): Promise<string | null>;
  allInnerTexts(): Promise<string[]>;
  getAttribute(name: string, options?: { timeout?: number }): Promise<string | null>;
  count(): Promise<number>;
  isVisible(): Promise<boolean>;
  screenshot(options?: { path?: string; timeout?: number }): Promise<Buffer>;
  boundingBox(options?: { timeout?: number }): Promise<{ x: number; y: number; width: number; height: number } | null>;
  ariaSnapshot(options?: { timeout?: number }): Promise<string>;
}

/** An iframe's content (a webview is an iframe in an iframe). */
export interface FrameLocator {
  frameLocator(selector: string): FrameLocator;
  locator(selector: string): Locator;
  getByRole(role: AriaRole, options?: RoleOptions): Locator;
  getByText(text: string | RegExp, options?: { exact?: boolean }): Locator;
}

export interface Mouse {
  move(x: number, y: number, options?: { steps?: number }): Promise<void>;
  down(): Promise<void>;
  up(): Promise<void>;
}

export interface Keyboard {
  press(key: string): Promise<void>;
  type(text: string, options?: { delay?: number }): Promise<void>;
  insertText(text: string): Promise<void>;
}

export interface ConsoleMessage {
  type(): string;
  text(): string;
}

export interface Page {
  goto(url: string, options?: { timeout?: number; waitUntil?: 'load' | 'domcontentloaded' | 'networkidle' | 'commit' }): Promise<unknown>;
  locator(selector: string, options?: { hasText?: string | RegExp }): Locator;
  getByRole(role: AriaRole, options?: RoleOptions): Locator;
  getByText(text: string | RegExp, options?: { exact?: boolean }): Locator;
  getByLabel(text: string | RegExp, options?: { exact?: boolean }): Locator;
  frameLocator(selector: string): FrameLocator;
  keyboard: Keyboard;
  mouse: Mouse;
  screenshot(options?: { path?: string; fullPage?: boolean; timeout?: number }): Promise<Buffer>;
  waitForTimeout(ms: number): Promise<void>;
  on(event: 'pageerror', handler: (e: Error) => void): void;
  on(event: 'console', handler: (m: ConsoleMessage) => void): void;
  close(): Promise<void>;
}

export interface BrowserContext {
  newPage(): Promise<Page>;
  grantPermissions(permissions: string[], options?: { origin?: string }): Promise<void>;
  close(): Promise<void>;
}

export interface Browser {
  newContext(options?: { viewport?: { width: number; height: number }; deviceScaleFactor?: number }): Promise<BrowserContext>;
  close(): Promise<void>;
}

interface Chromium {
  launch(options: { executablePath: string; headless: boolean; args?: string[]; env?: NodeJS.ProcessEnv; timeout?: number }): Promise<Browser>;
}

/** Headless Debian Chromium, its profile and caches under `scratch` (never in ~ or /tmp). */
export async function launchChromium(scratch: string): Promise<Browser> {
  const { chromium } = require(host.PLAYWRIGHT_CORE) as { chromium: Chromium };
  return chromium.launch({
    executablePath: host.CHROME,
    headless: true,
    timeout: 120_000,
    env: { ...process.env, XDG_CONFIG_HOME: scratch, XDG_CACHE_HOME: scratch, XDG_DATA_HOME: scratch, TMPDIR: scratch },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
