// Figure 14: writing the next revision from a dev database whose schema is the seed chain plus 20
// changes, as a whole CLI process (`revision --from-database`: scratch build of the head, the diff
// both ways, the rehearsal on the scratch build, the file, the lint). Baseline in the same run: the
// bundled CLI upgrading a fresh database with the seed chain, the part no generation can skip.
// And re-apply on save of the seed's last revision (authoring/reapply.ts), in process as the editor
// runs it: from the saved file to the result (re-read the one changed file, the rules' reads, the
// downgrade and the upgrade through the native engine, each under the migration lock). Floor in the
// same run: node + pg alone, one connection sending the downgrade and the upgrade in their own
// transactions with the version-row updates, no files, no lock, no audit log.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { reapplyHead } from '../../src/core/authoring/reapply';
import { ChainCache } from '../../src/core/chain/cache';
import { loadChain } from '../../src/core/chain/load';
import { chainEngine } from '../../src/core/engine';
import { upgrade } from '../../src/core/run/runner';
import { REPO_ROOT, timeCli } from '../lib/cli';
import { scratch, type BenchContext } from '../lib/context';
import { alternate } from '../lib/measure';
import { withClient } from '../lib/postgres';
import { atMost, pairedRatio, type Figure } from '../lib/report';

/** Twenty changes a day of work might make: columns, defaults, indexes, constraints, a table, a view, an enum. */
export const TWENTY_CHANGES = [
  'ALTER TABLE prospects ADD COLUMN phone text',
  'ALTER TABLE prospects ADD COLUMN country char(2)',
  "ALTER TABLE prospects ALTER COLUMN status SET DEFAULT 'contacted'",
  'ALTER TABLE prospects ALTER COLUMN name SET NOT NULL',
  'CREATE INDEX prospects_created_at_idx ON prospects (created_at)',
  'ALTER TABLE jobs ADD COLUMN priority integer NOT NULL DEFAULT 5',
  'ALTER TABLE jobs ADD CONSTRAINT jobs_priority_check CHECK (priority BETWEEN 0 AND 10)',
  "CREATE INDEX jobs_pending_idx ON jobs (run_at) WHERE status = 'pending'",
  'ALTER TABLE jobs ALTER COLUMN attempts DROP DEFAULT',
  'ALTER TABLE email_logs ADD COLUMN opened_at timestamptz',
  'ALTER TABLE email_logs ADD CONSTRAINT email_logs_message_id_key UNIQUE (message_id)',
  'ALTER TABLE settings ADD COLUMN scope text',
  'CREATE TABLE tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label text NOT NULL UNIQUE)',
  'CREATE TABLE prospect_tags (prospect_id bigint REFERENCES prospects(id) ON DELETE CASCADE, tag_id bigint REFERENCES tags(id), PRIMARY KEY (prospect_id, tag_id))',
  "CREATE TYPE channel AS ENUM ('email', 'phone')",
  'ALTER TABLE email_logs ADD COLUMN channel channel',
  "CREATE VIEW pending_jobs AS SELECT id, type FROM jobs WHERE status = 'pending'",
  'CREATE FUNCTION prospect_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM prospects $$',
  "COMMENT ON TABLE tags IS 'labels for prospects'",
  'ALTER TABLE discovery_queries ADD COLUMN owner text',
];

export async function authoringFigures(ctx: BenchContext): Promise<Figure[]> {
  const server = ctx.db!.server;
  const seedDir = join(REPO_ROOT, 'migrations');
  const chain = await loadChain(seedDir);
  const work = scratch(ctx, 'authoring');
  ctx.progress(`14: revision --from-database on the seed chain + ${TWENTY_CHANGES.length} changes, ${ctx.runs} runs`);
  const s = await alternate(ctx.runs, {
    generate: async () => {
      const dir = mkdtempSync(join(work, 'chain-'));
      cpSync(seedDir, dir, { recursive: true });
      const url = await server.createDatabase('bench_gen');
      try {
        await upgrade({ chain, url });
        await withClient(url, (c) => c.query(TWENTY_CHANGES.join(';\n')));
        const r = timeCli(['revision', '--from-database', '-m', 'twenty changes', '--dir', dir], { cwd: work, url });
        if (!/^Created revision [0-9a-f]{12}/m.test(r.stdout)) throw new Error(`no revision written:\n${r.stdout}`);
        if (readdirSync(dir).length !== readdirSync(seedDir).length + 1) throw new Error('expected exactly one new file');
        return r.ms;
      } finally {
        await server.dropDatabase(url);
        rmSync(dir, { recursive: true, force: true });
      }
    },
    upgradeSeed: async () => {
      const url = await server.createDatabase('bench_gen_base');
      try {
        return timeCli(['upgrade', '--dir', seedDir], { cwd: work, url }).ms;
      } finally {
        await server.dropDatabase(url);
      }
    },
  });
  return [{
    group: 14,
    name: `revision --from-database, seed chain + ${TWENTY_CHANGES.length} changes (whole CLI process)`,
    unit: 'ms',
    ours: s.generate.median,
    baseline: { name: 'upgrade the seed chain (CLI)', value: s.upgradeSeed.median },
    ratio: pairedRatio(s.generate, s.upgradeSeed),
    goals: [],
    note: 'scratch build + diff both ways + rehearsal + lint, against the scratch build alone (no goal set)',
  }, await reapplyFigure(ctx, seedDir, work)];
}

