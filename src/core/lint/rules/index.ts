// The rule registry: every lint rule, in the order findings are reported. A rule is one file in
// this folder plus its docs page docs/lint/<id>.md; test/unit/lint-rules.test.ts checks both.
import { addColumnRewrites } from './add-column-rewrites';
import { checkValidates } from './check-validates';
import { columnTypeRewrites } from './column-type-rewrites';
import { detachPartitionConcurrently } from './detach-partition-concurrently';
import { foreignKeyValidates } from './foreign-key-validates';
import { fullTableUpdate } from './full-table-update';
import { requireConcurrentIndex } from './require-concurrent-index';
import { requireLockTimeout } from './require-lock-timeout';
import type { LintRule } from './rule';
import { setNotNullScans } from './set-not-null-scans';
import { tableRewrite } from './table-rewrite';
import { uniqueBuildsIndex } from './unique-builds-index';

export const LINT_RULES: readonly LintRule[] = [
  requireConcurrentIndex,
  foreignKeyValidates,
  checkValidates,
  setNotNullScans,
  uniqueBuildsIndex,
  columnTypeRewrites,
  addColumnRewrites,
  tableRewrite,
  detachPartitionConcurrently,
  fullTableUpdate,
  requireLockTimeout,
];

export const RULES_BY_ID: ReadonlyMap<string, LintRule> = new Map(LINT_RULES.map((r) => [r.id, r]));

export function docsPath(id: string): string {
  return `docs/lint/${id}.md`;
}

/**
 * Where a person reading the CLI's output or a SARIF report finds the rule's page: the project's
 * published docs (package.json `repository`; test/unit/lint-rules.test.ts keeps the two equal). A
 * path like docs/lint/x.md would point into the user's own repository, where it does not exist.
 * The editor links the copy shipped in the .vsix instead.
 */
export const PROJECT_DOCS_BASE = 'https://github.com/migration-chain/migration-chain/blob/main/';

export function docsUrl(id: string): string {
  return `${PROJECT_DOCS_BASE}${docsPath(id)}`;
}
