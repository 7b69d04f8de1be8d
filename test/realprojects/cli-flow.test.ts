// The CLI on three public Alembic projects as they are (test/fixtures/realprojects/, see projects.ts),
// each with Debian's Alembic 1.8.1 and pip's newest Alembic in the project's own venv, against the
// test PostgreSQL server. What a new user does: history and heads (compared with the venv's real
// Alembic), then upgrade, downgrade -1, reset, the stairway test, lint and verify --drift, the
// database state checked after each step. Issue 20's rule is checked on the projects whose env.py
// takes its URL from its own settings: with DATABASE_URL naming one database and env.py reaching
// another, every run that needs env.py refuses before changing anything, names the database env.py
// reached, and leaves both databases exactly as they were (fingerprint.ts); with the project's fix
// to env.py (read DATABASE_URL), everything works. Every step's result and time goes into
// .test-artifacts/realprojects/report.json and the table printed at the end.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freshDatabaseUrl } from '../support/db-hooks';
import { cli as checkedCli, query } from '../support/cli-checks';
import { fingerprint } from '../support/fingerprint';
import { describeRun, type CliOptions, type CliResult } from '../reliability/support/cli';
import { FLAVOURS, PROJECTS, withDriver, type AlembicFlavour, type RealProject } from './projects';
import { ARTIFACTS, debianAlembicVersion, ensureAptPackages, prepareWorkspace, projectCwd, realAlembic, refreshCopy, type Workspace } from './workspace';

interface StepRow { project: string; alembic: string; step: string; result: 'pass' | 'fail'; ms: number; detail?: string }
const rows: StepRow[] = [];
/** Revisions the stairway found defective in the projects themselves (reported, not failures of ours). */
const stairwayFindings: string[] = [];

const cli = (args: string[], opts: CliOptions = {}): Promise<CliResult> => checkedCli(args, { timeoutMs: 300_000, ...opts });

/** Runs one step, records its time and outcome in the report, rethrows its failure. */
async function step<T>(ws: Workspace, name: string, body: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const value = await body();
    rows.push({ project: ws.project.fixture, alembic: ws.alembicVersion, step: name, result: 'pass', ms: performance.now() - started });
    return value;
  } catch (err) {
    const first = ((err as Error).message ?? String(err)).split('\n').find((l) => l.trim()) ?? '';
    rows.push({ project: ws.project.fixture, alembic: ws.alembicVersion, step: name, result: 'fail', ms: performance.now() - started, detail: first.slice(0, 160) });
    throw err;
  }
}

