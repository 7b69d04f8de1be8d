// The Alembic engine: an Alembic project's chain runs through the project's own Alembic, under our
// migration lock (alembic/run/locked-run.ts, alembic/run/alembic-reset.ts); its previews read Alembic's offline SQL
// (alembic/run/offline-preview.ts). The command is resolved once, on first use.
import type { Chain } from '../chain/chain';
import { resolveAlembicCommand, type ResolvedAlembicCommand } from '../alembic/python-policy';
import { repositoryRoot } from '../alembic/read/find';
import type { OfflineAlembic } from '../alembic/run/offline-sql';
import { alembicRisks, alembicScratchBuilder, alembicSql } from '../alembic/run/offline-preview';
import type { AlembicProject } from '../alembic/read/project';
import { alembicAutogenerate, alembicCheck } from '../alembic/run/autogenerate';
import { alembicReset } from '../alembic/run/alembic-reset';
import { alembicDowngrade, alembicStamp, alembicUpgrade, type AlembicOptions } from '../alembic/run/locked-run';
import { withConnection } from '../db/client';
import { bookkeeping } from '../db/bookkeeping';
import { readHeads } from '../db/version-table';
import { CancelledError } from '../errors';
import { silentLogger } from '../log';
import { planRun } from '../run/preview';
import { alembicEngine } from '../stairway/alembic-engine';
import type { ChainEngine, RunSettings } from './engine';
import { buildPreview, dropsNote, type StatementReading } from './preview';

/** How to find the project's Alembic: the configured command (split into words), else looked for from the project up to `stopDir`. */
export interface AlembicSetup {
  configured?: readonly string[];
  /** Where to stop looking for a virtual environment (default: the repository root above the project). */
  stopDir?: string;
  /** The environment variable env.py reads the URL from (default DATABASE_URL). */
  envVariable?: string;
}

const VIA = 'Alembic';

export function alembicChainEngine(chain: Chain, project: AlembicProject, setup: AlembicSetup): ChainEngine {
  let command: Promise<ResolvedAlembicCommand> | undefined;
  const resolved = () => (command ??= (async () => resolveAlembicCommand({
    configured: setup.configured, projectDir: project.dir, stopDir: setup.stopDir ?? await repositoryRoot(project.dir), flaskMigrate: !!project.flaskMigrate,
  }))());
  const options = async (s: RunSettings): Promise<AlembicOptions> => ({
    chain, project, command: await resolved(), envVariable: setup.envVariable,
    ...s,
  });
  const offline = async (s: { url?: string; logger?: RunSettings['logger']; signal?: AbortSignal }): Promise<OfflineAlembic> => ({
    project, command: await resolved(), envVariable: setup.envVariable, logger: s.logger, signal: s.signal, ...(s.url ? { url: s.url } : {}),
  });

  return {
    name: VIA,
    runsProjectCode: true,
    async previewRun(direction, target, settings, previewOptions = {}) {
      // Alembic runs every format (.py too): the plan refuses none.
      const plan = await planRun({ chain, url: settings.url, direction, target, applicationName: settings.applicationName, throughAlembic: true });
      const lint = plan.steps.length && direction === 'up' ? await offline(settings) : undefined;
      return buildPreview({
        chain, plan, direction, settings, options: previewOptions,
        // The .py revisions' statements come from Alembic's offline SQL, as for `lint`.
        lintInput: lint ? () => lint : undefined,
        readStatements: async () => readStatements(chain, await offline(settings), direction, plan.steps.map((s) => s.revision), target, settings),
      });
    },
    async upgrade(target, settings) {
      return { ...await alembicUpgrade({ ...await options(settings), target }), via: VIA };
    },
    async downgrade(target, settings) {
      return { ...await alembicDowngrade({ ...await options(settings), target }), via: VIA };
    },
    async stamp(target, settings) {
      if (settings.force) (settings.logger ?? silentLogger).warn('--force has no effect on an Alembic project: Alembic\'s stamp checks nothing.');
      const result = await alembicStamp({ ...await options(settings), target });
      return { from: result.from, to: result.to, forced: false, via: VIA };
    },
    // Alembic's preflight (it starts, agrees on the heads, runs env.py) happens inside the run: the
    // confirm hook of `reset` receives the preview.
    previewReset: () => Promise.resolve(undefined),
    async reset(o) {
      return { ...await alembicReset({ ...await options(o), confirm: o.confirm, backupFile: o.backupFile, rehearse: o.rehearse }), via: VIA };
    },
    async offlineSql(o) {
      // Alembic's starting point is FROM, else the database's heads, else base.
      const from = o.from ?? (o.url ? await withConnection(o.url, { applicationName: 'migration-chain --sql' }, (c) => readHeads(c, bookkeeping({}))) : []);
      const result = await alembicSql(await offline(o), { chain, direction: o.direction, target: o.target, from });
      return { sql: result.sql, steps: [], riskyOf: () => [], error: result.error };
    },
    // Its revisions run through its own Alembic, one process per step.
    stairwayEngines: async () => [alembicEngine({ project, command: await resolved(), envVariable: setup.envVariable })],
    // Only Python runs its revisions: the scratch database is built by its own Alembic.
    driftScratchBuilder: async (s) => alembicScratchBuilder({ project, command: await resolved(), envVariable: setup.envVariable, signal: s.signal }),
    lintInput: async (s) => {
      const o = await offline(s);
      return () => o;
    },
    fleetAlembic: async () => ({ project, command: await resolved(), envVariable: setup.envVariable }),
    autogenerate: async (message, settings) => alembicAutogenerate(await options(settings), message),
    checkModels: async (settings) => alembicCheck(await options(settings)),
  };
}

/**
 * An Alembic run's risky statements from its offline SQL: an upgrade's destructive statements, what
 * a downgrade drops, and the revisions Alembic cannot print offline. A preview that cannot run
 * never blocks the run; it says so.
 */
async function readStatements(chain: Chain, o: OfflineAlembic, direction: 'up' | 'down', revisions: string[], target: string, settings: RunSettings): Promise<StatementReading> {
  try {
    const risks = await alembicRisks(o, chain, direction, revisions, target);
    const drops = direction === 'down'
      ? revisions.flatMap((r) => risks.riskyOf({ revision: r }).filter((x) => x.kind === 'destructive').map((x) => `  ${x.statement} (${r})`))
      : [];
    const notes = [
      ...dropsNote('The downgrade SQL (alembic downgrade --sql) deletes data:', drops),
      ...risks.failures.length ? [`Not previewed (Alembic cannot print their SQL offline):\n${risks.failures.map((f) => `  ${f.revision}: ${f.reason}`).join('\n')}`] : [],
    ];
    return { riskyOf: risks.riskyOf, notes };
  } catch (err) {
    if (err instanceof CancelledError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    (settings.logger ?? silentLogger).warn(`Alembic's offline SQL for the preview failed: ${message}`);
    return { riskyOf: () => [], notes: [`Not previewed: Alembic's offline SQL failed (${message.split('\n')[0]}).`] };
  }
}
