// Environments side by side and tenant fleets: the config file, target expansion, fleet status,
// fleet runs with their run records, and parity. Loaded on first use by the CLI's `env` command and
// the editor's Environments view (it pulls in the driver only when a function connects).
export {
  ENVIRONMENTS_FILE, loadEnvironments, parseEnvironments, findEnvironment,
  type Environment, type EnvironmentsConfig, type TenantSet, type UrlSource,
} from './config';
export { resolveEnvironmentUrl, resolveEnvironmentRunUrl, describeUrlSource, type UrlLookup } from './resolve-url';
export { EnvironmentsConfigError } from '../errors';
export { expandTargets, type FleetTarget } from './targets';
export { fleetStatus, type FleetStatus, type TargetStatus, type LastApplied, type FleetStatusOptions } from './fleet-status';
export { upgradeFleet, type FleetAlembic, type FleetRunOptions, type FleetRunResult } from './fleet-run';
export {
  latestUnfinishedRun, readRunRecord, runRecordPath,
  type RunRecord, type TargetRecord, type TargetRunState, type FailurePolicy,
} from './run-record';
export { compareEnvironments, formatParity, type ParityReport, type ParitySide } from './parity';