const SEED_HEAD = '556b79de2825';
const HEAD_FILE = '556b79de2825_add_discovery_query_id_to_prospects.sql';

/** The head's text with one more column, named per round, so every save is a real change. */
function editedHead(original: string, column: string): string {
  return original
    .replace('-- migrate:downgrade', `-- migrate:downgrade\nALTER TABLE prospects DROP COLUMN IF EXISTS ${column};`)
    .replace('-- migrate:verify', `-- migrate:verify\nSELECT ${column} FROM prospects LIMIT 0;`)
    .replace(/(CREATE INDEX IF NOT EXISTS prospects_discovery_query_id_idx[^\n]*\n)/, `$1ALTER TABLE prospects ADD COLUMN ${column} integer;\n`);
}

async function reapplyFigure(ctx: BenchContext, seedDir: string, work: string): Promise<Figure> {
  const server = ctx.db!.server;
  const dir = mkdtempSync(join(work, 'reapply-'));
  cpSync(seedDir, dir, { recursive: true });
  const file = join(dir, HEAD_FILE);
  const original = readFileSync(file, 'utf8');
  const cache = new ChainCache();
  const url = await server.createDatabase('bench_reapply');
  const floorUrl = await server.createDatabase('bench_reapply_floor');
  ctx.progress(`14: re-apply on save of the seed's last revision, ${ctx.runs} runs`);
  try {
    await upgrade({ chain: await loadChain(dir, { cache }), url });
    await upgrade({ chain: await loadChain(seedDir), url: floorUrl });
    const seedHead = (await loadChain(seedDir)).graph.get(SEED_HEAD)!;
    const s = await alternate(ctx.runs, {
      reapply: async (round) => {
        const column = `bench_round_${round}`;
        writeFileSync(file, editedHead(original, column));
        const started = performance.now();
        const chain = await loadChain(dir, { cache, changed: [file] });
        const r = await reapplyHead({ chain, file, url, engineFor: (c) => chainEngine(c, undefined) });
        const ms = performance.now() - started;
        if (r.outcome !== 'applied') throw new Error(`re-apply did not apply: ${JSON.stringify(r)}`);
        const cols = await withClient(url, (c) => c.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'prospects' AND column_name = $1", [column]));
        if (cols.rowCount !== 1) throw new Error(`the database lacks ${column} after the re-apply`);
        return ms;
      },
      floor: async () => {
        const started = performance.now();
        const client = new Client({ connectionString: floorUrl });
        await client.connect();
        try {
          await client.query('BEGIN');
          await client.query(seedHead.downgrade!.text);
          await client.query('UPDATE alembic_version SET version_num = $1 WHERE version_num = $2', [seedHead.downRevisions[0], SEED_HEAD]);
          await client.query('COMMIT');
          await client.query('BEGIN');
          await client.query(seedHead.upgrade!.text);
          await client.query('UPDATE alembic_version SET version_num = $1 WHERE version_num = $2', [SEED_HEAD, seedHead.downRevisions[0]]);
          await client.query('COMMIT');
        } finally {
          await client.end();
        }
        return performance.now() - started;
      },
    });
    return {
      group: 14,
      name: 're-apply on save of the seed\'s last revision (in process: saved file to result)',
      unit: 'ms',
      ours: s.reapply.median,
      baseline: { name: 'downgrade + upgrade with node + pg alone', value: s.floor.median },
      ratio: pairedRatio(s.reapply, s.floor),
      goals: [atMost(1000, 'ms', s.reapply.median)],
      note: 'one changed file re-read, the rules\' reads (heads, lock holder, stored downgrade), downgrade and upgrade each under the migration lock with their audit rows',
    };
  } finally {
    await server.dropDatabase(url);
    await server.dropDatabase(floorUrl);
    rmSync(dir, { recursive: true, force: true });
  }
}
