// One engine per chain: what every front end asks of a chain's database (preview a run, upgrade,
// downgrade, stamp, reset, offline SQL), whoever runs it. engine/index.ts picks the engine from the
// chain's project once (an Alembic project: its own Alembic; otherwise the native runner), after the
// stairway's StairwayEngine (stairway/driver.ts). The CLI and the editor render what these return;
// neither asks which engine it has (test/unit/layering.test.ts greps them for a fork).
import type { OfflineAlembic } from '../alembic/offline-sql';
import type { Direction } from '../chain/model';
import type { DriftOptions } from '../drift/drift';
import type { FleetAlembic } from '../environments/fleet-run';
import type { StairwayEngine } from '../stairway/driver';
import type { Logger } from '../log';
import type { ResetPreview, ResetResult } from '../reset/reset';
import type { RunPlan } from '../run/preview';
import type { RunResult } from '../run/runner';
import type { SessionOptions } from '../run/session';
import type { RiskyStatement } from '../sql/risky';
import type { VerifyReport } from '../verify/verify';

/**
 * What a front end passes with every database call: the URL, narration, Cancel, and the session's
 * lock settings (SessionOptions: lock and statement timeouts, the lease, the application name).
 */
export type RunSettings = Pick<SessionOptions, 'url' | 'logger' | 'signal' | 'lockTimeoutMs' | 'statementLockTimeoutMs' | 'applicationName' | 'leaseMs'>;

/** What a run guarantees if a migration fails. */
export type RunGuarantee =
  /** Every step runs in its own transaction: a failure leaves the database at the previous revision. */
  | { kind: 'per-migration' }
  /** These steps run without a transaction: a failure inside one leaves its earlier statements applied. */
  | { kind: 'may-partially-apply'; revisions: string[] };

/** Everything a confirmation shows before a run, computed before anything changes. */
export interface RunPreview {
  plan: RunPlan;
  /** Each step's destructive and non-transactional statements ([] when none, or not read). */
  riskyOf: (step: { revision: string }) => RiskyStatement[];
  /** The lint's lines for blocking locks on large tables of the target (upgrades only; [] when none). */
  largeTableLocks: string[];
  /** Those lines under their heading, ready to print; undefined when there are none. */
  largeTableLocksBlock?: string;
  guarantee: RunGuarantee;
  /** What the preview could not read (a revision Alembic cannot print offline), and what a downgrade drops. */
  notes: string[];
}

export interface PreviewRunOptions {
  /**
   * Whether to read the risky statements (for an Alembic project that is one offline Alembic process).
   * A function decides once the plan and the locks are known (the editor asks only when it shows a modal).
   * Default: read them.
   */
  statements?: boolean | ((preview: Omit<RunPreview, 'riskyOf' | 'notes'>) => boolean);
}

export interface EngineRunResult extends RunResult {
  /** Verify after the run, when the engine runs it (an Alembic upgrade that reached every head). */
  verify?: VerifyReport;
  /** Who ran the migrations, when not this program itself: "Alembic". */
  via?: string;
}

export interface EngineStampResult {
  from: string[];
  to: string[];
  /** Stamped although verify blocks failed or the database recorded unknown revisions (--force). */
  forced: boolean;
  via?: string;
}

export interface EngineResetOptions extends RunSettings {
  /** Shown what will be dropped and the guarantee; must resolve true, else nothing changes. */
  confirm: (info: ResetPreview) => Promise<boolean>;
  backupFile?: string;
  /** Rehearse on a scratch database first when the guarantee needs it (default true). */
  rehearse?: boolean;
}

export interface EngineResetResult extends ResetResult {
  via?: string;
}

export interface OfflineSqlOptions {
  direction: Direction;
  /** Alembic-style target. */
  target: string;
  /** Start from these heads ([] = base); otherwise the database's heads when `url` is given, else base. */
  from?: string[];
  url?: string;
  logger?: Logger;
  signal?: AbortSignal;
}

export interface OfflineSql {
  sql: string;
  /** The run's steps and their risky statements, for the notes printed next to the script. */
  steps: RunPlan['steps'];
  riskyOf: (step: { revision: string }) => RiskyStatement[];
  /** A revision that could not be rendered offline (named, with file and reason); the script says where. */
  error?: Error;
}

export interface ChainEngine {
  /** Who runs the migrations, for messages: "migration-chain" or "Alembic". */
  readonly name: string;
  /** Whether a call runs the project's own code (Python): the editor allows that only in a trusted workspace. */
  readonly runsProjectCode: boolean;
  previewRun(direction: Direction, target: string, settings: RunSettings, options?: PreviewRunOptions): Promise<RunPreview>;
  upgrade(target: string, settings: RunSettings): Promise<EngineRunResult>;
  downgrade(target: string, settings: RunSettings): Promise<EngineRunResult>;
  stamp(target: string, settings: RunSettings & { force?: boolean }): Promise<EngineStampResult>;
  /**
   * What a reset would drop and which guarantee applies, before anything runs; undefined when this
   * engine can tell only inside the run (Alembic's preflight starts Alembic): `reset`'s confirm gets it.
   */
  previewReset(settings: RunSettings & { rehearse?: boolean }): Promise<ResetPreview | undefined>;
  reset(options: EngineResetOptions): Promise<EngineResetResult>;
  offlineSql(options: OfflineSqlOptions): Promise<OfflineSql>;
  /** The stairway's engines for this chain (undefined: the stairway's own native one). */
  stairwayEngines(): Promise<StairwayEngine[] | undefined>;
  /** How the drift check builds its scratch database (undefined: the native runner). */
  driftScratchBuilder(settings: { signal?: AbortSignal }): Promise<DriftOptions['buildScratch']>;
  /** How the lint reads revisions it cannot read as text (an Alembic project's `.py`: offline SQL); undefined: none. */
  lintInput(settings: { url?: string; logger?: Logger; signal?: AbortSignal }): Promise<(() => OfflineAlembic) | undefined>;
  /** The per-project part of a fleet run (undefined: the native runner per target). */
  fleetAlembic(): Promise<FleetAlembic | undefined>;
}
