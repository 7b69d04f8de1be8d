// Parity of two environments: both schemas read from the catalogs and compared with the drift
// check's snapshot and diff, each difference linked to the migration that creates the object.
// "expected" is environment A, "actual" environment B: `missing` = only in A, `extra` = only in B.
import type { Chain } from '../chain/chain';
import { withConnection } from '../db/client';
import { bookkeeping, LOG_TABLE } from '../db/bookkeeping';
import { LOCK_TABLE } from '../db/lease';
import { readHeads } from '../db/version-table';
import { linkSources, upgradeTexts } from '../drift/sources';
import { diffSchemas, type SchemaDiffEntry } from '../schema/diff';
import { readSchema } from '../schema/snapshot';
import type { FleetTarget } from './targets';

export interface ParitySide {
  environment: string;
  display: string;
  schema: string;
  heads: string[];
}

export interface ParityReport {
  a: ParitySide;
  b: ParitySide;
  /** Sorted by kind, then name; `missing` = only in A, `extra` = only in B, `changed` = both, differently. */
  entries: SchemaDiffEntry[];
}

const APPLICATION_NAME = 'migration-chain (parity)';

export async function compareEnvironments(chain: Chain, a: FleetTarget, b: FleetTarget): Promise<ParityReport> {
  const [left, right] = await Promise.all([readSide(a), readSide(b)]);
  const order = chain.graph.topologicalOrder().map((r) => chain.graph.get(r)).filter((m) => m !== undefined);
  const entries = linkSources(diffSchemas(left.snapshot, right.snapshot), await upgradeTexts(order));
  return { a: left.side, b: right.side, entries };
}

async function readSide(t: FleetTarget) {
  const schema = t.schema ?? 'public';
  const bk = bookkeeping({ versionTableSchema: t.schema });
  return withConnection(t.url, { applicationName: APPLICATION_NAME }, async (c) => {
    const heads = await readHeads(c, bk);
    const snapshot = await readSchema(c, schema, { exclude: [bk.table, LOG_TABLE, LOCK_TABLE] });
    return { side: { environment: t.environment, display: t.display, schema, heads }, snapshot };
  });
}

/** The report as text: one block per difference, named by side, with the migration that makes the object. */
export function formatParity(report: ParityReport): string {
  const { a, b } = report;
  const heads = (s: ParitySide) => s.heads.join(', ') || 'base';
  const lines = [`${a.environment} (${heads(a)}) vs ${b.environment} (${heads(b)})`];
  if (report.entries.length === 0) {
    lines.push(`No differences: schema "${a.schema}" of ${a.environment} and schema "${b.schema}" of ${b.environment} match.`);
    return lines.join('\n');
  }
  lines.push(`${report.entries.length} difference${report.entries.length === 1 ? '' : 's'}:`);
  const where = { missing: `only in ${a.environment}`, extra: `only in ${b.environment}`, changed: 'differs' } as const;
  for (const e of report.entries) {
    lines.push('', `${e.kind} ${e.name}: ${where[e.change]}`);
    if (e.expected !== undefined) lines.push(`  ${a.environment}: ${e.expected.replace(/\n/g, '\n    ')}`);
    if (e.actual !== undefined) lines.push(`  ${b.environment}: ${e.actual.replace(/\n/g, '\n    ')}`);
    if (e.source) lines.push(`  created by ${e.source.revision} (${e.source.file}:${e.source.line})`);
  }
  return lines.join('\n');
}
