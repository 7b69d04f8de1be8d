// Never the wrong database: every delegated Alembic run proves env.py reached the database we named
// before it changes anything (src/core/alembic/run/connect-guard.ts). The env.py corpus (env-py-corpus.ts)
// × the features that delegate to Alembic (reset, rehearsal, stairway, drift, fleet member): where
// env.py honours a channel we pass, the run works on the database we named; where it takes its URL
// elsewhere, the run is refused, the refusal names the database env.py reached, and that "real"
// database's fingerprint is unchanged (it holds a table and rows an unguarded Alembic would have
// added its tables next to). Real PostgreSQL, real Alembic: Debian's 1.8.1 and the newest from pip.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { freshDatabaseUrl, server } from '../support/db-hooks';
import { alembicFlavour, debianAlembicPython } from '../support/alembic';
import { testVenvPython } from '../support/python-venv';
import { fingerprint } from '../support/fingerprint';
import { sql } from '../support/chains';
import { STYLES, writeProject, type EnvPyStyle, type RealDb } from './env-py-corpus';
import {
  alembicProject, alembicReset, alembicScratchBuilder, alembicUpgrade, alembicEngine, checkDrift, loadChain, runStairway,
  type AlembicOptions,
} from '../../src/core';
import { alembic } from '../../src/core/alembic/run/locked-run';
import { rehearse } from '../../src/core/reset/rehearsal';
import { upgradeFleet } from '../../src/core/environments/fleet-run';
import { UncheckedConnectionError, WrongDatabaseError } from '../../src/core/errors';
import { withSchemeOf } from '../../src/core/db/sqlalchemy-url';
import { describeRun, runCli } from '../reliability/support/cli';

type Feature = 'reset' | 'rehearsal' | 'stairway' | 'drift' | 'fleet member';
const FEATURES: Feature[] = ['reset', 'rehearsal', 'stairway', 'drift', 'fleet member'];
type Outcome = 'worked' | 'refused-correctly' | 'wrong';
const table = new Map<string, Outcome>();

async function realDatabase(): Promise<RealDb> {
  const url = withSchemeOf(await freshDatabaseUrl('envpy_real'), 'postgresql://x');
  await sql(url, "CREATE TABLE precious (id int PRIMARY KEY, note text); INSERT INTO precious VALUES (1, 'keep'), (2, 'me')");
  const u = new URL(url);
  return { url, host: u.hostname, port: Number(u.port), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database: u.pathname.slice(1) };
}

async function versionsOf(url: string, schema = 'public'): Promise<string[]> {
  const t = await sql<{ t: string | null }>(url, `SELECT to_regclass('${schema}.alembic_version')::text AS t`);
  return t[0].t ? (await sql<{ v: string }>(url, `SELECT version_num AS v FROM ${schema}.alembic_version ORDER BY 1`)).map((r) => r.v) : [];
}

/**
 * Styles that need asyncpg or pydantic-settings always run the venv's newest Alembic; the others run
 * the Alembic of this pass of `npm run test:alembic` (MC_ALEMBIC: Debian's 1.8.1, or the newest,
 * from our venv, which also has psycopg 3, SQLAlchemy 2.1's default driver for postgresql://).
 */
function pythonFor(style: Pick<EnvPyStyle, 'python'>): string {
  return style.python === 'venv' || alembicFlavour() === 'latest' ? testVenvPython() : debianAlembicPython();
}

interface Setup { style: EnvPyStyle; real: RealDb; ini: string; options: (url: string) => AlembicOptions }

