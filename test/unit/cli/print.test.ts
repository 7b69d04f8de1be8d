import { strict as assert } from 'node:assert';
import { RevisionGraph } from '../../../src/core/chain/graph';
import type { Migration } from '../../../src/core/chain/model';
import { renderDiagnostic, renderDrift, renderStatus, renderVerifyReport } from '../../../src/cli/print';
import type { ChainStatus, VerifyReport } from '../../../src/cli/core';
import { exitCodeForError, ExitCode } from '../../../src/cli/exit-codes';

function mig(revision: string, downRevisions: string[]): Migration {
  return {
    file: `/p/migrations/${revision}.sql`, format: 'sql', revision, downRevisions, dependsOn: [], branchLabels: [],
    message: revision, transactional: true, revisionLine: 1, downRevisionLine: 2,
    hasDowngrade: true, hasVerify: false, checksum: '',
  };
}

const target = { host: 'localhost', port: 5432, database: 'app', user: 'me', isLocal: true, display: 'postgresql://me:****@localhost:5432/app' };

describe('cli result rendering', () => {
  it('diagnostics are file:line: severity: message [code] with the file relative to cwd', () => {
    assert.equal(
      renderDiagnostic({ code: 'missing-parent', severity: 'error', message: 'parent x is missing', file: '/p/migrations/a.sql', line: 2 }, '/p'),
      'migrations/a.sql:2: error: parent x is missing [missing-parent]');
    assert.equal(
      renderDiagnostic({ code: 'cycle', severity: 'error', message: 'cycle', file: '/elsewhere/a.sql', line: 1 }, '/p'),
      '/elsewhere/a.sql:1: error: cycle [cycle]');
  });

  it('verify report: one line per check, failures with their file:line, and a summary', () => {
    const report: VerifyReport = {
      ok: false,
      checks: [
        { name: 'version table', ok: true, detail: 'at head 556b79de2825' },
        { name: 'verify block of 556b79de2825', ok: false, detail: 'column "discovery_query_id" does not exist', revision: '556b79de2825', file: '/p/migrations/556b.sql', line: 14 },
      ],
      target, versions: { recorded: ['556b79de2825'], expected: ['556b79de2825'] }, pending: [], unknown: [],
      tables: ['jobs', 'settings'], bookkeepingTables: ['alembic_version'], foreignKeys: [], columns: [], verifyBlocks: [], edited: [],
    };
    assert.deepEqual(renderVerifyReport(report, '/p'), [
      '✔ version table: at head 556b79de2825',
      '✘ verify block of 556b79de2825: column "discovery_query_id" does not exist (migrations/556b.sql:14)',
      'verify: FAILED (1 of 2 checks failed)',
    ]);
  });

  it('drift: each difference with the migration that made the object', () => {
    const lines = renderDrift({
      baseRevision: ['556b79de2825'], scratchDatabase: 'x', durationMs: 1, target,
      entries: [
        { kind: 'column', name: 'prospects.discovery_query_id', change: 'missing', expected: 'integer', source: { file: '/p/migrations/556b.sql', line: 9, revision: '556b79de2825' } },
        { kind: 'table', name: 'leftover', change: 'extra' },
      ],
    }, '/p');
    assert.deepEqual(lines, [
      '✘ missing column prospects.discovery_query_id: integer (migrations/556b.sql:9, 556b79de2825)',
      '✘ extra table leftover',
      'drift: 2 differences from the schema the migrations build up to 556b79de2825',
    ]);
    assert.deepEqual(renderDrift({ baseRevision: [], scratchDatabase: 'x', durationMs: 1, target, entries: [] }),
      ['drift: none (the schema matches the migrations up to <base>)']);
  });

  it('status: masked database, current, head and the pending count', () => {
    const graph = new RevisionGraph([mig('aa0000000001', []), mig('bb0000000002', ['aa0000000001']), mig('cc0000000003', ['bb0000000002'])]);
    const status: ChainStatus = {
      target, versionTableExists: true, heads: ['aa0000000001'],
      unknown: [],
      revisions: new Map([['aa0000000001', { state: 'current' }], ['bb0000000002', { state: 'pending' }], ['cc0000000003', { state: 'pending' }]]),
      pending: ['bb0000000002', 'cc0000000003'],
    };
    assert.deepEqual(renderStatus(status, graph), [
      'database: postgresql://me:****@localhost:5432/app',
      'current:  aa0000000001',
      'head:     cc0000000003',
      'pending:  2 (bb0000000002, cc0000000003)',
    ]);
  });

  it('maps every engine error code to its documented exit code', () => {
    assert.equal(exitCodeForError('connection'), 4);
    assert.equal(exitCodeForError('lock-timeout'), 5);
    assert.equal(exitCodeForError('chain'), ExitCode.chain);
    assert.equal(exitCodeForError('unknown-revision'), 3);
    assert.equal(exitCodeForError('verify'), 6);
    assert.equal(exitCodeForError('usage'), 2);
    assert.equal(exitCodeForError('target'), 2);
    assert.equal(exitCodeForError('cancelled'), 130);
    assert.equal(exitCodeForError('confirmation'), 8);
    assert.equal(exitCodeForError(undefined), 1);
  });
});
