// The extensionTestsPath module: VS Code's extension host (desktop, or code-server through
// test/host/) loads it after the extension under test and awaits run(). It runs every
// out/test/extension/suite/**/*.test.js with mocha, prints `N passed, N failed`, and writes
// `{ passed, failed, failures }` to $MC_TEST_RESULT_FILE when the harness asks for it (the host's own
// exit code cannot say how many tests ran). Rejecting makes the host exit non-zero.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export interface SuiteResult {
  passed: number;
  failed: number;
  failures: string[];
}

/**
 * Suites that need a workspace of their own live in a subfolder named after it (alembic-root/: the
 * example repository root); MC_TEST_SUITE names the one to run, else the fixture workspace's files run.
 */
export function findTestFiles(dir: string, suite = process.env.MC_TEST_SUITE): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.js'))
    .filter((f) => (suite ? f.startsWith(`${suite}${path.sep}`) : !f.includes(path.sep)))
    .map((f) => path.join(dir, f))
    .sort();
}

function writeResult(result: SuiteResult): void {
  const file = process.env.MC_TEST_RESULT_FILE;
  if (file) fs.writeFileSync(file, JSON.stringify(result, null, 2));
  // The runner adds up its passes (each workspace is a host run of its own) from this tally.
  const tally = process.env.MC_TEST_TALLY_FILE;
  if (tally) fs.appendFileSync(tally, `${JSON.stringify({ passed: result.passed, failed: result.failed })}\n`);
  console.log(`${result.passed} passed, ${result.failed} failed`);
}

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,                 // the output passes through the workbench console
    timeout: 60_000,              // a test may migrate a real database
    grep: process.env.MC_TEST_GREP,
  });
  const failures: string[] = [];
  let stats = { passes: 0, failures: 0 };
  try {
    const files = findTestFiles(__dirname);
    if (files.length === 0) throw new Error(`no *.test.js files under ${__dirname}: was the suite compiled (npm run compile)?`);
    files.forEach((f) => mocha.addFile(f));
    await mocha.loadFilesAsync();
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('fail', (test, err: Error) => failures.push(`${test.fullTitle()}: ${err?.message ?? String(err)}`));
      runner.on('end', () => { stats = { passes: runner.stats?.passes ?? 0, failures: runner.stats?.failures ?? 0 }; });
    });
  } catch (err) {
    // A suite that cannot load must fail loudly, not look like an empty pass.
    const message = err instanceof Error ? err.stack ?? err.message : String(err);
    console.error(`extension test suite failed to run: ${message}`);
    writeResult({ passed: stats.passes, failed: stats.failures + 1, failures: [...failures, message] });
    throw err;
  }
  writeResult({ passed: stats.passes, failed: stats.failures, failures });
  if (stats.failures > 0) throw new Error(`${stats.failures} extension test(s) failed`);
  if (stats.passes === 0) throw new Error('no extension test ran (MC_TEST_GREP too narrow?)');
}
