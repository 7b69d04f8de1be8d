// Which URL a run that needs one database session from start to end (a reset's drop and rebuild, a
// delegated Alembic run whose connection env.py opens) uses when a direct URL is configured: the
// direct one when the main URL goes through a pooler, the main one otherwise. The native upgrade and
// downgrade decide inside their session instead (run/session.ts), at no extra connection, because
// only some of their steps need a session.
import { connect, describeTarget, parseDatabaseUrl } from './client';
import { classifyConnection } from './pooler';
import { silentLogger, type Logger } from '../log';

export interface SessionUrlOptions {
  url: string;
  /** The URL that bypasses the pooler (Prisma's `directUrl`). */
  directUrl?: string;
  applicationName?: string;
  logger?: Logger;
}

/**
 * `directUrl` when `url` is pooled (the same proof runs use: the server pid against the driver's key,
 * the pooler's port or host), else `url`. Without a direct URL nothing is probed: the run's own
 * session check refuses through a pooler, naming this fix.
 */
export async function sessionUrl(o: SessionUrlOptions, what: string): Promise<string> {
  if (!o.directUrl || o.directUrl === o.url) return o.url;
  const target = parseDatabaseUrl(o.url);
  const client = await connect(o.url, { applicationName: o.applicationName });
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const finding = await classifyConnection(client, target, rows[0].pid);
    if (!finding.pooled) return o.url;
    (o.logger ?? silentLogger).info(`${describeTarget(target)} goes through a pooler (${finding.evidence.join('; ')}) and ${what} needs one database session: `
      + `running on the direct URL (${describeTarget(parseDatabaseUrl(o.directUrl))}) instead.`);
    return o.directUrl;
  } finally {
    await client.end().catch(() => {});
  }
}