async function setup(style: EnvPyStyle): Promise<Setup> {
  const real = await realDatabase();
  const ini = writeProject(style, real);
  const project = alembicProject(ini);
  const chain = await loadChain(path.join(project.dir, 'migrations', 'versions'));
  const python = pythonFor(style);
  const options = (url: string): AlembicOptions => ({
    // SQLAlchemy ≥ 1.4 reads postgresql://, not the harness's postgres://.
    chain, project, url: withSchemeOf(url, `${style.scheme ?? 'postgresql'}://x`),
    command: { argv: [python, '-m', 'alembic'], source: `test ${style.python}` },
    ...(style.versionTableSchema ? { versionTableSchema: style.versionTableSchema } : {}),
  });
  return { style, real, ini, options };
}

/** A database at head, prepared through a project that honours DATABASE_URL (style a), so refusing styles start alike. */
async function preparedTarget(s: Setup): Promise<string> {
  const url = await freshDatabaseUrl('envpy_target');
  const prep = s.style.honours ? s : await setup(STYLES[0]);
  await alembicUpgrade({ ...prep.options(url), target: 'heads' });
  return url;
}

function assertRefusal(err: unknown, real: RealDb, what: string): void {
  assert.ok(err instanceof WrongDatabaseError || (err as { cause?: unknown }).cause instanceof WrongDatabaseError,
    `${what}: expected a WrongDatabaseError, got ${(err as Error)?.stack ?? String(err)}`);
  const message = (err as Error).message;
  assert.match(message, new RegExp(`env\\.py connected to ${real.user}@[^ ]*:${real.port}/${real.database}`), `${what}: names the database reached`);
  assert.match(message, new RegExp(`database ${real.database}, user ${real.user}`));
  assert.ok(!message.includes(real.password) && !((err as { hint?: string }).hint ?? '').includes(real.password), `${what}: no password`);
  assert.match((err as { hint?: string }).hint ?? '', /alembic-env-py\.md/, `${what}: the hint links the snippets`);
}

async function runFeature(s: Setup, feature: Feature): Promise<void> {
  const target = feature === 'drift' || feature === 'stairway' || feature === 'rehearsal' ? await preparedTarget(s) : await freshDatabaseUrl('envpy_target');
  if (feature === 'reset') await sql(target, "CREATE TABLE junk (id int); INSERT INTO junk VALUES (1)");
  const realBefore = await fingerprint(s.real.url);
  const targetBefore = await fingerprint(target);
  const o = s.options(target);
  let error: unknown;
  try {
    switch (feature) {
      case 'reset': {
        const r = await alembicReset({ ...o, rehearse: false, confirm: async () => true });
        assert.equal(r.verify.ok, true, 'verify after the reset');
        break;
      }
      case 'rehearsal':
        await rehearse({ url: o.url }, async (scratchUrl, signal) => {
          await alembic({ ...o, url: scratchUrl, signal }, ['upgrade', 'heads']);
          assert.deepEqual(await versionsOf(withSchemeOf(scratchUrl, 'postgresql://x'), s.style.versionTableSchema), ['b2'], 'the scratch database was upgraded');
        });
        break;
      case 'stairway': {
        const report = await runStairway({ chain: o.chain, url: o.url, engines: [alembicEngine(o)], versionTableSchema: s.style.versionTableSchema });
        assert.deepEqual(report.results.map((x) => [x.revision, x.outcome]), [['a1', 'passed'], ['b2', 'passed']], JSON.stringify(report.results.map((x) => x.failures)));
        break;
      }
      case 'drift': {
        const report = await checkDrift({ chain: o.chain, url: o.url, buildScratch: alembicScratchBuilder(o), versionTableSchema: s.style.versionTableSchema });
        assert.deepEqual(report.baseRevision, ['b2']);
        assert.deepEqual(report.entries, []);
        break;
      }
      case 'fleet member': {
        const environment = { name: 'prod', url: { from: 'env' as const, variable: 'UNUSED' }, protected: false };
        const u = new URL(target);
        const result = await upgradeFleet({
          root: s.ini.replace(/alembic\.ini$/, ''), environment, chain: o.chain, canary: false,
          targets: [{ id: u.pathname.slice(1), environment: 'prod', url: o.url, display: u.pathname, server: `${u.hostname}:${u.port}` }],
          alembic: { project: o.project, command: o.command },
        });
        if (result.failed.length) throw new Error(result.failed.map((f) => f.error ?? JSON.stringify(f)).join('\n'));
        break;
      }
    }
  } catch (err) {
    error = err;
  }
  // The real database: never changed, whatever happened.
  assert.deepEqual(await fingerprint(s.real.url), realBefore, `${s.style.id} × ${feature}: the real database changed`);
  const key = `${s.style.id}|${feature}`;
  if (s.style.honours) {
    if (error) { table.set(key, 'wrong'); throw error; }
    if (feature === 'reset' || feature === 'fleet member') assert.deepEqual(await versionsOf(target, s.style.versionTableSchema), ['b2'], 'the named database is at head');
    table.set(key, 'worked');
  } else {
    table.set(key, 'wrong');
    if (feature === 'fleet member') {
      assert.ok(error, 'the fleet member must fail');
      assert.match((error as Error).message, new RegExp(`env\\.py connected to ${s.real.user}@[^ ]*:${s.real.port}/${s.real.database}`));
    } else {
      assertRefusal(error, s.real, `${s.style.id} × ${feature}`);
    }
    if (feature === 'reset') assert.match((error as Error).message, /Nothing was dropped/);
    if (feature === 'rehearsal') assert.match((error as Error).message, /was not touched/);
    assert.deepEqual(await fingerprint(target), targetBefore, 'the named database is unchanged too');
    table.set(key, 'refused-correctly');
  }
}

