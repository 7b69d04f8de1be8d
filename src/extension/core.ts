// The extension's one door to the engine: no other file under src/extension imports src/core (the
// layering test enforces it). The engine's barrel is required on first use rather than imported, so
// activation does not even parse it; what is re-exported by value below is light and needed at
// activation or in pure editor models (errors, the format table, the confirmation and URL rules).
export type {
  Chain, ChainStatus, DatabaseDescription, DatabaseTarget, ResetPreview, Logger, Migration, RevisionState, RevisionStatus,
  RiskyStatement, RunPlan, RunPlanStep, RunResult, VerifyCheck, VerifyReport,
  AcceptFileResult, DriftReport, HeadAdviceKind, HeadPairAdvice, SchemaDiffEntry, Direction, ChainDiagnostic,
} from '../core';
export type { EnvironmentsConfig, FleetStatus, FleetTarget, LocatedChain, ParityReport, TargetStatus } from '../core';
export type { EnvironmentState, FileCommit, GraphLayout, NodeMark, ParentChange } from '../core';
export { ChainCache } from '../core/chain/cache';
export { CancelledError, ConfirmationError, MigrationChainError, SqlError, UntrustedWorkspaceError } from '../core/errors';
export { confirmationLevel } from '../core/db/protected';
export { describeUrlSource, resolveDatabaseUrl, resolveDirectUrl, type ResolvedUrl, type UrlSource } from '../core/db/database-url';
export { dotenvSearchPath } from '../core/dotenv';
export { sqlalchemyUrlOf } from '../core/chain/alembic-ini';
export { ENVIRONMENTS_FILE } from '../core/environments/config';
export { secretFormsOf } from '../core/secrets';
export { upgradeRisks } from '../core/sql/risky';
export { branchGroups, type BranchGroup } from '../core/stairway/branches';
export type { RevisionResult } from '../core/stairway/model';
export { selectRevisions } from '../core/stairway/select';
export type { OfflineAlembic } from '../core/alembic/run/offline-sql';
export type { ChainEngine, RunPreview, RunSettings } from '../core/engine';
export type { ReapplyResult } from '../core/authoring/reapply';
export type { AlembicProject } from '../core/alembic/read/project';
export type { AlembicGraphCache } from '../core/alembic/read/graph-cache';
export type { AlembicGraph } from '../core/alembic/read/graph-helper';
export { splitCommand } from '../core/alembic/python-policy';
export type { ChainLintResult } from '../core/lint/chain';
export type { DatabaseFacts } from '../core/lint/facts';
export type { AnalysedStatement, LintFinding, LintProblem } from '../core/lint/model';
// The lint one-liners (CodeLens, hover) are plain text functions; the parser itself loads on first lint.
export { describeEffect, describeRelationEffect } from '../core/lint/describe';
// The format table is needed at activation (file watcher, CodeLens selector); it holds the parsers, which load anyway for the first chain read.
export { migrationExtensions, migrationFileGlob, sqlFromAlembic } from '../core/chain/formats';

export type Core = typeof import('../core');

/** The lint's modules, required on first lint: the parser's WebAssembly loads only then, never at activation. */
export interface LintEngine {
  chain: typeof import('../core/lint/chain');
  confirmation: typeof import('../core/lint/confirmation');
  lint: typeof import('../core/lint/lint');
  parser: typeof import('../core/lint/parser');
  sources: typeof import('../core/lint/sources');
  suppressions: typeof import('../core/lint/suppressions');
  parseSql: typeof import('../core/chain/parse-sql');
}

/* eslint-disable @typescript-eslint/no-require-imports -- required on first use, so activation does not parse them */
export const lintEngine = {
  chain: () => require('../core/lint/chain') as LintEngine['chain'],
  confirmation: () => require('../core/lint/confirmation') as LintEngine['confirmation'],
  lint: () => require('../core/lint/lint') as LintEngine['lint'],
  parser: () => require('../core/lint/parser') as LintEngine['parser'],
  sources: () => require('../core/lint/sources') as LintEngine['sources'],
  suppressions: () => require('../core/lint/suppressions') as LintEngine['suppressions'],
  parseSql: () => require('../core/chain/parse-sql') as LintEngine['parseSql'],
};
/* eslint-enable @typescript-eslint/no-require-imports */

let loaded: Core | undefined;

/** The engine, required on first use. */
export function core(): Core {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the engine is required on first use, so activation does not parse it
  loaded ??= require('../core') as Core;
  return loaded;
}
