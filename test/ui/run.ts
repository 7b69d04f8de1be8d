// `npm run test:ui`: the extension as a person sees it. Builds the .vsix (`npm run package`),
// installs it into a throwaway code-server with `--install-extension`, starts a real PostgreSQL,
// writes a multi-root workspace (the sample project with a .env, and a folder with a broken chain)
// and drives the workbench in headless Chromium through the steps of issue 4 (test/ui/steps.ts).
// Every step saves a screenshot in .test-artifacts/ui/; a failing one saves `<shot>-FAILED.png` and
// the page's accessibility tree next to it, and says what it expected to see.
// Env: MC_UI_DEBUG=1 keeps the scratch folder and prints browser errors; MC_UI_TIMEOUT_MS (default
// 45000) is how long each expectation waits; MC_UI_VSIX=<file> skips the build and uses that package;
// MC_UI_ONLY=graph runs only the revision graph's workbench (issue 24); MC_UI_ONLY=authoring only the
// workbench of New Revision from Database and the phantom notice (issue 23).
import * as fs from 'fs';
import * as path from 'path';
import { startPostgres } from '../support/embedded-postgres';
import { startCodeServer, type CodeServer } from './code-server';
import { launchChromium, type Browser, type Page } from './playwright';
import { alembicPython } from '../support/alembic';
import { alembicRootSteps, writeAlembicRoot } from './alembic-root';
import { authoringSteps, writeAuthoringProject } from './authoring-steps';
import { writeBrokenProject, writeCodeWorkspace, writeSampleProject } from './sample-project';
import { createMarkerTable, trustedSteps, untrustedSteps, type Fixture, type Step } from './steps';
import { buildVsix } from './vsix';
import { graphSteps, writeGraphProject } from './graph-steps';
import { see } from './workbench';

const REPO = path.resolve(__dirname, '..', '..', '..');
export const UI_ARTIFACTS = path.join(REPO, '.test-artifacts', 'ui');
const DEBUG = process.env.MC_UI_DEBUG === '1';
const VIEWPORT = { width: 1440, height: 900 };
const ONLY = process.env.MC_UI_ONLY;

const started = Date.now();
const timings: [string, number][] = [];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
function log(message: string): void {
  console.log(`[test:ui ${seconds(Date.now() - started).padStart(7)}] ${message}`);
}
async function timed<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const t = Date.now();
  try {
    return await fn();
  } finally {
    timings.push([label, Date.now() - t]);
  }
}

interface Result {
  title: string;
  ok: boolean;
  ms: number;
  error?: string;
}

async function openWorkbench(page: Page, server: CodeServer, target: string): Promise<void> {
  await page.goto(server.urlFor(target), { timeout: 120_000, waitUntil: 'domcontentloaded' });
  await see(page.getByRole('tab', { name: /^Migration Chain/ }), 'the workbench with the Migration Chain activity-bar icon', 180_000);
  await widenSideBar(page);
}

/** Cosmetic, for readable screenshots: drag the side bar's edge to the right. */
async function widenSideBar(page: Page): Promise<void> {
  try {
    const box = await page.locator('.part.sidebar').boundingBox({ timeout: 5000 });
    if (!box) return;
    const x = box.x + box.width + 1;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + 220, y, { steps: 5 });
    await page.mouse.up();
  } catch {
    // the default width only truncates labels on screen; the checks read accessible names
  }
}