describe('never the wrong database: the env.py corpus × every delegated Alembic run (real Alembic)', function () {
  this.timeout(600_000);
  before(function () {
    this.timeout(900_000);
    pythonFor({ python: 'debian' });
    testVenvPython();
  });
  after(() => {
    if (table.size === 0) return;
    const rows = STYLES.map((st) => `| ${st.id} (${st.title}) | ${FEATURES.map((f) => table.get(`${st.id}|${f}`) ?? '—').join(' | ')} |`);
    console.log(['', `| env.py style | ${FEATURES.join(' | ')} |`, `|---|${FEATURES.map(() => '---').join('|')}|`, ...rows].join('\n'));
    const wrong = [...table.values()].filter((v) => v === 'wrong').length;
    console.log(`wrong = ${wrong}`);
  });

  for (const style of STYLES) {
    describe(`${style.id}: ${style.title} (${style.honours ? 'honours our URL' : 'takes its URL elsewhere'})`, () => {
      let s: Setup;
      before(async () => { s = await setup(style); });
      for (const feature of FEATURES) {
        it(`${feature}: ${style.honours ? 'works on the database we named' : 'refused, naming the database env.py reached'}; the real database unchanged`, async () => {
          await runFeature(s, feature);
        });
      }
    });
  }

  it('a command that ignores PYTHONPATH (python -E) cannot prove its connection: reset refuses before dropping anything', async () => {
    const s = await setup(STYLES[3]); // alembic.ini sqlalchemy.url: env.py goes elsewhere
    const target = await freshDatabaseUrl('envpy_unchecked');
    await sql(target, 'CREATE TABLE junk (id int)');
    const before = await fingerprint(target);
    const realBefore = await fingerprint(s.real.url);
    const o = s.options(target);
    const unchecked = { ...o, command: { argv: [pythonFor(s.style), '-E', '-m', 'alembic'], source: 'python -E' } };
    await assert.rejects(alembicReset({ ...unchecked, rehearse: false, confirm: async () => true }), (err: unknown) => {
      assert.ok(err instanceof UncheckedConnectionError, String(err));
      assert.match((err as Error).message, /cannot prove that env\.py connects to/);
      assert.match((err as Error).message, /Nothing was dropped/);
      return true;
    });
    assert.deepEqual(await fingerprint(target), before);
    // `alembic current` is read-only: the real database is as it was.
    assert.deepEqual(await fingerprint(s.real.url), realBefore);
  });

  it('a command that ignores PYTHONPATH: an upgrade that did not move the named database fails instead of reporting success', async () => {
    const s = await setup(STYLES[3]);
    const target = await freshDatabaseUrl('envpy_unchecked_up');
    const o = s.options(target);
    const unchecked = { ...o, command: { argv: [pythonFor(s.style), '-E', '-m', 'alembic'], source: 'python -E' } };
    await assert.rejects(alembicUpgrade({ ...unchecked, target: 'heads' }), /did not move .*env\.py worked on another database/s);
    assert.deepEqual(await versionsOf(target), []);
  });

  it('a wrapper command (sh -c "exec python -m alembic") still loads the check: refused, the real database unchanged', async () => {
    const s = await setup(STYLES[3]);
    const target = await freshDatabaseUrl('envpy_wrapper');
    const realBefore = await fingerprint(s.real.url);
    const o = s.options(target);
    const wrapped = { ...o, command: { argv: ['/bin/sh', '-c', `exec "${pythonFor(s.style)}" -m alembic "$@"`, 'alembic'], source: 'sh wrapper' } };
    await assert.rejects(alembicUpgrade({ ...wrapped, target: 'heads' }), (err: unknown) => { assertRefusal(err, s.real, 'wrapper'); return true; });
    assert.deepEqual(await fingerprint(s.real.url), realBefore);
    assert.deepEqual(await versionsOf(target), []);
  });

  for (const [args, what] of [[['reset', '--yes', '--no-rehearsal'], 'reset'], [['test'], 'the stairway test']] as const) {
    it(`the CLI's ${what} on a project whose alembic.ini names another database: refused, naming it; nothing "complete"`, async () => {
      const s = await setup(STYLES[3]);
      const target = await freshDatabaseUrl('envpy_cli');
      await sql(target, 'CREATE TABLE junk (id int); INSERT INTO junk VALUES (1)');
      const realBefore = await fingerprint(s.real.url);
      const targetBefore = await fingerprint(target);
      const r = await runCli([...args, '--alembic-command', `${pythonFor(s.style)} -m alembic`], { cwd: path.dirname(s.ini), timeoutMs: 240_000, env: { DATABASE_URL: withSchemeOf(target, 'postgresql://x'), MIGRATION_CHAIN_PROTECTED: '' } });
      assert.notEqual(r.code, 0, describeRun([...args], r));
      const output = r.stdout + r.stderr;
      assert.match(output, new RegExp(`env\\.py connected to ${s.real.user}@[^ ]*:${s.real.port}/${s.real.database} \\(host [^,]+, port ${s.real.port}, database ${s.real.database}, user ${s.real.user}\\)`), describeRun([...args], r));
      assert.match(output, /set_main_option\("sqlalchemy\.url"/, 'the fix for an alembic.ini URL');
      assert.doesNotMatch(output, /Reset complete|not touched|reads this chain differently/);
      assert.ok(!output.includes(server().password));
      assert.deepEqual(await fingerprint(s.real.url), realBefore);
      assert.deepEqual(await fingerprint(target), targetBefore);
    });
  }

  it('the password reaches env.py through the environment, never the command line', async () => {
    const s = await setup(STYLES[4]); // -x dbname
    const target = await freshDatabaseUrl('envpy_argv');
    const lines: string[] = [];
    const logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m), debug: (m: string) => lines.push(m) };
    await alembicUpgrade({ ...s.options(target), target: 'heads', logger });
    const started = lines.find((l) => l.startsWith('▶'));
    assert.ok(started && /-x dbname=postgresql:\/\/[^:@/]+@/.test(started), `the -x URL has no password: ${started}`);
    assert.ok(!lines.join('\n').includes(server().password));
    assert.deepEqual(await versionsOf(target), ['b2']);
  });
});
