import * as assert from 'assert';
import * as sinon from 'sinon';
import { CancelledError, MigrationChainError } from '../../../src/core/errors';
import { runAlembic } from '../../../src/extension/alembic';
import type { Log } from '../../../src/extension/log';

// A stand-in "alembic": node itself, printing its argv and the URL variable, then exiting with a code.
const SCRIPT = 'console.log(JSON.stringify({ argv: process.argv.slice(1), url: process.env.DATABASE_URL, cwd: process.cwd() })); process.exit(Number(process.argv.at(-1)) || 0)';

function fakeLog() {
  const lines: string[] = [];
  const log = { info: sinon.spy((l: string) => lines.push(l)), append: sinon.spy((l: string) => lines.push(l)) };
  return { log: log as unknown as Log, lines };
}

describe('extension Alembic runner', () => {
  it('runs argv without a shell in the folder, with the URL in the variable, streaming output', async () => {
    const { log, lines } = fakeLog();
    await runAlembic({ command: [process.execPath, '-e', SCRIPT], args: ['upgrade', 'head; echo pwned', '0'], cwd: '/tmp', env: { DATABASE_URL: 'postgresql://u@h/db' }, log });
    const printed = JSON.parse(lines.find((l) => l.startsWith('{'))!);
    assert.deepStrictEqual(printed.argv, ['upgrade', 'head; echo pwned', '0'], 'metacharacters reach the program as one literal argument');
    assert.strictEqual(printed.url, 'postgresql://u@h/db');
    assert.strictEqual(printed.cwd, '/tmp');
    assert.ok(lines.some((l) => l.startsWith('✔ ')), 'the step is logged with its duration');
  });

  it('turns a non-zero exit into an error that names the command', async () => {
    const { log } = fakeLog();
    await assert.rejects(
      runAlembic({ command: [process.execPath, '-e', SCRIPT], args: ['upgrade', '3'], cwd: '/tmp', env: {}, log }),
      (err: MigrationChainError) => err.code === 'sql' && /exit code 3/.test(err.message),
    );
  });

  it('says how to configure a missing command', async () => {
    const { log } = fakeLog();
    await assert.rejects(
      runAlembic({ command: ['/nonexistent/alembic'], args: ['upgrade', 'head'], cwd: '/tmp', env: {}, log }),
      (err: MigrationChainError) => err.code === 'usage' && /migrationChain\.alembic\.command/.test(err.hint ?? ''),
    );
  });

  it('stops the process on abort', async () => {
    const { log } = fakeLog();
    const controller = new AbortController();
    const running = runAlembic({ command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'], args: [], cwd: '/tmp', env: {}, log, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(running, (err) => err instanceof CancelledError);
  });
});