async function runSteps(page: Page, steps: Step[], results: Result[]): Promise<void> {
  for (const step of steps) {
    const t = Date.now();
    const n = results.length + 1;
    const shoot = async (name: string) => {
      // No hover tooltip over what the picture shows: rest the pointer on the activity bar's empty middle.
      await page.mouse.move(24, Math.round(VIEWPORT.height * 0.66));
      await page.waitForTimeout(400); // let toasts and lenses finish their animation
      await page.screenshot({ path: path.join(UI_ARTIFACTS, `${name}.png`) });
      if (DEBUG) fs.writeFileSync(path.join(UI_ARTIFACTS, `${name}.aria.txt`), await page.locator('body').ariaSnapshot());
    };
    try {
      await step.run({ page, shoot });
      await shoot(step.shot);
      results.push({ title: step.title, ok: true, ms: Date.now() - t });
      log(`✓ ${n}. ${step.title} (${seconds(Date.now() - t)}) → ${step.shot}.png`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const failedShot = `${step.shot}-FAILED`;
      await shoot(failedShot).catch(() => undefined);
      const aria = await page.locator('body').ariaSnapshot({ timeout: 10_000 }).catch((e: unknown) => `(no accessibility tree: ${String(e)})`);
      fs.writeFileSync(path.join(UI_ARTIFACTS, `${failedShot}.aria.txt`), aria);
      results.push({ title: step.title, ok: false, ms: Date.now() - t, error: message });
      log(`✗ ${n}. ${step.title} (${seconds(Date.now() - t)})\n      ${message.split('\n')[0]}\n      see ${path.relative(REPO, path.join(UI_ARTIFACTS, failedShot))}.png and .aria.txt`);
      if (DEBUG && err instanceof Error && err.stack) console.log(err.stack);
    }
  }
}

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  if (DEBUG) {
    page.on('pageerror', (e) => console.log(`[browser pageerror] ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') console.log(`[browser console] ${m.text().slice(0, 300)}`); });
  }
  return page;
}

/**
 * Like Promise.all, but waits for every start to settle before failing, so that each thing that did
 * start has registered its clean-up by the time the run stops.
 */
async function allStarted<T extends readonly unknown[]>(starts: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(starts);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

function prepareArtifacts(): void {
  fs.mkdirSync(UI_ARTIFACTS, { recursive: true });
  for (const f of fs.readdirSync(UI_ARTIFACTS)) {
    if (/\.(png|aria\.txt)$/.test(f)) fs.rmSync(path.join(UI_ARTIFACTS, f));
  }
}

async function main(): Promise<number> {
  prepareArtifacts();
  const results: Result[] = [];
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await Promise.resolve().then(fn).catch((e: unknown) => console.error('[test:ui] clean-up:', e));
    cleanups.length = 0;
  };
  let interrupted = false;
  const onSignal = (sig: string) => {
    if (interrupted) return; // npm forwards the terminal's Ctrl-C again: finish the clean-up already running
    interrupted = true;
    log(`${sig}: stopping`);
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const scratch = fs.mkdtempSync(path.join(UI_ARTIFACTS, 'run-'));
    cleanups.push(() => { if (!DEBUG) fs.rmSync(scratch, { recursive: true, force: true }); else log(`kept ${scratch}`); });

    // Independent set-up runs side by side: packaging, PostgreSQL, the browser.
    const building = process.env.MC_UI_VSIX
      ? Promise.resolve(path.resolve(process.env.MC_UI_VSIX))
      : timed('build .vsix (npm run package)', () => buildVsix(UI_ARTIFACTS));
    const pgStarting = timed('start PostgreSQL', () => startPostgres());
    pgStarting.then((pg) => cleanups.push(() => pg.stop()), () => undefined);
    const browserStarting = timed('launch Chromium', () => launchChromium(path.join(scratch, 'chromium')));
    browserStarting.then((b) => cleanups.push(() => b.close()), () => undefined);
    const [vsix, pg, browser] = await allStarted([building, pgStarting, browserStarting] as const);
    log(`package: ${path.relative(REPO, vsix)}`);

    const [trustedUrl, untrustedUrl] = [await pg.createDatabase('ui'), await pg.createDatabase('ui_untrusted')];
    await createMarkerTable(trustedUrl);
    await createMarkerTable(untrustedUrl);
    const broken = writeBrokenProject(path.join(scratch, 'broken'));
    const sample = writeSampleProject(path.join(scratch, 'sample'), trustedUrl);
    const fixture = (url: string): Fixture => ({
      databaseUrl: url, database: decodeURIComponent(new URL(url).pathname.slice(1)), password: pg.password, broken, sampleDir: sample,
    });
    const workspaceFile = writeCodeWorkspace(path.join(scratch, 'migration-chain-ui.code-workspace'), [sample, broken.dir]);
    const untrustedFolder = writeSampleProject(path.join(scratch, 'untrusted', 'sample'), untrustedUrl);

    const runsDir = path.join(scratch, 'servers');
    const settings = { 'workbench.secondarySideBar.defaultVisibility': 'hidden', 'workbench.layoutControl.enabled': false };
    const starting = (label: string, workspaceTrust: boolean) => {
      const p = timed(label, () => startCodeServer({ vsix, runsDir, workspaceTrust, settings }));
      p.then((s) => cleanups.push(() => s.stop()), () => undefined);
      return p;
    };
    if (!ONLY) {
      const [server, second] = await allStarted([
        starting('start code-server (trust off) + install .vsix', false),
        starting('start code-server (trust on) + install .vsix', true),
      ] as const);

      // Both workbenches load at once (much of a load is waiting on the server); the untrusted one
      // then waits, untouched, until its step.
      const [page, page2] = [await newPage(browser), await newPage(browser)];
      const loading = timed('open workbench (trusted)', () => openWorkbench(page, server, workspaceFile));
      const loading2 = timed('open workbench (untrusted)', () => openWorkbench(page2, second, untrustedFolder));
      loading2.catch(() => undefined); // reported below, in order
      try {
        await loading;
        await timed('steps 1-6 (trusted workbench)', () => runSteps(page, trustedSteps(fixture(trustedUrl)), results));
      } catch (err) {
        await page.screenshot({ path: path.join(UI_ARTIFACTS, '00-workbench-FAILED.png') }).catch(() => undefined);
        results.push({ title: 'open the workbench with the installed extension', ok: false, ms: 0, error: String(err) });
        log(`✗ could not open the workbench: ${err instanceof Error ? err.message : String(err)}\n${server.log().slice(-3000)}`);
      }
      try {
        await loading2;
        await timed('step 7 (untrusted workbench)', () => runSteps(page2, untrustedSteps(fixture(untrustedUrl)), results));
      } catch (err) {
        await page2.screenshot({ path: path.join(UI_ARTIFACTS, '00-untrusted-workbench-FAILED.png') }).catch(() => undefined);
        results.push({ title: 'open the untrusted workbench', ok: false, ms: 0, error: String(err) });
        log(`✗ could not open the untrusted workbench: ${err instanceof Error ? err.message : String(err)}\n${second.log().slice(-3000)}`);
      }

      // Issue 11: the Alembic example opened at its repository root, in a third workbench started only
      // now (two cores: the first two have finished loading), with the python3 that has real Alembic.
      try {
        const alembicUrl = await pg.createDatabase('ui_alembic');
        const root = await writeAlembicRoot(path.join(scratch, 'alembic-backend'), alembicUrl);
        const third = await timed('start code-server (Alembic example) + install .vsix', () => startCodeServer({
          vsix, runsDir, workspaceTrust: false, settings: { ...settings, 'migrationChain.alembic.command': `${alembicPython()} -m alembic` },
        }));
        cleanups.push(() => third.stop());
        const page3 = await newPage(browser);
        await timed('open workbench (Alembic example root)', () => openWorkbench(page3, third, root));
        await timed('step 9 (Alembic example root)', () => runSteps(page3, alembicRootSteps(fixture(alembicUrl)), results));
      } catch (err) {
        results.push({ title: 'open the Alembic example\'s repository root', ok: false, ms: 0, error: String(err) });
        log(`✗ could not open the Alembic example: ${err instanceof Error ? err.message : String(err)}`);
      }
    }

    // Issue 24: the revision graph, in a workbench of its own (light theme first, then dark).
    if (!ONLY || ONLY === 'graph') try {
      const graphUrl = await pg.createDatabase('ui_graph');
      const graphDir = writeGraphProject(path.join(scratch, 'graph-project'), graphUrl);
      const fourth = await timed('start code-server (revision graph) + install .vsix', () => startCodeServer({
        vsix, runsDir, workspaceTrust: false, settings: { ...settings, 'workbench.colorTheme': 'Light Modern' },
      }));
      cleanups.push(() => fourth.stop());
      const page4 = await newPage(browser);
      await timed('open workbench (revision graph)', () => openWorkbench(page4, fourth, graphDir));
      await timed('step 10 (revision graph)', () => runSteps(page4, graphSteps(graphDir, graphUrl), results));
    } catch (err) {
      results.push({ title: 'open the revision graph\'s workbench', ok: false, ms: 0, error: String(err) });
      log(`✗ could not open the revision graph's workbench: ${err instanceof Error ? err.message : String(err)}`);
    }

    // Issue 23: New Revision from Database and the phantom notice, a git repository of its own.
    if (!ONLY || ONLY === 'authoring') try {
      const authoringUrl = await pg.createDatabase('ui_authoring');
      const authoringDir = writeAuthoringProject(path.join(scratch, 'authoring-project'), authoringUrl);
      const fifth = await timed('start code-server (authoring) + install .vsix', () => startCodeServer({ vsix, runsDir, workspaceTrust: false, settings }));
      cleanups.push(() => fifth.stop());
      const page5 = await newPage(browser);
      await timed('open workbench (authoring)', () => openWorkbench(page5, fifth, authoringDir));
      await timed('steps 11-13 (authoring)', () => runSteps(page5, authoringSteps(authoringDir, authoringUrl), results));
    } catch (err) {
      results.push({ title: 'open the authoring workbench', ok: false, ms: 0, error: String(err) });
      log(`✗ could not open the authoring workbench: ${err instanceof Error ? err.message : String(err)}`);
    }
  } catch (err) {
    results.push({ title: 'set up the UI test run', ok: false, ms: 0, error: err instanceof Error ? err.stack ?? err.message : String(err) });
    console.error('[test:ui] set-up failed:', err);
  } finally {
    await timed('clean up', cleanup);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }

  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`\n[test:ui] timings: ${timings.map(([k, ms]) => `${k} ${seconds(ms)}`).join('; ')}; total ${seconds(Date.now() - started)}`);
  for (const r of results.filter((x) => !x.ok)) console.log(`  failed: ${r.title}\n          ${r.error?.split('\n')[0]}`);
  console.log(`[test:ui] screenshots in ${path.relative(REPO, UI_ARTIFACTS)}/`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
  console.error('[test:ui] could not run the UI tests:', err);
  process.exit(1);
});
