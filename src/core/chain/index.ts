// Public surface of the file side of the engine: folders -> parsed migrations -> revision graph,
// plus authoring and the SQL helpers that work on migration text.
export type { Direction, Migration, MigrationFormat, ParseResult, ResolvedTarget, SqlSection } from './model';
export type { Chain } from './chain';
export { RevisionGraph } from './graph';
export {
  loadChain, findMigrationsDir, alembicVersionsDirOf, alembicChainLocation, parseMigrationText, type AlembicChainLocation, type LoadOptions,
} from './load';
export { readAlembicConfig, parseIni, iniValue, type AlembicConfig, type IniSections } from './alembic-ini';
export { ChainCache } from './cache';
export { discoverMigrationFiles, type DiscoveredFile } from './discover';
export {
  FORMATS, canDowngrade, formatOf, formatSpec, hasSqlText, hasVerifyBlock, migrationExtensions, migrationFileGlob,
  type Execution, type MigrationFormatSpec,
} from './formats';
export { parseSqlMigration } from './parse-sql';
export { parseJsMigration } from './parse-js';
export { parsePythonMigration } from './parse-python';
export { checksumText, normalizeLineEndings } from './checksum';
export { MAX_REVISION_LENGTH, revisionIdProblem } from './header';
export { splitSqlStatements, scanSql, type SqlStatement } from '../sql/split';
export {
  findRiskyStatements, hasRisks, riskyOfStep, transactionDiagnostics, upgradeRisks, type RiskCode, type RiskPreview, type RiskyStatement,
} from '../sql/risky';
