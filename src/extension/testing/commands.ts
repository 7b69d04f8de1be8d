// The Testing view's own commands (registered by StairwayTests, not the command table: they drive
// the test controller). package.json contributes them with these titles.
export const TESTING_COMMANDS = {
  'migrationChain.runStairway': 'Run Stairway Tests (All Revisions)',
  'migrationChain.runChangedStairway': 'Run Stairway Tests on Changed Revisions',
  'migrationChain.runStairwayRange': 'Run Stairway Tests on a Range of Revisions…',
} as const;
