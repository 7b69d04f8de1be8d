// Who is in the way when a migration's statement gave up on lock_timeout: the lock model says
// which tables the statement locks and in which mode; pg_locks says which other sessions hold a
// conflicting lock on them, and pg_stat_activity who they are.
import type { ClientBase } from 'pg';
import type { BlockerFinder } from '../run/runner';
import { statementEffect } from './effects';
import { emptyFacts } from './facts';
import { conflicts, lockModeFromPgLocks, type LockMode } from './locks';
import { loadPgParser } from './parser';

export interface Blocker {
  pid: number;
  applicationName: string;
  state: string;
  queryStart: Date | null;
  query: string;
  relation: string;
  heldMode: LockMode;
  wantedMode: LockMode;
}

export async function findBlockers(client: ClientBase, statement: string): Promise<Blocker[]> {
  const parser = await loadPgParser();
  const parsed = parser.parse(statement);
  if (!parsed.ok) return [];
  const schema = (await client.query<{ s: string | null }>('SELECT current_schema() AS s')).rows[0].s ?? 'public';
  const wanted = new Map<string, LockMode>();
  for (const raw of parsed.stmts) {
    if (!raw.stmt) continue;
    for (const r of statementEffect(raw.stmt, emptyFacts({ defaultSchema: schema })).relations) wanted.set(r.relation, r.lock);
  }
  if (wanted.size === 0) return [];
  const { rows } = await client.query<{ pid: number; app: string | null; state: string | null; query_start: Date | null; query: string | null; rel: string; mode: string }>(
    `SELECT a.pid, a.application_name AS app, a.state, a.query_start, left(a.query, 200) AS query,
            n.nspname || '.' || c.relname AS rel, l.mode
       FROM pg_locks l
       JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.granted AND l.locktype = 'relation' AND l.pid <> pg_backend_pid()
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND n.nspname || '.' || c.relname = ANY($1)
      ORDER BY a.query_start NULLS LAST, a.pid`, [[...wanted.keys()]]);
  const out: Blocker[] = [];
  for (const r of rows) {
    const held = lockModeFromPgLocks(r.mode);
    const want = wanted.get(r.rel);
    if (!held || !want || !conflicts(want, held)) continue;
    if (out.some((b) => b.pid === r.pid && b.relation === r.rel)) continue;
    out.push({ pid: r.pid, applicationName: r.app ?? '', state: r.state ?? '', queryStart: r.query_start, query: r.query ?? '', relation: r.rel, heldMode: held, wantedMode: want });
  }
  return out;
}

export function describeBlocker(b: Blocker): string {
  return `pid ${b.pid} (${b.applicationName || 'no application name'}, ${b.state || 'unknown state'}, query started ${b.queryStart?.toISOString() ?? 'unknown'}) `
    + `holds ${b.heldMode} on ${b.relation}${b.query ? `: ${b.query.replace(/\s+/g, ' ').trim()}` : ''}`;
}

/** The runner's BlockerFinder (run/runner.ts): the blockers of `statement`, one line each. */
export const describeBlockers: BlockerFinder = async (client, statement) => (await findBlockers(client, statement)).map(describeBlocker);
