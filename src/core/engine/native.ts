// The native engine: this program's own runner (run/), for `.sql` and `.js` chains.
import type { Chain } from '../chain/chain';
import { MigrationChainError } from '../errors';
import { previewReset, reset } from '../reset/native-reset';
import { renderSql } from '../run/offline';
import { planRun } from '../run/preview';
import { downgrade, upgrade, type BlockerFinder } from '../run/runner';
import { stamp } from '../run/stamp';
import { riskyOfStep } from '../sql/risky';
import { runVerifyBlock } from '../verify/blocks';
import type { ChainEngine, RunSettings } from './engine';
import { buildPreview } from './preview';

/** The session options every native run takes from the settings; blockers are named by the lint's lock model. */
function runOptions(chain: Chain, s: RunSettings) {
  return {
    ...s, chain, findBlockers: describeBlockers,
  };
}

/** The lint's lock model, loaded only when a statement gave up on lock_timeout. */
const describeBlockers: BlockerFinder = (client, statement) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the lock model loads only when needed
  const api = require('../lint/blockers') as typeof import('../lint/blockers');
  return api.describeBlockers(client, statement);
};

export function nativeChainEngine(chain: Chain): ChainEngine {
  return {
    name: 'migration-chain',
    runsProjectCode: false,
    async previewRun(direction, target, settings) {
      const plan = await planRun({ chain, url: settings.url, direction, target, applicationName: settings.applicationName });
      // The statements are read from the files, in process: cheap, so always.
      return buildPreview({ chain, plan, direction, settings, options: { statements: true }, readStatements: () => Promise.resolve({ riskyOf: riskyOfStep(chain.graph), notes: [] }) });
    },
    upgrade: (target, settings) => upgrade({ ...runOptions(chain, settings), target }),
    downgrade: (target, settings) => downgrade({ ...runOptions(chain, settings), target }),
    async stamp(target, settings) {
      const result = await stamp({ ...runOptions(chain, settings), target, force: settings.force, runVerifyBlock });
      return { from: result.from, to: result.to, forced: result.forced };
    },
    previewReset: (settings) => previewReset({ chain, url: settings.url, rehearse: settings.rehearse, applicationName: settings.applicationName }),
    reset: (o) => reset({ ...runOptions(chain, o), confirm: o.confirm, backupFile: o.backupFile, rehearse: o.rehearse }),
    async offlineSql(o) {
      const sql = await renderSql({ chain, direction: o.direction, target: o.target, from: o.from, url: o.url, logger: o.logger });
      // The same start renderSql used: the database's heads when a URL is given, else FROM / base.
      const steps = o.url && !o.from
        ? (await planRun({ chain, url: o.url, direction: o.direction, target: o.target })).steps
        : offlineSteps(chain, o.direction, o.target, o.from ?? []);
      return { sql, steps, riskyOf: riskyOfStep(chain.graph) };
    },
    stairwayEngines: () => Promise.resolve(undefined),
    driftScratchBuilder: () => Promise.resolve(undefined),
    lintInput: () => Promise.resolve(undefined),
    fleetAlembic: () => Promise.resolve(undefined),
    autogenerate: () => Promise.reject(noModels('autogenerate')),
    checkModels: () => Promise.reject(noModels('check --models')),
  };
}

/** A native chain has no SQLAlchemy models to compare with the database. */
function noModels(verb: string): MigrationChainError {
  return new MigrationChainError('usage', `${verb} compares an Alembic project's SQLAlchemy models with the database; this chain has no alembic.ini.`,
    'For a native chain, `migration-chain revision --from-database -m MSG` writes the next revision from the dev database, and `verify --drift` compares the database with the chain.');
}

function offlineSteps(chain: Chain, direction: 'up' | 'down', target: string, from: string[]) {
  const resolved = chain.graph.resolve(target, from).revisions;
  const revisions = direction === 'up' ? chain.graph.upgradePlan(from, resolved) : chain.graph.downgradePlan(from, resolved);
  return revisions.map((r) => chain.graph.get(r)!).map((m) => ({
    revision: m.revision, message: m.message, file: m.file, transactional: m.transactional, hasDowngrade: m.hasDowngrade,
  }));
}
