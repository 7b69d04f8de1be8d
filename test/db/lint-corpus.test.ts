// Ground truth for the lock model: every corpus statement (test/db/lint/corpus.ts) runs inside an
// open transaction on the real server while a second session reads pg_locks; relfilenodes before
// and after show rewrites, the transaction's own pg_stat_xact_user_tables show full scans, and a
// statement predicted non-transactional must be refused inside a transaction block (SQLSTATE 25001).
// The prediction is made by the linter itself from the server's catalog, for the server's version.
// `npm test` runs this on PostgreSQL 18; `npm run test:matrix` on 14, 15, 16, 17 and 18.
import { strict as assert } from 'node:assert';
import { Client } from 'pg';
import { readDatabaseFacts } from '../../src/core/lint/catalog-facts';
import { cloneFacts } from '../../src/core/lint/facts';
import { statementEffect, type StatementEffect } from '../../src/core/lint/effects';
import { lint } from '../../src/core/lint/lint';
import { lockModeFromPgLocks, strongerLock, type LockMode } from '../../src/core/lint/locks';
import { loadPgParser, type PgParser } from '../../src/core/lint/parser';
import { statementsFromSql } from '../../src/core/lint/sources';
import { freshDatabaseUrl } from '../support/db-hooks';
import { BASE, CORPUS, type CorpusCase } from './lint/corpus';

interface Observed {
  locks: Map<string, LockMode>;
  rewritten: Set<string>;
  scanned: Set<string>;
}

async function connect(url: string): Promise<Client> {
  const c = new Client({ connectionString: url });
  await c.connect();
  return c;
}

/** The tables (and materialized views) of `schema`, with their current file node and this transaction's seq scans. */
async function tableState(c: Client, schema: string): Promise<Map<string, { filenode: string; scans: number }>> {
  const { rows } = await c.query<{ rel: string; filenode: string | null; scans: string | null }>(
    `SELECT n.nspname || '.' || c.relname AS rel, pg_relation_filenode(c.oid)::text AS filenode,
            pg_stat_get_xact_numscans(c.oid)::text AS scans
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'm')`, [schema]);
  return new Map(rows.map((r) => [r.rel, { filenode: r.filenode ?? '', scans: Number(r.scans ?? 0) }]));
}

/** Runs `sql` in session `a` inside a transaction left open while session `b` reads pg_locks; rolls back. */
async function observe(a: Client, b: Client, schema: string, sql: string): Promise<Observed | { refused: string }> {
  try {
    await a.query(`SET search_path = "${schema}"`);
    const pid = (await a.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await a.query('BEGIN');
    const before = await tableState(a, schema);
    try {
      await a.query(sql);
    } catch (err) {
      const e = err as { code?: string; message?: string };
      if (e.code === '25001') return { refused: e.message ?? '' };
      throw new Error(`the statement failed: ${e.message} (${e.code})`);
    }
    const after = await tableState(a, schema);
    const locks = new Map<string, LockMode>();
    const { rows } = await b.query<{ rel: string; mode: string }>(
      `SELECT n.nspname || '.' || c.relname AS rel, l.mode
         FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE l.pid = $1 AND l.granted AND l.locktype = 'relation' AND n.nspname = $2 AND c.relkind IN ('r', 'p', 'm')`, [pid, schema]);
    for (const r of rows) {
      const mode = lockModeFromPgLocks(r.mode);
      if (!mode) throw new Error(`unknown pg_locks mode ${r.mode}`);
      const had = locks.get(r.rel);
      locks.set(r.rel, had ? strongerLock(had, mode) : mode);
    }
    const rewritten = new Set<string>();
    const scanned = new Set<string>();
    for (const [rel, was] of before) {
      const now = after.get(rel);
      if (!now) continue;
      if (now.filenode !== was.filenode) rewritten.add(rel);
      if (now.scans > was.scans) scanned.add(rel);
    }
    return { locks, rewritten, scanned };
  } finally {
    await a.query('ROLLBACK');
  }
}

const DML = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'SELECT']);

