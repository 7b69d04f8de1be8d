// Stairway tests: every revision upgraded, downgraded and upgraded again on a scratch database.
export { runStairway, type StairwayOptions } from './stairway';
export { selectRevisions, type StairwaySelection } from './select';
export { revisionsChangedSince, type ChangedSince } from './changed';
export { branchGroups, type BranchGroup } from './branches';
export { nativeEngine, type StairwayEngine, type StairwayDriver, type DriverContext } from './driver';
export { alembicEngine, type AlembicEngineOptions } from './alembic-engine';
export { renderJUnit } from './junit';
export {
  stairwayPassed, type StairwayReport, type RevisionResult, type RevisionOutcome, type StairwayFailure,
  type StairwayFinding, type StairwayStep, type StairwayEvent,
} from './model';