const versions = async (url: string): Promise<string[]> => {
  const exists = await query<{ t: string | null }>(url, "SELECT to_regclass('public.alembic_version')::text AS t");
  if (!exists[0].t) return [];
  return (await query<{ version_num: string }>(url, 'SELECT version_num FROM alembic_version ORDER BY 1')).map((r) => r.version_num);
};
const tables = async (url: string): Promise<string[]> =>
  (await query<{ tablename: string }>(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).map((r) => r.tablename);
const appTables = async (url: string): Promise<string[]> => (await tables(url)).filter((t) => t !== 'alembic_version' && t !== 'migration_chain_log');
const dbName = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

function runEnv(ws: Workspace, url: string): NodeJS.ProcessEnv {
  return { ...ws.project.baseEnv, DATABASE_URL: url };
}

function expectCode(args: string[], r: CliResult, code: number): void {
  assert.equal(r.code, code, describeRun(args, r));
}

/** A database env.py reaches by the project's own settings, built to `revision` with the real Alembic, with a row of our own. */
async function configuredDatabase(ws: Workspace, revision: string): Promise<string> {
  const url = await freshDatabaseUrl('configured');
  ws.project.configure(ws.root, url);
  realAlembic(ws, ['upgrade', revision], url);
  await query(url, "CREATE TABLE developer_notes (id int PRIMARY KEY, note text); INSERT INTO developer_notes VALUES (1, 'my local data')");
  return url;
}

const workspaces = new Map<string, Promise<Workspace>>();
const key = (p: RealProject, f: AlembicFlavour) => `${p.fixture}-${f}`;

describe('Real Alembic projects through the CLI', function () {
  this.timeout(900_000);

  before(async function () {
    this.timeout(1_800_000);
    ensureAptPackages(PROJECTS.flatMap((p) => FLAVOURS.flatMap((f) => p.venv[f].apt)));
    // All venvs at once: pip spends most of its time waiting on files, and 6 in a row took ~12 min.
    for (const p of PROJECTS) for (const f of FLAVOURS) workspaces.set(key(p, f), prepareWorkspace(p, f));
    await Promise.allSettled([...workspaces.values()]);
  });

  after(() => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'report.json'), JSON.stringify(rows, null, 2));
    const line = (r: StepRow) => `${r.project.padEnd(26)} ${r.alembic.padEnd(8)} ${r.step.padEnd(34)} ${r.result.padEnd(5)} ${(r.ms / 1000).toFixed(1).padStart(6)} s${r.detail ? `  ${r.detail}` : ''}`;
    console.log(`\nReal projects: project × Alembic × step (${rows.filter((r) => r.result === 'pass').length} steps passed, ${rows.filter((r) => r.result === 'fail').length} failed)`);
    for (const r of rows) console.log(`  ${line(r)}`);
    if (stairwayFindings.length > 0) console.log(`  stairway findings in the projects: ${stairwayFindings.join('; ')}`);
  });

  for (const project of PROJECTS) {
    for (const flavour of FLAVOURS) {
      describe(`${project.name} × ${flavour === 'debian' ? 'Debian\'s Alembic' : 'pip\'s newest Alembic'}`, () => {
        let ws: Workspace;
        before(async () => {
          ws = await workspaces.get(key(project, flavour))!;
          if (ws.installMs > 0) rows.push({ project: project.fixture, alembic: ws.alembicVersion, step: 'venv install (pip/apt)', result: 'pass', ms: ws.installMs });
        });
        beforeEach(() => { refreshCopy(project, flavour); });

        it('the venv runs the intended Alembic', async () => {
          await step(ws, 'venv Alembic version', async () => {
            if (flavour === 'debian') assert.equal(ws.alembicVersion, debianAlembicVersion(), 'Debian\'s python3-alembic');
            else assert.match(ws.alembicVersion, /^1\.(2\d|1[6-9])\./, 'pip\'s newest Alembic (1.20 when this was written)');
          });
        });

        it('history and heads equal the venv\'s real Alembic, from the repository root and the project folder', async () => {
          const realHistory = realAlembic(ws, ['history']);
          const realHeads = realAlembic(ws, ['heads']);
          for (const cwd of [...new Set([ws.root, projectCwd(ws)])]) {
            const where = cwd === ws.root ? 'root' : 'project';
            await step(ws, `history (${where})`, async () => {
              const r = await cli(['history'], { cwd, env: runEnv(ws, '') });
              expectCode(['history'], r, 0);
              assert.equal(r.stdout.trim(), realHistory.trim(), 'history as the real Alembic prints it');
            });
            await step(ws, `heads (${where})`, async () => {
              const r = await cli(['heads'], { cwd, env: runEnv(ws, '') });
              expectCode(['heads'], r, 0);
              assert.equal(r.stdout.trim(), realHeads.trim(), 'heads as the real Alembic prints them');
            });
          }
        });

        if (project.fixEnvPy) {
          it('as the project is (env.py reads its own settings): each run works on the database named or refuses before any change, naming the database env.py reached; the project\'s own database never changes', async () => {
            const { chain } = project;
            const head = chain[chain.length - 1];
            const configured = await configuredDatabase(ws, chain[Math.max(0, chain.length - 3)]);
            const target = await freshDatabaseUrl('target');
            realAlembic(ws, ['upgrade', chain[chain.length - 2]], target);
            const configuredBefore = await fingerprint(configured);
            // The URL as the project's README writes it (postgresql://): what matters here is where env.py goes.
            // Issue 20 allows two outcomes: the URL reached env.py through a channel it reads (the run
            // did what was asked, on the database named), or the run was refused before any change,
            // naming where env.py went. Never a third: the project's own database changed.
            const runs: { args: string[]; worked: (r: CliResult, before: string[]) => Promise<void> }[] = [
              { args: ['upgrade', 'head'], worked: async () => assert.deepEqual(await versions(target), [head]) },
              { args: ['downgrade', '-1', '--yes'], worked: async (_r, before) => assert.deepEqual(await versions(target), [chain[chain.indexOf(before[0]) - 1]].filter(Boolean)) },
              { args: ['reset', '--yes'], worked: async (r) => { assert.match(r.stdout, /^verify: OK/m); assert.deepEqual(await versions(target), [head]); } },
              { args: ['reset', '--yes', '--no-rehearsal'], worked: async (r) => { assert.match(r.stdout, /^verify: OK/m); assert.deepEqual(await versions(target), [head]); } },
              { args: ['test'], worked: async () => { /* exit 0 or 9 (a revision's own defect); the target is checked unchanged below */ } },
              { args: ['verify', '--drift'], worked: async (r) => assert.match(r.stdout, /^verify: OK/m) },
            ];
            const failures: string[] = [];
            for (const { args, worked } of runs) {
              try {
                await step(ws, `as-is: ${args.join(' ')}`, async () => {
                  const targetBefore = await fingerprint(target);
                  const versionsBefore = await versions(target);
                  const r = await cli(args, { cwd: projectCwd(ws), env: runEnv(ws, target) });
                  const readOnly = args[0] === 'test' || args[0] === 'verify';
                  const ok = r.code === 0 || (args[0] === 'test' && r.code === 9);
                  if (ok) {
                    await worked(r, versionsBefore);
                    if (readOnly) assert.deepEqual(await fingerprint(target), targetBefore, `${args.join(' ')} changed the database named`);
                  } else {
                    assert.ok((r.stdout + r.stderr).includes(dbName(configured)), `a refusal names the database env.py reached (${dbName(configured)})\n${describeRun(args, r)}`);
                    // "nothing was changed" may be said when the run proved it (issue 20); the fingerprints below check it.
                    assert.doesNotMatch(r.stdout + r.stderr, /Reset complete/i, `a refused reset never says complete\n${describeRun(args, r)}`);
                    assert.deepEqual(await fingerprint(target), targetBefore, `${args.join(' ')} changed the database named before refusing`);
                  }
                  assert.deepEqual(await fingerprint(configured), configuredBefore, `${args.join(' ')} changed the database env.py reaches by the project's own settings\n${describeRun(args, r)}`);
                });
              } catch (err) {
                failures.push(`${args.join(' ')}: ${(err as Error).message}`);
              }
            }
            if (failures.length > 0) assert.fail(`${failures.length} of ${runs.length} runs neither worked on the database named nor refused cleanly:\n\n${failures.join('\n\n')}`);
          });
        }

        it(project.fixEnvPy
          ? 'with env.py reading DATABASE_URL (the project\'s fix): upgrade, downgrade -1, reset, test, lint, verify --drift'
          : 'as the project is: upgrade, downgrade -1, reset, test, lint, verify --drift', async () => {
          const { chain } = project;
          const head = chain[chain.length - 1];
          // The developer's own database stays configured: nothing may reach it.
          const configured = project.fixEnvPy ? await configuredDatabase(ws, chain[0]) : undefined;
          const configuredBefore = configured ? await fingerprint(configured) : undefined;
          project.fixEnvPy?.(ws.root);
          const target = await freshDatabaseUrl('target');
          const url = withDriver(target, project.driverScheme);
          const env = runEnv(ws, url);
          const cwd = projectCwd(ws);

          await step(ws, 'upgrade head', async () => {
            const r = await cli(['upgrade', 'head'], { cwd, env });
            expectCode(['upgrade', 'head'], r, 0);
            assert.deepEqual(await versions(target), [head]);
            assert.deepEqual((await appTables(target)).filter((t) => project.headTables.includes(t)), project.headTables);
            assert.match(realAlembic(ws, ['current'], target), new RegExp(`^${head}\\b`, 'm'), 'the real Alembic reads the same revision');
          });
          await step(ws, 'downgrade -1', async () => {
            const r = await cli(['downgrade', '-1', '--yes'], { cwd, env });
            expectCode(['downgrade', '-1', '--yes'], r, 0);
            assert.deepEqual(await versions(target), [chain[chain.length - 2]]);
            assert.match(realAlembic(ws, ['current'], target), new RegExp(`^${chain[chain.length - 2]}\\b`, 'm'));
          });
          await step(ws, 'reset --yes', async () => {
            await query(target, "CREATE TABLE hand_made (id int PRIMARY KEY); INSERT INTO hand_made VALUES (1)");
            const r = await cli(['reset', '--yes'], { cwd, env });
            expectCode(['reset', '--yes'], r, 0);
            assert.match(r.stdout, /^verify: OK/m);
            assert.deepEqual(await versions(target), [head]);
            const after = await appTables(target);
            assert.ok(!after.includes('hand_made'), 'the reset dropped what no migration made');
            assert.deepEqual(after.filter((t) => project.headTables.includes(t)), project.headTables);
          });
          await step(ws, 'test (stairway)', async () => {
            const before = await fingerprint(target);
            const r = await cli(['test', '--json'], { cwd, env });
            assert.ok(r.code === 0 || r.code === 9, describeRun(['test', '--json'], r));
            const report = JSON.parse(r.stdout) as { ok: boolean; results: { revision: string; outcome: string; failures: unknown[] }[] };
            assert.deepEqual(report.results.map((x) => x.revision).sort(), [...chain].sort(), 'every revision was stairway-tested');
            assert.equal(report.ok, r.code === 0, 'exit 9 exactly when a revision failed');
            for (const x of report.results) if (x.outcome === 'failed') assert.ok(x.failures.length > 0, `${x.revision} failed with its reasons`);
            const failed = report.results.filter((x) => x.outcome === 'failed').map((x) => x.revision);
            if (failed.length > 0) stairwayFindings.push(`${project.fixture} × ${ws.alembicVersion}: ${failed.join(', ')}`);
            assert.deepEqual(await fingerprint(target), before, 'the stairway never touches the database named');
          });
          await step(ws, 'lint', async () => {
            const r = await cli(['lint', '--since', 'base', '--format', 'json'], { cwd, env });
            assert.ok(r.code === 0 || r.code === 10, describeRun(['lint'], r));
            JSON.parse(r.stdout);
          });
          await step(ws, 'verify --drift', async () => {
            const r = await cli(['verify', '--drift'], { cwd, env });
            expectCode(['verify', '--drift'], r, 0);
            assert.match(r.stdout, /^verify: OK/m);
          });
          if (configured) {
            await step(ws, 'configured database untouched', async () => {
              assert.deepEqual(await fingerprint(configured), configuredBefore, 'no run reached the database the project itself configures');
            });
          }
        });
      });
    }
  }
});