/** Differences between prediction and server, as readable lines ([] = agreement). */
function compare(effect: StatementEffect, observed: Observed | { refused: string }, existing: ReadonlySet<string>): string[] {
  const out: string[] = [];
  if ('refused' in observed) {
    if (effect.transactional) out.push(`predicted transactional, but the server refused it in a transaction block: ${observed.refused}`);
    return out;
  }
  if (!effect.transactional) out.push('predicted non-transactional, but it ran inside a transaction block');
  const predicted = new Map(effect.relations.filter((r) => existing.has(r.relation)).map((r) => [r.relation, r]));
  for (const rel of new Set([...predicted.keys(), ...observed.locks.keys()])) {
    const p = predicted.get(rel);
    const o = observed.locks.get(rel);
    if (p?.lock !== o) out.push(`${rel}: predicted ${p?.lock ?? 'no lock'}, server holds ${o ?? 'no lock'}`);
    const pr = p?.rewrites ?? false;
    if (pr !== observed.rewritten.has(rel)) out.push(`${rel}: predicted ${pr ? '' : 'no '}rewrite, server ${observed.rewritten.has(rel) ? 'rewrote it' : 'did not rewrite it'}`);
    const ps = (p?.scans ?? false) || pr;
    const os = observed.scanned.has(rel);
    // A DML statement's plan decides how it reads; only the claim "reads every row" is checked there.
    if (ps !== os && !(DML.has(effect.command) && !ps)) out.push(`${rel}: predicted ${ps ? 'a full scan' : 'no full scan'}, server ${os ? 'scanned it' : 'did not scan it'}`);
  }
  return out;
}

function firedRules(parser: PgParser, c: CorpusCase, facts: Awaited<ReturnType<typeof readDatabaseFacts>>): string[] {
  const report = lint(parser, { statements: statementsFromSql(c.sql, { file: 'corpus.sql', line: 1, transactional: true }) }, facts);
  return [...new Set(report.findings.map((f) => f.rule))].sort();
}

describe('lint corpus: predicted locks against the real server', function () {
  this.timeout(600_000);

  it('every prediction matches pg_locks, relfilenode and scan counts', async () => {
    const parser = await loadPgParser();
    const url = await freshDatabaseUrl('mc_lint');
    const admin = await connect(url);
    const a = await connect(url);
    const b = await connect(url);
    const major = Math.floor(Number((await admin.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0].v) / 10000);
    const cases = CORPUS.filter((c) => (c.minMajor ?? 0) <= major);
    const failures: string[] = [];
    let agreed = 0;
    try {
      for (const [i, c] of cases.entries()) {
        const schema = `lint_case_${i}`;
        await admin.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema}`);
        await admin.query(BASE);
        if (c.setup) await admin.query(c.setup);
        const facts = await readDatabaseFacts(admin);
        const parsed = parser.parse(c.sql);
        assert.ok(parsed.ok && parsed.stmts.length === 1, `${c.name}: the corpus statement must parse to one statement`);
        const existing = new Set(facts.tables.keys());
        const effect = statementEffect(parsed.stmts[0].stmt!, cloneFacts(facts));
        const rules = firedRules(parser, c, facts);
        const diffs = compare(effect, await observe(a, b, schema, c.sql), existing);
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        const expectedRules = [...(c.rules ?? [])].sort();
        if (rules.join() !== expectedRules.join()) diffs.push(`rules fired: [${rules.join(', ')}], expected [${expectedRules.join(', ')}]`);
        if (diffs.length) failures.push(`${c.name} (${c.sql}):\n    ${diffs.join('\n    ')}`);
        else agreed++;
      }
    } finally {
      for (const c of [admin, a, b]) await c.end();
    }
    console.log(`      lint corpus on PostgreSQL ${major}: ${agreed}/${cases.length} statements agree with the server`);
    assert.deepEqual(failures, [], `PostgreSQL ${major} disagrees with the lock model:\n  ${failures.join('\n  ')}`);
  });
});
