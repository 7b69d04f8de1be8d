// Reset against the real server: all-or-nothing for transactional chains (a failing migration, a
// failing verify, a cancel and a lost connection leave the database exactly as before), the same
// version and audit rows as the drop-then-upgrade reset, the preflight, and the rehearsal on a
// scratch database for a chain with a non-transactional migration.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as core from '../../src/core';
import { dropThenUpgrade } from '../../src/core/reset/native-reset';
import { withSession } from '../../src/core/run/session';
import { chainOf, loadClean, memoryLogger, removeFixtureDirs, sql, sqlMigration, versionRows, writeChainDir, type SqlMigrationSpec } from '../support/chains';
import { fingerprint, populatedDatabase, rehearsalDatabasesOf } from '../support/fingerprint';
import { describeRun, runCli } from '../reliability/support/cli';

const base = (n: number, extra = ''): SqlMigrationSpec => ({
  revision: `aa00000000${n}0`,
  down: n === 1 ? undefined : `aa00000000${n - 1}0`,
  upgrade: `CREATE TABLE r_${n} (id int PRIMARY KEY, label text);\nINSERT INTO r_${n} VALUES (1, 'r${n}');${extra}`,
  downgrade: `DROP TABLE r_${n};`,
  verify: `SELECT id FROM r_${n} WHERE id = 1;`,
});

/** Five migrations; the third fails half way (its first statement ran). */
const failingThird = (): SqlMigrationSpec[] => [
  base(1), base(2),
  { ...base(3), upgrade: 'CREATE TABLE r_3 (id int);\nSELECT no_such_column FROM r_1;' },
  base(4), base(5),
];

