// The extension's one door to the engine. The engine is required on first use rather than imported,
// so that activation does not even parse it; the barrel itself loads neither pg nor umzug.
export type {
  Chain, ChainStatus, DatabaseDescription, DatabaseTarget, Logger, Migration, RevisionState, RevisionStatus,
  RiskyStatement, RunPlan, RunPlanStep, RunResult, VerifyCheck, VerifyReport,
  AcceptFileResult, DriftReport, HeadPairAdvice, SchemaDiffEntry,
} from '../core';
export { ChainCache } from '../core/chain/cache';
// The format table is needed at activation (file watcher, CodeLens selector); it holds the parsers, which load anyway for the first chain read.
export { migrationExtensions, migrationFileGlob } from '../core/chain/formats';

export type Core = typeof import('../core');
export type Direction = 'up' | 'down';

let loaded: Core | undefined;

/** The engine, required on first use. */
export function core(): Core {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('../core') as Core;
  return loaded;
}
