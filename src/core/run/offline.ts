// Offline mode (`alembic upgrade head --sql`): the SQL of an upgrade or downgrade as one script, with
// the version-table statements, each migration in its own BEGIN/COMMIT. When a database URL is given
// and reachable the script starts from that database's recorded heads (Alembic makes you type
// `current:head`); otherwise from `from`, else from base.
import type { Direction, SqlSection } from '../chain/model';
import type { Chain } from '../chain/chain';
import { logDirection, renderLogInsert } from '../db/audit-log';
import { withConnection } from '../db/client';
import { readHeads, renderVersionStatement, versionTransition } from '../db/version-table';
import {
  bookkeeping, bookkeepingTables, createLogTableSql, createVersionTableSql, type Bookkeeping, type VersionTableOptions,
} from '../db/bookkeeping';
import { hasSqlText } from '../chain/formats';
import { MigrationChainError } from '../errors';
import { silentLogger, type Logger } from '../log';
import { splitSqlStatements } from '../sql/split';
import { assertRunnable, planDowngrade, planUpgrade } from './plan';

export interface RenderSqlOptions extends VersionTableOptions {
  chain: Chain;
  direction: Direction;
  target: string;
  /** Start from these heads instead of the database's / base. */
  from?: string[];
  url?: string;
  logger?: Logger;
}

export async function renderSql(options: RenderSqlOptions): Promise<string> {
  assertRunnable(options.chain);
  const logger = options.logger ?? silentLogger;
  const bk = bookkeeping(options);
  const start = await startingPoint(options, bk, logger);
  const plan = options.direction === 'up'
    ? planUpgrade(options.chain, start.heads, options.target)
    : planDowngrade(options.chain, start.heads, options.target);
  const scripts = plan.migrations.filter((m) => !hasSqlText(m));
  if (scripts.length > 0) {
    throw new MigrationChainError('usage',
      `Cannot render SQL offline for ${scripts.map((m) => `${m.revision} (${m.format})`).join(', ')}: only .sql migrations have SQL to print.`,
      'Run those migrations online, or render a range that excludes them.');
  }

  const out: string[] = [
    `-- Migration Chain offline SQL: ${options.direction === 'up' ? 'upgrade' : 'downgrade'} ${plan.from.join(', ') || '<base>'} -> ${plan.to.join(', ') || '<base>'}`,
    `-- Starting point: ${start.source}`,
    '',
  ];
  if (!start.versionTableExists && options.direction === 'up' && plan.revisions.length > 0) {
    out.push('BEGIN;', '', `${createVersionTableSql(bk, true)};`, '', `${createLogTableSql(bk)};`, '', 'COMMIT;', '');
  }
  let heads = [...plan.from];
  for (const m of plan.migrations) {
    const direction = logDirection(options.direction);
    const after = options.chain.graph.headsAfter(options.direction, heads, m.revision);
    out.push(`-- Running ${direction} ${heads.join(', ')} -> ${after.join(', ')}  (${m.revision}${m.message ? `: ${m.message}` : ''})`);
    const body = sectionSql(direction === 'upgrade' ? m.upgrade : m.downgrade);
    const bookkeepingSql = [
      ...versionTransition(heads, after).map((s) => `${renderVersionStatement(bk, s)};`),
      `${renderLogInsert(bk, { revision: m.revision, direction, checksum: m.checksum, client: 'migration-chain --sql' })};`,
    ];
    if (m.transactional) {
      out.push('BEGIN;', '', ...(body ? [body, ''] : []), ...bookkeepingSql, '', 'COMMIT;', '');
    } else {
      out.push(`-- ${m.revision} is non-transactional: its statements run outside a transaction.`, '',
        ...(body ? [body, ''] : []), 'BEGIN;', '', ...bookkeepingSql, '', 'COMMIT;', '');
    }
    heads = after;
  }
  if (plan.migrations.length === 0) out.push('-- Nothing to do.', '');
  return out.join('\n');
}

async function startingPoint(options: RenderSqlOptions, bk: Bookkeeping, logger: Logger): Promise<{ heads: string[]; versionTableExists: boolean; source: string }> {
  if (options.from) {
    return { heads: [...options.from].sort(), versionTableExists: options.from.length > 0, source: `given (${options.from.join(', ') || 'base'})` };
  }
  if (options.url) {
    try {
      return await withConnection(options.url, { connectTimeoutMs: 5000 }, async (client) => {
        const tables = await bookkeepingTables(client, bk);
        const heads = await readHeads(client, bk, tables);
        return { heads, versionTableExists: tables.version, source: `the database's recorded version (${heads.join(', ') || 'base'})` };
      });
    } catch (err) {
      logger.warn(`Could not read the database's version (${(err as Error).message}); rendering from base.`);
    }
  }
  return { heads: [], versionTableExists: false, source: 'base (empty database)' };
}

/** The section's text, trimmed, with a `;` after its last statement so the script can be run as one. */
function sectionSql(section: SqlSection | undefined): string {
  if (!section) return '';
  const text = section.text.trim();
  const statements = splitSqlStatements(text);
  const last = statements[statements.length - 1];
  if (!last) return text;
  const end = last.offset + last.text.length;
  if (text.slice(end).trimStart().startsWith(';')) return text;
  return `${text.slice(0, end)};${text.slice(end)}`;
}