describe('reset: all-or-nothing, rehearsal and preflight', function () {
  this.timeout(120_000);
  after(removeFixtureDirs);

  it('a reset whose third migration fails leaves every table, row, version row and audit row as before', async () => {
    const url = await populatedDatabase('mc_reset_fail3');
    const before = await fingerprint(url);
    const chain = await chainOf(failingThird());
    const log = memoryLogger();
    let shown: core.ResetPreview | undefined;
    await assert.rejects(core.reset({ chain, url, logger: log, confirm: async (info) => { shown = info; return true; } }), (err: unknown) => {
      assert.ok(err instanceof core.SqlError, `expected SqlError, got ${String(err)}`);
      assert.equal(err.revision, 'aa0000000030');
      assert.equal(err.location?.line, 7, 'the failing statement\'s line in the file (header 1-3, upgrade marker 5)');
      assert.match(err.message, /Rolled back: the database is unchanged\./);
      return true;
    });
    assert.equal(shown?.guarantee.kind, 'all-or-nothing');
    assert.deepEqual(await fingerprint(url), before);
    assert.ok(log.lines.some((l) => l.includes('▲ aa0000000020 -> aa0000000030')), 'the first two migrations ran before the failure');
    assert.ok(log.lines.includes(`error ${core.ROLLED_BACK}`), log.lines.join('\n'));
  });

  it('an all-or-nothing reset writes the same version and audit rows as the drop-then-upgrade reset, and restores public\'s comment', async () => {
    const chain = await chainOf([base(1), base(2), base(3)]);
    const [one, two] = [await populatedDatabase('mc_reset_same_a'), await populatedDatabase('mc_reset_same_b')];
    const result = await core.reset({ chain, url: one, confirm: async () => true, applicationName: 'same-client' });
    assert.equal(result.guarantee.kind, 'all-or-nothing');
    assert.deepEqual(result.applied, ['aa0000000010', 'aa0000000020', 'aa0000000030']);
    assert.equal(result.verify.ok, true);
    assert.equal(result.verify.verifyBlocks.length, 3, 'every verify block ran inside the transaction');
    await withSession({ url: two, applicationName: 'same-client' }, (s) => dropThenUpgrade(s, chain));
    const audit = (url: string) => sql(url, 'SELECT revision, direction, checksum, client, db_user FROM migration_chain_log ORDER BY id');
    assert.deepEqual(await versionRows(one), ['aa0000000030']);
    assert.deepEqual(await versionRows(one), await versionRows(two));
    assert.deepEqual(await audit(one), await audit(two));
    assert.equal((await audit(one)).length, 3);
    const a = await fingerprint(one);
    const b = await fingerprint(two);
    assert.deepEqual(a.schema, b.schema);
    assert.deepEqual(a.namespace, b.namespace);
    assert.equal(a.namespace?.comment, 'before the reset');
    assert.deepEqual(Object.keys(a.rows).sort(), ['alembic_version', 'migration_chain_log', 'r_1', 'r_2', 'r_3']);
  });

  it('a .js migration that commits the reset\'s transaction itself is reported as such, not as a clean rollback', async () => {
    const url = await populatedDatabase('mc_reset_js_commit');
    const dir = writeChainDir({
      'aa0000000010.sql': sqlMigration(base(1)),
      'aa0000000020.js': [
        "exports.revision = 'aa0000000020';",
        "exports.down_revision = 'aa0000000010';",
        "exports.upgrade = async ({ sql }) => { await sql('COMMIT'); await sql('BEGIN'); await sql('CREATE TABLE js_made (id int)'); };",
        '',
      ].join('\n'),
    });
    const chain = await loadClean(dir);
    await assert.rejects(core.reset({ chain, url, confirm: async () => true }), (err: unknown) => {
      assert.ok(err instanceof core.MigrationChainError, String(err));
      assert.match(err.message, /A migration ended the reset's transaction .* may be half-built/);
      assert.doesNotMatch(err.message, /the database is unchanged/);
      return true;
    });
  });

  it('a failing verify block rolls the whole reset back', async () => {
    const url = await populatedDatabase('mc_reset_verify');
    const before = await fingerprint(url);
    const chain = await chainOf([base(1), { ...base(2), verify: 'SELECT missing_column FROM r_2;' }]);
    await assert.rejects(core.reset({ chain, url, confirm: async () => true }), (err: unknown) => {
      assert.ok(err instanceof core.MigrationChainError && err.code === 'verify', String(err));
      assert.match(err.message, /verify aa0000000020: .*missing_column/);
      assert.match(err.message, /Rolled back: the database is unchanged\./);
      return true;
    });
    assert.deepEqual(await fingerprint(url), before);
  });

  it('a cancelled reset, and one whose connection is killed, leave the database as before', async () => {
    const chain = await chainOf([base(1), base(2), { ...base(3), upgrade: 'CREATE TABLE r_3 (id int PRIMARY KEY);\nSELECT pg_sleep(30);' }, base(4)]);
    for (const how of ['cancel', 'terminate'] as const) {
      const url = await populatedDatabase(`mc_reset_${how}`);
      const before = await fingerprint(url);
      const controller = new AbortController();
      const log = memoryLogger();
      // Settled into a value at once: the rejection arrives while the test is still waiting below.
      const running = core.reset({ chain, url, logger: log, signal: controller.signal, applicationName: `reset-${how}`, confirm: async () => true })
        .then(() => assert.fail(`${how}: the reset finished`), (err: unknown) => err);
      await until(() => log.lines.some((l) => l.includes('-> aa0000000030')), `${how}: the slow migration to start`);
      await new Promise((r) => setTimeout(r, 200));
      if (how === 'cancel') controller.abort();
      else await sql(url, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [`reset-${how}`]);
      const err = await running;
      assert.ok(err instanceof core.MigrationChainError, String(err));
      assert.equal(err.code, how === 'cancel' ? 'cancelled' : 'connection', err.message);
      assert.match(err.message, /Rolled back: the database is unchanged\./);
      assert.deepEqual(await fingerprint(url), before, `${how}: the database changed`);
    }
  });

  it('preflight: a chain with two heads, an unreachable database or a missing version-table schema stop before anything is dropped', async () => {
    const url = await populatedDatabase('mc_reset_preflight');
    const before = await fingerprint(url);
    let asked = 0;
    const confirm = async () => { asked++; return true; };
    const twoHeads = await chainOf([base(1), base(2), { ...base(3), down: 'aa0000000010' }]);
    await assert.rejects(core.reset({ chain: twoHeads, url, confirm }), (err: unknown) => err instanceof core.MigrationChainError && /head/i.test(err.message));
    const closed = new URL(url);
    closed.port = '1';
    await assert.rejects(core.reset({ chain: await chainOf([base(1)]), url: closed.toString(), confirm }), core.ConnectionError);
    await assert.rejects(core.reset({ chain: await chainOf([base(1)]), url, versionTableSchema: 'no_such_schema', confirm }),
      (err: unknown) => err instanceof core.MigrationChainError && /schema "no_such_schema" does not exist/.test(err.message));
    assert.equal(asked, 0, 'nothing was even offered for confirmation');
    assert.deepEqual(await fingerprint(url), before);
  });

  it('the CLI names the guarantee before it runs and says the failed reset was rolled back', async () => {
    const url = await populatedDatabase('mc_reset_cli');
    const before = await fingerprint(url);
    const chain = await chainOf(failingThird());
    const args = ['reset', '--yes', '--dir', chain.dir, '--url', url];
    const result = await runCli(args);
    assert.equal(result.code, 7, describeRun(args, result));
    const guarantee = result.stderr.indexOf('All-or-nothing: the drop, every migration and verify run in one transaction');
    assert.ok(guarantee >= 0 && guarantee < result.stderr.indexOf('Drop and recreate schema public'), describeRun(args, result));
    assert.match(result.stderr, /^error: [^\n]*\n(.*\n)*\s*Rolled back: the database is unchanged\./m);
    assert.deepEqual(await fingerprint(url), before);
  });

  describe('a chain with a non-transactional migration', () => {
    const nonTransactional = (third: SqlMigrationSpec): SqlMigrationSpec[] => [
      base(1),
      { revision: 'aa0000000020', down: 'aa0000000010', transactional: false, upgrade: 'CREATE INDEX CONCURRENTLY r_1_label ON r_1 (label);', downgrade: 'DROP INDEX r_1_label;' },
      third,
    ];

    it('the rehearsal catches a failing migration on a scratch database; the real database is untouched', async () => {
      const url = await populatedDatabase('mc_reset_rehearse_fail');
      const before = await fingerprint(url);
      const chain = await chainOf(nonTransactional({ ...base(3), down: 'aa0000000020', upgrade: 'SELECT no_such_column FROM r_1;' }));
      const log = memoryLogger();
      let shown: core.ResetPreview | undefined;
      await assert.rejects(core.reset({ chain, url, logger: log, confirm: async (info) => { shown = info; return true; } }), (err: unknown) => {
        assert.ok(err instanceof core.SqlError, `expected SqlError, got ${String(err)}`);
        assert.equal(err.revision, 'aa0000000030');
        assert.match(err.message, /^The rehearsal on the scratch database mc_reset_rehearse_fail\w*_mc_rehearsal_[0-9a-f]{8} failed, so .* was not touched: /);
        return true;
      });
      assert.deepEqual(shown?.guarantee, { kind: 'rehearsed', outsideTransaction: ['aa0000000020'] });
      assert.deepEqual(await fingerprint(url), before);
      assert.deepEqual(await rehearsalDatabasesOf(url), [], 'the scratch database is dropped');
      assert.ok(log.lines.some((l) => /^info ✔ Drop the scratch database /.test(l)), log.lines.join('\n'));
    });

    it('a passing rehearsal is followed by the real reset and verify; --no-rehearsal skips it', async () => {
      const chain = await chainOf(nonTransactional({ ...base(3), down: 'aa0000000020' }));
      const url = await populatedDatabase('mc_reset_rehearse_ok');
      const result = await core.reset({ chain, url, confirm: async () => true });
      assert.equal(result.guarantee.kind, 'rehearsed');
      assert.match(result.rehearsal?.scratchDatabase ?? '', /_mc_rehearsal_[0-9a-f]{8}$/);
      assert.equal(result.verify.ok, true);
      assert.deepEqual(await versionRows(url), ['aa0000000030']);
      assert.deepEqual(await rehearsalDatabasesOf(url), []);

      const unrehearsed = await core.reset({ chain, url, rehearse: false, confirm: async () => true });
      assert.deepEqual(unrehearsed.guarantee, { kind: 'unrehearsed', outsideTransaction: ['aa0000000020'], why: 'turned-off' });
      assert.equal(unrehearsed.rehearsal, undefined);
      assert.equal(unrehearsed.verify.ok, true);
    });

    it('a role without CREATEDB is told the reset is not rehearsed', async () => {
      const chain = await chainOf(nonTransactional({ ...base(3), down: 'aa0000000020' }));
      const url = await populatedDatabase('mc_reset_nocreatedb');
      const role = `mc_nocreatedb_${randomBytes(3).toString('hex')}`;
      const password = `pw-${randomBytes(8).toString('hex')}`;
      await sql(url, `CREATE ROLE ${role} LOGIN NOCREATEDB PASSWORD '${password}'; GRANT pg_read_all_data TO ${role}`);
      const roleUrl = new URL(url);
      roleUrl.username = role;
      roleUrl.password = password;
      try {
        const preview = await core.previewReset({ chain, url: roleUrl.toString() });
        assert.deepEqual(preview.guarantee, { kind: 'unrehearsed', outsideTransaction: ['aa0000000020'], why: 'no-createdb' });
        assert.equal(core.needsSecondConfirmation(preview.guarantee), true);
        assert.match(core.describeGuarantee(preview.guarantee, preview.target), new RegExp(`NOT rehearsed: .*${role} may not create the scratch database`));
        assert.equal((await core.previewReset({ chain, url })).guarantee.kind, 'rehearsed', 'the superuser may rehearse');
        const before = await fingerprint(url);
        const args = ['reset', '--yes', '--dir', chain.dir, '--url', roleUrl.toString()];
        const refused = await runCli(args);
        assert.equal(refused.code, 8, describeRun(args, refused));
        assert.match(refused.stderr, /NOT rehearsed: /);
        assert.match(refused.stderr, /without a rehearsal .*no CREATEDB.*nothing was changed/);
        assert.match(refused.stderr, /--no-rehearsal/);
        assert.deepEqual(await fingerprint(url), before);
      } finally {
        await sql(url, `DROP OWNED BY ${role}; DROP ROLE ${role}`);
      }
    });
  });
});

async function until(test: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
