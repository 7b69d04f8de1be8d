// The CLI's one door into the engine (like the editor's src/extension/core.ts): no other file under
// src/cli imports src/core (test/unit/layering.test.ts). The engine's barrel and its heavier rooms are
// required on first use so that starting the process costs only what the chosen command needs; the
// light pieces every command may use (errors, text helpers, the URL precedence) are re-exported here.
// The types come from the engine itself, so they cannot drift.

export type Core = typeof import('../core');
export type {
  AlembicProject, Chain, ChainDiagnostic, ChainEngine, ChainStatus, DatabaseDescription, DatabaseTarget, DriftReport, ErrorCode, HeldLock,
  HeadPairAdvice, Logger, ResetPreview, RevisionGraph, RevisionState, RunPlan, RunPlanStep, RunPreview, RunResult,
  StairwayReport, StairwaySelection, VerifyReport,
} from '../core';
export type { AlembicLocations } from '../core/chain/load';
export type { ChainLintResult } from '../core/lint/chain';
export type { LintFinding } from '../core/lint/model';
export type { RiskPreview } from '../core/sql/risky';
export type {
  Environment, EnvironmentsConfig, FleetRunResult, FleetStatus, FleetTarget, TargetStatus,
} from '../core/environments';

// Light values: no driver, no parser, nothing that reads a file at load.
export { CancelledError, ChainError, ConfirmationError, MigrationChainError, SqlError, UsageError, describeLockHolder, formatDiagnostic } from '../core/errors';
export { formatMs } from '../core/log';
export { secretFormsOf } from '../core/secrets';
export { editDistance } from '../core/text';
export { confirmationLevel } from '../core/db/protected';
export { readSqlalchemyUrlSync } from '../core/chain/alembic-ini';
export { describeUrlSource, resolveDatabaseUrl, resolveDirectUrl, type ResolvedUrl } from '../core/db/database-url';
export { dotenvSearchPath } from '../core/dotenv';
export { alembicProject } from '../core/alembic/read/project';
export { irreversible } from '../core/run/step';
export { hasRisks, upgradeRisks } from '../core/sql/risky';
export { describeEffect } from '../core/lint/describe';
export { LINT_RULES, docsUrl } from '../core/lint/rules';

/* eslint-disable @typescript-eslint/no-require-imports -- the engine is required on first use, so a command loads only what it needs */
let cached: Core | undefined;

/** The whole engine (database commands). */
export function loadCore(): Core {
  cached ??= require('../core') as Core;
  return cached;
}

/**
 * The file side of the engine (parse, graph): `check`, `history`, `heads` load nothing else, so a
 * pre-commit hook stays fast.
 */
export function loadChainApi(): typeof import('../core/chain') {
  return require('../core/chain') as typeof import('../core/chain');
}

/** New revisions and merges (`revision`, `merge`): files only. */
export function loadAuthoringApi(): typeof import('../core/authoring/create-revision') & typeof import('../core/authoring/merge-heads') {
  return { ...require('../core/authoring/create-revision') as object, ...require('../core/authoring/merge-heads') as object } as
    typeof import('../core/authoring/create-revision') & typeof import('../core/authoring/merge-heads');
}

/** Merge advice for several heads (pure; reads no database and loads no driver). */
export function loadAdviceApi(): typeof import('../core/advice/heads') {
  return require('../core/advice/heads') as typeof import('../core/advice/heads');
}

/** Finding Alembic projects (alembic.ini) around the working directory. */
export function loadFindApi(): typeof import('../core/alembic/read/find') {
  return require('../core/alembic/read/find') as typeof import('../core/alembic/read/find');
}

/** The lock-risk lint (its parser loads on the first lint). */
export function loadLintApi(): typeof import('../core/lint/chain') {
  return require('../core/lint/chain') as typeof import('../core/lint/chain');
}

/** Reading an Alembic project through its own Alembic (check, history, heads). */
export function loadAlembicReadingApi() {
  return {
    policy: require('../core/alembic/python-policy') as typeof import('../core/alembic/python-policy'),
    find: require('../core/alembic/read/find') as typeof import('../core/alembic/read/find'),
    helper: require('../core/alembic/read/graph-helper') as typeof import('../core/alembic/read/graph-helper'),
    compare: require('../core/alembic/read/graph-compare') as typeof import('../core/alembic/read/graph-compare'),
  };
}

/** The revision graph: layout and export. */
export function loadGraphApi(): typeof import('../core/graph-view') {
  return require('../core/graph-view') as typeof import('../core/graph-view');
}

/** Environments and fleets. */
export function loadEnvironmentsApi(): typeof import('../core/environments') {
  return require('../core/environments') as typeof import('../core/environments');
}
/* eslint-enable @typescript-eslint/no-require-imports */

export type { EnvironmentState, ExportFormat, NodeMarks } from '../core/graph-view';
