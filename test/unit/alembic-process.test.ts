// The Alembic child process (core/alembic/run/process.ts + supervisor.ts) with stand-in programs: argv
// without a shell, cwd and env, redaction, exit codes, a missing command, and cancel = SIGINT, then
// SIGTERM, then SIGKILL, for the child's whole process group; with the Perl supervisor (the default
// where Perl exists) and the Node one (Windows, or no Perl) alike.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAlembicProcess } from '../../src/core/alembic/run/process';
import { CancelledError, MigrationChainError } from '../../src/core/errors';

const node = process.execPath;
const PRINT = 'console.log(JSON.stringify({ argv: process.argv.slice(1), url: process.env.DATABASE_URL, cwd: process.cwd() })); process.exit(Number(process.argv.at(-1)) || 0)';

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

for (const supervisor of ['perl', 'node'] as const) describe(`Alembic child process (${supervisor} supervisor)`, function () {
  const run = (o: Parameters<typeof runAlembicProcess>[0]) => runAlembicProcess({ ...o, supervisor });
  this.timeout(30_000);

  it('runs argv without a shell in the folder, with the URL in the variable, streaming redacted lines', async () => {
    const lines: string[] = [];
    const tmp = fs.realpathSync(os.tmpdir());
    const r = await run({
      argv: [node, '-e', `${PRINT}; `, 'upgrade', 'head; echo pwned', '0'], cwd: tmp,
      env: { DATABASE_URL: 'postgresql://u:s3cret-pw@h/db' }, secrets: ['s3cret-pw'], onLine: (l) => lines.push(l),
    });
    const printed = JSON.parse(lines.find((l) => l.startsWith('{'))!) as { argv: string[]; url: string; cwd: string };
    assert.deepEqual(printed.argv, ['upgrade', 'head; echo pwned', '0'], 'metacharacters reach the program as one literal argument');
    assert.equal(printed.url, 'postgresql://u:****@h/db', 'the password is redacted in the streamed line');
    assert.equal(printed.cwd, tmp);
    assert.ok(!r.stdout.includes('s3cret-pw'));
  });

  it('with a gate, the program starts only once the gate opens; a refused gate never starts it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-gate-'));
    const marker = path.join(dir, 'started');
    const argv = [node, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, String(Date.now()))`];
    let open!: () => void;
    let opened = 0;
    const gate = new Promise<void>((resolve) => { open = () => { opened = Date.now(); resolve(); }; });
    const running = run({ argv, cwd: dir, env: {}, secrets: [], gate });
    await new Promise((r) => setTimeout(r, 700));
    assert.ok(!fs.existsSync(marker), 'nothing ran before the gate opened');
    open();
    await running;
    assert.ok(Number(fs.readFileSync(marker, 'utf8')) >= opened, 'it ran after the gate opened');

    fs.rmSync(marker);
    const refused = new MigrationChainError('lock-timeout', 'the lock is held');
    let supervisor = 0;
    await assert.rejects(run({ argv, cwd: dir, env: {}, secrets: [], gate: Promise.reject(refused), onStart: (pid) => { supervisor = pid; } }),
      (err) => err === refused);
    assert.ok(!fs.existsSync(marker), 'a refused gate never starts the program');
    assert.ok(supervisor > 0 && !alive(supervisor), 'and the supervisor is gone');
  });

  it('with an early command, it starts at once, gets its line only when the gate opens, and a refused gate kills it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-early-'));
    const prepared = path.join(dir, 'prepared');
    const ran = path.join(dir, 'ran');
    // Stands in for python-launch.ts: prepares, then waits for one line (EOF = refused) before its work.
    const early = [node, '-e', `const fs = require('fs'); fs.writeFileSync(process.argv[1], String(process.pid));
      let got = ''; process.stdin.on('data', (c) => { got += c; }); process.stdin.on('end', () => {
        if (!got.includes('\\n')) process.exit(143); fs.writeFileSync(process.argv[2], String(Date.now())); console.log('ran'); });`, prepared, ran];
    let open!: () => void;
    let opened = 0;
    const gate = new Promise<void>((resolve) => { open = () => { opened = Date.now(); resolve(); }; });
    const running = run({ argv: ['shown', 'command'], early, cwd: dir, env: {}, secrets: [], gate });
    for (let i = 0; i < 100 && !fs.existsSync(prepared); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(fs.existsSync(prepared), 'the early command started before the gate opened');
    assert.ok(!fs.existsSync(ran), 'but did its work only after');
    open();
    const r = await running;
    assert.ok(Number(fs.readFileSync(ran, 'utf8')) >= opened, 'it went on once the gate opened');
    assert.match(r.stdout, /^ran$/m);

    fs.rmSync(prepared);
    fs.rmSync(ran);
    let refuse!: (err: unknown) => void;
    const refusedGate = new Promise<void>((_, reject) => { refuse = reject; });
    let supervisor = 0;
    const refusedRun = run({ argv: ['shown'], early, cwd: dir, env: {}, secrets: [], gate: refusedGate, onStart: (pid) => { supervisor = pid; } });
    for (let i = 0; i < 100 && !fs.existsSync(prepared); i++) await new Promise((r) => setTimeout(r, 50));
    const child = Number(fs.readFileSync(prepared, 'utf8'));
    assert.ok(alive(child), 'the early command is running');
    const refused = new MigrationChainError('lock-timeout', 'the lock is held');
    refuse(refused);
    await assert.rejects(refusedRun, (err) => err === refused);
    for (let i = 0; i < 40 && alive(child); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(!alive(child), 'a refused gate stops the early command');
    assert.ok(!fs.existsSync(ran), 'before it did its work');
    assert.ok(supervisor > 0 && !alive(supervisor), 'and the supervisor is gone');
  });

  it('a non-zero exit is an error naming the command, with the tail of the output', async () => {
    await assert.rejects(run({ argv: [node, '-e', 'console.error("Traceback: boom"); process.exit(3)'], cwd: '/', env: {}, secrets: [] }),
      (err: MigrationChainError) => err.code === 'sql' && /exit code 3/.test(err.message) && /Traceback: boom/.test(err.message));
  });

  it('a missing command is a usage error saying how to configure one', async () => {
    await assert.rejects(run({ argv: ['/nonexistent/alembic', 'heads'], cwd: '/', env: {}, secrets: [] }),
      (err: MigrationChainError) => err.code === 'usage' && /not found: \/nonexistent\/alembic/.test(err.message) && /--alembic-command/.test(err.hint ?? ''));
  });

  it('cancel sends SIGINT first (Alembic rolls back on KeyboardInterrupt)', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const running = run({
      argv: [node, '-e', 'process.on("SIGINT", () => { console.log("got SIGINT"); process.exit(130); }); console.log("ready"); setInterval(() => {}, 1000)'],
      cwd: '/', env: {}, secrets: [], signal: controller.signal, graceMs: 5000,
      onLine: (l) => { lines.push(l); if (l === 'ready') controller.abort(); },
    });
    await assert.rejects(running, (err) => err instanceof CancelledError);
    assert.ok(lines.includes('got SIGINT'), lines.join('\n'));
  });

  it('a child that ignores SIGINT gets SIGTERM after the grace period, and its grandchildren go with it', async () => {
    const controller = new AbortController();
    const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mc-proc-')), 'grandchild');
    const script = [
      'const { spawn } = require("node:child_process");',
      `const g = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });`,
      `require("node:fs").writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));`,
      'process.on("SIGINT", () => console.log("ignoring SIGINT"));',
      'console.log("ready"); setInterval(() => {}, 1000);',
    ].join('\n');
    const started = Date.now();
    const running = run({
      argv: [node, '-e', script], cwd: '/', env: {}, secrets: [], signal: controller.signal, graceMs: 300,
      onLine: (l) => { if (l === 'ready') controller.abort(); },
    });
    await assert.rejects(running, (err) => err instanceof CancelledError);
    assert.ok(Date.now() - started < 10_000);
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    const deadline = Date.now() + 5000;
    while (alive(grandchild) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(grandchild), false, 'the grandchild was stopped with the process group');
  });
});
