import { MatrixPanel } from '../environments/matrix-panel';
import type { CommandFactory } from './deps';

/** Revisions by environments in a webview; each row opens its migration file. */
export const showEnvironmentMatrix: CommandFactory = (deps) => async () => {
  await MatrixPanel.show(deps.environments);
};
