// Figure 14: writing the next revision from a dev database whose schema is the seed chain plus 20
// changes, as a whole CLI process (`revision --from-database`: scratch build of the head, the diff
// both ways, the rehearsal on the scratch build, the file, the lint). Baseline in the same run: the
// bundled CLI upgrading a fresh database with the seed chain, the part no generation can skip.
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadChain } from '../../src/core/chain/load';
import { upgrade } from '../../src/core/run/runner';
import { REPO_ROOT, timeCli } from '../lib/cli';
import { scratch, type BenchContext } from '../lib/context';
import { alternate } from '../lib/measure';
import { withClient } from '../lib/postgres';
import { pairedRatio, type Figure } from '../lib/report';

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
  }];
}
