// `npm run test:alembic`: the Alembic suites twice, once against Debian's python3-alembic (1.8.1) and
// once against the newest Alembic `pip install alembic` gives (a venv under .test-artifacts/), each
// installed on first use. Each pass prints its own summary line naming the Alembic it ran; the last
// line totals both (`N passed, N failed`, as test/run-all reads it). A pass that printed no summary
// (a runner that ran nothing) counts as failed.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const FLAVOURS = (process.env.MC_ALEMBIC ? [process.env.MC_ALEMBIC] : ['debian', 'latest']);
const SUMMARY = /^(\d+) passed, (\d+) failed/;
const VERSION = /^Alembic under test: (\S+)/;

interface Pass { flavour: string; version: string; passed: number; failed: number; exitCode: number | null }

function runPass(flavour: string, extra: string[]): Promise<Pass> {
  const root = path.resolve(__dirname, '..', '..', '..');
  const args = [
    path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'),
    '--reporter', path.join(root, 'out', 'test', 'support', 'summary-reporter.js'), '--timeout', '120000',
    '--require', path.join(root, 'out', 'test', 'support', 'db-hooks.js'),
    '--require', path.join(root, 'out', 'test', 'alembic', 'announce.js'),
    ...(extra.length ? extra : [path.join(root, 'out', 'test', 'alembic', '*.test.js')]),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, MC_ALEMBIC: flavour }, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => { process.stdout.write(chunk); text += chunk.toString(); });
    child.on('close', (exitCode) => {
      const lines = text.split('\n').map((l) => l.trim());
      const summary = lines.map((l) => SUMMARY.exec(l)).filter(Boolean).pop();
      const version = lines.map((l) => VERSION.exec(l)).filter(Boolean).pop();
      const passed = summary ? Number(summary[1]) : 0;
      const failed = summary ? Number(summary[2]) : 1;
      resolve({ flavour, version: version ? version[1] : 'unknown', passed, failed: exitCode === 0 || failed > 0 ? failed : 1, exitCode });
    });
  });
}

async function main(): Promise<void> {
  const extra = process.argv.slice(2);
  const passes: Pass[] = [];
  for (const flavour of FLAVOURS) {
    console.log(`\n=== Alembic: ${flavour} ===`);
    passes.push(await runPass(flavour, extra));
  }
  console.log('');
  for (const p of passes) console.log(`Alembic ${p.version} (${p.flavour}): ${p.passed} passed, ${p.failed} failed${p.exitCode === 0 ? '' : ` (exit ${p.exitCode})`}`);
  const passed = passes.reduce((n, p) => n + p.passed, 0);
  const failed = passes.reduce((n, p) => n + p.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 && passes.every((p) => p.exitCode === 0) ? 0 : 1;
}

void main();
