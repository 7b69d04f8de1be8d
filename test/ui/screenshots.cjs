#!/usr/bin/env node
// `npm run screenshots`: copies the README's pictures from the last UI test run
// (.test-artifacts/ui/, written by `npm run test:ui`) to media/screenshots/. Refuses when that run
// failed a step the pictures come from, so the README never shows a failure or a stale mix.
'use strict';
const fs = require('fs');
const path = require('path');

const REPO = path.resolve(__dirname, '..', '..');
const FROM = path.join(REPO, '.test-artifacts', 'ui');
const TO = path.join(REPO, 'media', 'screenshots');

/** README picture ← screenshot of the UI step that proves it. */
const CHOSEN = {
  'tree.png': '04-tree-applied.png',                // the chain tree: current head, applied revisions, a broken folder
  'codelens.png': '02-codelens-pending.png',        // "○ Pending — Upgrade to here" above a revision line
  'reset-modal.png': '03-reset-modal.png',          // the confirmation naming host, database, user, tables and rows
  'output-after-reset.png': '04-output-after-reset.png', // the output channel's step list of a reset, ending in verify
  'verify-report.png': '05-verify-report.png',      // "Migration Chain: Verify Database": every check ✔
  'testing-view.png': '08-testing-view-stairway.png', // the Testing view after "Run Stairway Tests (All Revisions)"
  'environments-matrix.png': '09-environments-matrix.png', // the Environments view and the matrix: local, prod one behind, a tenant set
  'revision-graph-light.png': '10-revision-graph-light.png', // the revision graph: two branches, a merge, two heads, database badges (light theme)
  'revision-graph-menu.png': '10-revision-graph-menu.png',   // a node's context menu, opened by Shift+F10 (disabled actions greyed, not hidden)
  'revision-graph-dark.png': '10-revision-graph-dark.png',   // the same after the drag re-parent, dark theme
  'revision-from-database.png': '11-revision-from-database.png', // New Revision from Database…: the file open, its lint findings in Problems
  'phantom-notice.png': '12-phantom-notice.png',
  'reapply-on-save.png': '13-reapply-on-save.png',             // after git checkout main: the revision from another branch, named, with Undo Them…
};

const failed = fs.existsSync(FROM) ? fs.readdirSync(FROM).filter((f) => f.endsWith('-FAILED.png')) : [];
const missing = Object.values(CHOSEN).filter((f) => !fs.existsSync(path.join(FROM, f)));
if (missing.length || failed.length) {
  console.error(`[screenshots] the last UI run in ${path.relative(REPO, FROM)}/ is not usable:` +
    (missing.length ? ` missing ${missing.join(', ')};` : '') +
    (failed.length ? ` failed steps ${failed.join(', ')};` : '') +
    ' run `npm run compile && npm run test:ui` until it passes.');
  process.exit(1);
}
fs.mkdirSync(TO, { recursive: true });
for (const [to, from] of Object.entries(CHOSEN)) {
  fs.copyFileSync(path.join(FROM, from), path.join(TO, to));
  console.log(`[screenshots] ${path.relative(REPO, path.join(TO, to))} ← ${from}`);
}
