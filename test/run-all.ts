// `npm test`: every suite in order, each in its own process, then the time split and one total line.
// A suite whose output has no `N passed, N failed` line counts as failed: a runner that silently ran
// nothing must not pass.
import { spawn } from 'node:child_process';

const SUITES = ['unit', 'db', 'reliability', 'extension', 'ui'] as const;
const SUMMARY = /^(\d+) passed, (\d+) failed/;

interface SuiteResult { name: string; passed: number; failed: number; seconds: number; exitCode: number | null }

function runSuite(name: string): Promise<SuiteResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', `test:${name}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let last: RegExpExecArray | null = null;
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) last = SUMMARY.exec(line.trim()) ?? last;
    });
    child.on('close', (exitCode) => {
      last = SUMMARY.exec(pending.trim()) ?? last;
      const passed = last ? Number(last[1]) : 0;
      const failed = last ? Number(last[2]) : 1;
      resolve({ name, passed, failed: exitCode === 0 || failed > 0 ? failed : 1, seconds: (Date.now() - started) / 1000, exitCode });
    });
  });
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const results: SuiteResult[] = [];
  for (const name of SUITES) {
    if (only.length && !only.includes(name)) continue;
    console.log(`\n=== ${name} ===`);
    results.push(await runSuite(name));
  }
  console.log('\nsuite         passed  failed   time');
  for (const r of results) {
    console.log(`${r.name.padEnd(12)} ${String(r.passed).padStart(7)} ${String(r.failed).padStart(7)} ${r.seconds.toFixed(1).padStart(6)} s${r.exitCode === 0 ? '' : `  (exit ${r.exitCode})`}`);
  }
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 && results.every((r) => r.exitCode === 0) ? 0 : 1;
}

void main();
