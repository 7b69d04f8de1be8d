// Re-apply on save's rules (core/authoring/reapply-rules.ts), pure: which saved file may be
// downgraded and upgraded again, on which database, in which recorded state. The database side of
// the same feature runs against the real server in test/db/reapply.test.ts.
import * as assert from 'node:assert';
import { databaseRule, fileRule, stateRule } from '../../src/core/authoring/reapply-rules';
import { parseDatabaseUrl } from '../../src/core/db/client';
import { chainOf, rev } from './chain-helpers';

const sql = { text: 'SELECT 1;', line: 6 };
const line = (...revs: Parameters<typeof rev>[]) => chainOf(revs.map((r) => rev(...r)));

describe('re-apply on save: the rules', () => {
  describe('the file', () => {
    const chain = line(['a', [], { downgrade: sql }], ['b', ['a'], { downgrade: sql }], ['c', ['b'], { downgrade: sql }]);

    it('allows the single head', () => {
      const r = fileRule(chain, '/m/c.sql');
      assert.ok('migration' in r, JSON.stringify(r));
      assert.strictEqual(r.migration.revision, 'c');
    });

    it('refuses a revision others build on, naming them', () => {
      const r = fileRule(chain, '/m/b.sql');
      assert.ok('refusal' in r);
      assert.strictEqual(r.refusal.code, 'not-head');
      assert.match(r.refusal.message, /c builds on it/);
    });

    it('refuses a revision another depends_on', () => {
      const c = chainOf([rev('a', [], { downgrade: sql }), rev('b', ['a'], { downgrade: sql }), rev('x', [], { downgrade: sql, dependsOn: ['b'] })]);
      const r = fileRule(c, '/m/b.sql');
      assert.ok('refusal' in r && r.refusal.code === 'not-head', JSON.stringify(r));
    });

    it('refuses a file that is no revision of the chain', () => {
      const r = fileRule(chain, '/m/notes.sql');
      assert.ok('refusal' in r && r.refusal.code === 'not-a-revision');
    });

    it('refuses on a chain with several heads', () => {
      const c = line(['a', [], { downgrade: sql }], ['b', ['a'], { downgrade: sql }], ['c', ['a'], { downgrade: sql }]);
      const r = fileRule(c, '/m/c.sql');
      assert.ok('refusal' in r && r.refusal.code === 'several-heads', JSON.stringify(r));
    });

    it('refuses a merge revision', () => {
      const c = line(['a', [], { downgrade: sql }], ['b', ['a'], { downgrade: sql }], ['c', ['a'], { downgrade: sql }], ['m', ['b', 'c'], { downgrade: sql }]);
      const r = fileRule(c, '/m/m.sql');
      assert.ok('refusal' in r && r.refusal.code === 'merge', JSON.stringify(r));
    });

    it('refuses a revision with no downgrade, and one declared irreversible, saying why', () => {
      const none = fileRule(line(['a', [], { downgrade: sql }], ['b', ['a']]), '/m/b.sql');
      assert.ok('refusal' in none && none.refusal.code === 'irreversible', JSON.stringify(none));
      assert.match(none.refusal.message, /no downgrade/);
      const declared = fileRule(line(['a', [], { downgrade: sql }], ['b', ['a'], { downgrade: sql, irreversible: { reason: 'drops data', line: 4 } }]), '/m/b.sql');
      assert.ok('refusal' in declared && declared.refusal.code === 'irreversible');
      assert.match(declared.refusal.message, /drops data/);
    });

    it('refuses on a chain with errors', () => {
      const c = line(['a', [], { downgrade: sql }], ['b', ['zz'], { downgrade: sql }]);
      const r = fileRule(c, '/m/b.sql');
      assert.ok('refusal' in r && r.refusal.code === 'chain-errors', JSON.stringify(r));
    });
  });

  describe('the database', () => {
    it('allows localhost, 127.0.0.1, ::1 and a Unix socket', () => {
      for (const url of ['postgres://u@localhost/app', 'postgres://u@127.0.0.1:5433/app', 'postgres://u@[::1]/app', 'postgres://u@%2Fvar%2Frun%2Fpostgresql/app']) {
        assert.strictEqual(databaseRule(parseDatabaseUrl(url), []), undefined, url);
      }
    });

    it('refuses any other host, naming it', () => {
      const r = databaseRule(parseDatabaseUrl('postgres://u:secret@db.example.com/app'), []);
      assert.strictEqual(r?.code, 'remote');
      assert.match(r.message, /db\.example\.com is not a local database/);
      assert.doesNotMatch(r.message, /secret/);
    });

    it('refuses a local database a protected pattern names', () => {
      const r = databaseRule(parseDatabaseUrl('postgres://u@localhost/app_prod'), ['*_prod']);
      assert.strictEqual(r?.code, 'protected');
      assert.match(r.message, /"\*_prod"/);
    });
  });

  describe('the recorded state', () => {
    const c = rev('c', ['b'], { downgrade: sql });

    it('re-applies when the revision is the only recorded head', () => {
      assert.deepStrictEqual(stateRule(c, ['c'], undefined), { kind: 'reapply' });
    });

    it('refuses when it is not applied, saying where the database is', () => {
      const d = stateRule(c, ['b'], undefined);
      assert.ok(d.kind === 'refused' && d.refusal.code === 'not-applied');
      assert.match(d.refusal.message, /not applied to this database \(it is at b\)/);
    });

    it('upgrades alone when its last re-apply stopped at its parent', () => {
      assert.deepStrictEqual(stateRule(c, ['b'], undefined, 'c'), { kind: 'upgrade-only' });
      // Resume names another revision, or the database moved elsewhere: refused as not applied.
      assert.strictEqual(stateRule(c, ['b'], undefined, 'x').kind, 'refused');
      assert.strictEqual(stateRule(c, ['a'], undefined, 'c').kind, 'refused');
    });

    it('refuses while another run holds the lock, before anything else', () => {
      const d = stateRule(c, ['c'], 'pid 42 (migration-chain cli)');
      assert.ok(d.kind === 'refused' && d.refusal.code === 'locked');
      assert.match(d.refusal.message, /pid 42/);
    });

    it('refuses when other heads are recorded beside it', () => {
      const d = stateRule(c, ['c', 'x'], undefined);
      assert.ok(d.kind === 'refused' && d.refusal.code === 'not-applied');
    });
  });
});
