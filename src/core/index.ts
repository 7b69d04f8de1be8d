// The engine's public surface: everything the CLI and the extension call. Loading this module must
// not load `pg` or `umzug` (the editor activates without touching a database); those are required
// inside the functions that connect or run.
export * from './chain';
export { createRevision, newRevisionId, type CreateRevisionOptions, type CreatedRevision } from './authoring/create-revision';
export { mergeHeads, type MergeHeadsOptions } from './authoring/merge-heads';
export * from './errors';
export { silentLogger, timedStep, formatMs, type Logger } from './log';

export {
  parseDatabaseUrl, describeTarget, connect, withConnection, type DatabaseTarget, type ConnectOptions,
} from './db/client';
export {
  bookkeeping, createVersionTableSql, DEFAULT_VERSION_TABLE, LOG_TABLE, type VersionTableOptions,
} from './db/bookkeeping';
export { readHeads, versionTransition, type VersionStatement } from './db/version-table';
export { acceptChecksum, type AppliedChecksum } from './db/audit-log';
export { DEFAULT_LOCK_KEY, DEFAULT_LOCK_TIMEOUT_MS, lockHolder } from './db/lock';
export { DEFAULT_LEASE_MS, LOCK_TABLE } from './db/lease';
export { poolerHints, type PoolerFinding } from './db/pooler';
export { inspectLock, clearAbandonedLock, describeHeldLock, heldLockFacts, type UnlockOptions, type HeldLock, type LockInspection } from './run/unlock';
export { listTables, listForeignKeys, listColumns, countRows, readSchemaPrivileges, type ForeignKeyInfo, type ColumnInfo, type TableRowCount, type SchemaPrivileges } from './db/table-catalog';

export { upgrade, downgrade, type RunOptions, type RunResult } from './run/runner';
export { planRun, type RunPlan, type RunPlanStep, type PlanRunOptions } from './run/preview';
export { renderSql, type RenderSqlOptions } from './run/offline';
export type { StampOptions, StampResult } from './run/stamp';
export { DEFAULT_STATEMENT_LOCK_TIMEOUT_MS, type SessionOptions } from './run/session';
export type { MigrationContext } from './run/js-module';

export { getStatus, computeStatus, type ChainStatus, type RevisionState, type RevisionStatus, type StatusOptions } from './status/status';
export { findPhantoms, downgradePhantoms, type PhantomReport, type PhantomRevision, type PhantomOptions, type PhantomUndoResult } from './status/phantoms';
export { acceptCurrentFile, type AcceptFileOptions, type AcceptFileResult } from './status/accept';
export { verify, type VerifyReport, type VerifyCheck, type VerifyOptions, type EditedRevision } from './verify/verify';
export type { VerifyBlockResult } from './verify/blocks';
export {
  describeDatabase, describeGuarantee, needsSecondConfirmation, previewReset, reset, recreateSchema, ROLLED_BACK,
  type DatabaseDescription, type PreviewOptions, type ResetGuarantee, type ResetOptions, type ResetPreview, type ResetResult,
} from './reset/native-reset';
export { rehearse, type BuildInScratch, type RehearsalResult, type RehearsalTarget } from './reset/rehearsal';
export type { BackupResult } from './reset/backup';

export {
  readSchema, BOOKKEEPING_TABLES, type SchemaSnapshot, type ReadSchemaOptions, type CatalogClient, type TableSnapshot,
  type ColumnSnapshot, type ConstraintSnapshot, type IndexSnapshot, type TriggerSnapshot, type SequenceSnapshot,
  type ViewSnapshot, type EnumSnapshot, type FunctionSnapshot,
} from './schema/snapshot';
export { diffSchemas, formatSchemaDiff, renderColumn, type SchemaDiffEntry, type SchemaObjectKind, type SchemaChange } from './schema/diff';
export { checkDrift, type DriftOptions, type DriftReport } from './drift/drift';
export { scratchName } from './db/scratch-database';
export { reapplyHead, tracebackLine, type DowngradeSource, type ReapplyEngine, type ReapplyOptions, type ReapplyRefusal, type ReapplyRefusalCode, type ReapplyResult } from './authoring/reapply';
export { revisionFromDatabase, type GeneratedRevision, type RevisionFromDatabaseOptions } from './authoring/from-database';
export * from './stairway';
export {
  adviseHeads, branchRoot, downRevisionEdit, reparent, unreadFiles, type DownRevisionEdit, type HeadPairAdvice, type HeadAdviceKind, type ReparentSuggestion, type ReparentResult,
} from './advice/heads';

export { resolveAlembicCommand, splitCommand, canRunAlembic, forgetAlembicAnswers, type ResolvedAlembicCommand, type CommandLookup } from './alembic/python-policy';
export { alembicProject, type AlembicProject } from './alembic/read/project';
export { findAlembicInis, findNearestAlembicIni, locateFolderChains, repositoryRoot, type LocatedChain, type NearestIni } from './alembic/read/find';
export { alembicUpgrade, alembicDowngrade, alembicStamp, DEFAULT_ENV_VARIABLE, type AlembicOptions, type LockedRun } from './alembic/run/locked-run';
export { alembicReset, type AlembicResetOptions, type AlembicResetResult } from './alembic/run/alembic-reset';
export { alembicSql, alembicRisks, alembicScratchBuilder, type AlembicSql, type AlembicSqlOptions, type AlembicRisks } from './alembic/run/offline-preview';
export { alembicAutogenerate, alembicCheck, alembicVersion, supportsCheck, parseOperations, type AutogeneratedRevision, type ModelsCheck, type ModelOperation } from './alembic/run/autogenerate';
export type { OfflineAlembic } from './alembic/run/offline-sql';
export * from './environments';
export * from './engine';
export { findAlembicPython, pythonCandidates, type PythonCandidate, type PythonLookup } from './alembic/python-policy';
export { runAlembicHelper, parseHelperOutput, defaultHelperScript, type AlembicGraph, type AlembicRevisionInfo, type AlembicGraphProblem } from './alembic/read/graph-helper';
export { AlembicGraphCache, alembicGraphKey, readAlembicGraph } from './alembic/read/graph-cache';
export { compareWithAlembic, applyAlembicGraph, type AlembicDisagreement, type DisagreementKind } from './alembic/read/graph-compare';
export * from './graph-view';
