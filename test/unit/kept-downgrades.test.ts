// How an Alembic upgrade's kept downgrades are printed (alembic/run/kept-downgrades.ts): which
// `alembic downgrade NEWEST:TARGET --sql` runs cover the applied revisions, and which statements of
// Alembic's output are the revision's own. The real Alembic run is test/alembic/phantoms.test.ts.
import { strict as assert } from 'node:assert';
import type { Chain } from '../../src/core/chain/chain';
import { downgradeStretches, ownStatements } from '../../src/core/alembic/run/kept-downgrades';

function chainOf(parents: Record<string, string[]>): Chain {
  return { graph: { get: (r: string) => (r in parents ? { revision: r, downRevisions: parents[r] } : undefined) } } as unknown as Chain;
}

describe('kept downgrades of an Alembic upgrade', () => {
  it('a linear run is one stretch, newest first, down to the parent of the oldest', () => {
    const chain = chainOf({ a: [], b: ['a'], c: ['b'] });
    assert.deepEqual(downgradeStretches(chain, ['b', 'c']), { stretches: [{ revisions: ['c', 'b'], target: 'a' }], merges: [] });
    assert.deepEqual(downgradeStretches(chain, ['a', 'b', 'c']), { stretches: [{ revisions: ['c', 'b', 'a'], target: 'base' }], merges: [] });
  });

  it('two branches are two stretches; a merge is not printed alone', () => {
    const chain = chainOf({ a: [], b: ['a'], c: ['a'], m: ['b', 'c'], n: ['m'] });
    assert.deepEqual(downgradeStretches(chain, ['b', 'c', 'm', 'n']), {
      stretches: [{ revisions: ['n'], target: 'm' }, { revisions: ['c'], target: 'a' }, { revisions: ['b'], target: 'a' }],
      merges: ['m'],
    });
  });

  it('keeps the revision\'s statements, not Alembic\'s transaction, version moves or version-table drop', () => {
    const printed = [
      'BEGIN;', '', 'DROP INDEX tags_label_idx;', '', 'DROP TABLE tags;', '',
      "UPDATE alembic_version SET version_num='f1' WHERE alembic_version.version_num = 'f2';", '',
      "DELETE FROM alembic_version WHERE alembic_version.version_num = 'f1';", '', 'DROP TABLE alembic_version;', '', 'COMMIT;',
    ].join('\n');
    assert.equal(ownStatements(printed), 'DROP INDEX tags_label_idx;\nDROP TABLE tags;');
  });
});
