#!/usr/bin/env node
// The renames of issue 22, applied in one step on a clean tree: `node scripts/apply-renames.mjs`.
// Names that mislead get names that say what the file holds (no two connection.ts doing different
// jobs, no four reset.ts), the loose files at the root of src/extension go into rooms, and
// src/core/alembic splits into running Alembic (run/) and reading through it (read/).
// For each move: `git mv`; then every relative import in src/, test/ and bench/ is resolved against
// the files' old places and rewritten for the new ones. Idempotent: a move already made is skipped.
// Refuses on a dirty tree (so `git diff` shows exactly what it did). Prints every move and rewrite.
// Afterwards: npm run compile && npm run lint; paths written as strings (path.join(…, 'x.ts')) are listed, not changed.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** old path -> new path, relative to the repository root. */
const MOVES = [
  // Names that mislead.
  ['src/core/db/connection.ts', 'src/core/db/client.ts'],
  ['src/cli/connection.ts', 'src/cli/database-url.ts'],
  ['src/extension/connection.ts', 'src/extension/connection/database-url.ts'],
  ['src/core/reset/reset.ts', 'src/core/reset/native-reset.ts'],
  ['src/core/db/catalog.ts', 'src/core/db/table-catalog.ts'],
  ['src/core/lint/catalog.ts', 'src/core/lint/catalog-facts.ts'],
  ['src/extension/commands/catalog.ts', 'src/extension/commands/titles.ts'],
  // src/core/alembic: running Alembic ...
  ['src/core/alembic/command.ts', 'src/core/alembic/run/alembic-executable.ts'],
  ['src/core/alembic/run.ts', 'src/core/alembic/run/locked-run.ts'],
  ['src/core/alembic/reset.ts', 'src/core/alembic/run/alembic-reset.ts'],
  ['src/core/alembic/process.ts', 'src/core/alembic/run/process.ts'],
  ['src/core/alembic/supervisor.ts', 'src/core/alembic/run/supervisor.ts'],
  ['src/core/alembic/supervisor-perl.ts', 'src/core/alembic/run/supervisor-perl.ts'],
  ['src/core/alembic/python-launch.ts', 'src/core/alembic/run/python-launch.ts'],
  ['src/core/alembic/offline-sql.ts', 'src/core/alembic/run/offline-sql.ts'],
  ['src/core/alembic/preview.ts', 'src/core/alembic/run/offline-preview.ts'],
  ['src/core/alembic/autogenerate.ts', 'src/core/alembic/run/autogenerate.ts'],
  ['src/core/alembic/connect-guard.ts', 'src/core/alembic/run/connect-guard.ts'],
  ['src/core/alembic/url-channels.ts', 'src/core/alembic/run/url-channels.ts'],
  // ... and reading a project through Alembic.
  ['src/core/alembic/find.ts', 'src/core/alembic/read/find.ts'],
  ['src/core/alembic/project.ts', 'src/core/alembic/read/project.ts'],
  ['src/core/alembic/python.ts', 'src/core/alembic/read/python.ts'],
  ['src/core/alembic/python-policy.ts', 'src/core/alembic/read/python-policy.ts'],
  ['src/core/alembic/graph-helper.ts', 'src/core/alembic/read/graph-helper.ts'],
  ['src/core/alembic/graph-cache.ts', 'src/core/alembic/read/graph-cache.ts'],
  ['src/core/alembic/graph-compare.ts', 'src/core/alembic/read/graph-compare.ts'],
  // src/extension: rooms. Staying at the root: extension.ts (activate), context.ts (the one owner of
  // disposables), core.ts (the one door to the engine).
  ['src/extension/workspace-chains.ts', 'src/extension/chains/workspace-chains.ts'],
  ['src/extension/folder-snapshot.ts', 'src/extension/chains/folder-snapshot.ts'],
  ['src/extension/chain-keys.ts', 'src/extension/chains/chain-keys.ts'],
  ['src/extension/chain-engine.ts', 'src/extension/chains/chain-engine.ts'],
  ['src/extension/alembic-reading.ts', 'src/extension/chains/alembic-reading.ts'],
  ['src/extension/alembic-reading-gate.ts', 'src/extension/chains/alembic-reading-gate.ts'],
  ['src/extension/codelens.ts', 'src/extension/codelens/codelens.ts'],
  ['src/extension/codelens-model.ts', 'src/extension/codelens/codelens-model.ts'],
  ['src/extension/confirm.ts', 'src/extension/confirm/confirm.ts'],
  ['src/extension/confirm-text.ts', 'src/extension/confirm/confirm-text.ts'],
  ['src/extension/confirm-integrity.ts', 'src/extension/confirm/confirm-integrity.ts'],
  ['src/extension/trust.ts', 'src/extension/connection/trust.ts'],
  ['src/extension/settings.ts', 'src/extension/settings/settings.ts'],
  ['src/extension/settings-model.ts', 'src/extension/settings/settings-model.ts'],
  ['src/extension/diagnostics.ts', 'src/extension/problems/diagnostics.ts'],
  ['src/extension/drift-report.ts', 'src/extension/problems/drift-report.ts'],
  ['src/extension/head-advice.ts', 'src/extension/problems/head-advice.ts'],
  ['src/extension/status-bar.ts', 'src/extension/status/status-bar.ts'],
  ['src/extension/status-text.ts', 'src/extension/status/status-text.ts'],
  ['src/extension/phantoms-notice.ts', 'src/extension/status/phantoms-notice.ts'],
  ['src/extension/log.ts', 'src/extension/output/log.ts'],
  ['src/extension/redact.ts', 'src/extension/output/redact.ts'],
  ['src/extension/progress.ts', 'src/extension/output/progress.ts'],
  ['src/extension/run-command.ts', 'src/extension/commands/run-command.ts'],
];

const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' });


const abs = (p) => path.join(ROOT, p);
const todo = MOVES.filter(([from, to]) => {
  if (fs.existsSync(abs(from)) && !fs.existsSync(abs(to))) return true;
  if (!fs.existsSync(abs(from)) && fs.existsSync(abs(to))) console.log(`already moved: ${from} -> ${to}`);
  else if (!fs.existsSync(abs(from))) console.log(`skipped (no such file): ${from}`);
  else console.log(`skipped (both exist): ${from} and ${to}`);
  return false;
});
if (!todo.length) {
  console.log('apply-renames: nothing to move.');
  process.exit(0);
}
if (git('status', '--porcelain', '--untracked-files=no').trim()) {
  console.error('apply-renames: the working tree has changes; commit or stash them first (nothing was moved).');
  process.exit(1);
}

function sources(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'fixtures' ? [] : sources(p);
    return /\.(ts|mts|cts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

// Where each file is now (before), and where it will be.
const newOf = new Map(todo.map(([from, to]) => [abs(from), abs(to)]));
const files = ['src', 'test', 'bench'].flatMap((d) => sources(abs(d)));
const known = new Set(files);

/** The file a relative specifier names from `fromFile` (`x`, `x.ts`, `x/index.ts`), if known. */
function resolveSpec(fromFile, spec) {
  const base = path.resolve(path.dirname(fromFile), spec.replace(/\.js$/, ''));
  for (const c of [`${base}.ts`, path.join(base, 'index.ts'), base]) if (known.has(c)) return c;
  return undefined;
}

function specFor(fromFile, target, original) {
  const indexForm = original !== '.' && !original.endsWith('/index') && path.basename(target) === 'index.ts' && !/index(\.ts)?$/.test(original);
  let rel = path.relative(path.dirname(fromFile), indexForm ? path.dirname(target) : target.replace(/\.ts$/, ''));
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel.split(path.sep).join('/');
}

const SPEC = /(\bfrom\s+|\bimport\s*\(\s*|\brequire\(\s*|^import\s+|\bimport\(\s*)(['"])(\.{1,2}\/[^'"]*|\.{1,2})\2/gm;
let rewritten = 0;
const edits = new Map();
for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  const newFile = newOf.get(file) ?? file;
  const out = text.replace(SPEC, (whole, lead, quote, spec) => {
    const target = resolveSpec(file, spec);
    if (!target) return whole;
    const movedTarget = newOf.get(target) ?? target;
    if (movedTarget === target && newFile === file) return whole;
    const next = specFor(newFile, movedTarget, spec);
    if (next === spec) return whole;
    rewritten++;
    console.log(`  ${path.relative(ROOT, newFile)}: '${spec}' -> '${next}'`);
    return `${lead}${quote}${next}${quote}`;
  });
  if (out !== text) edits.set(file, out);
}

for (const [from, to] of todo) {
  fs.mkdirSync(path.dirname(abs(to)), { recursive: true });
  git('mv', from, to);
  console.log(`git mv ${from} ${to}`);
}
for (const [file, text] of edits) fs.writeFileSync(newOf.get(file) ?? file, text);

// Paths written as strings are not imports: list them for a person to check.
const mentions = [];
for (const file of ['src', 'test', 'bench'].flatMap((d) => sources(abs(d))).concat(['esbuild.mjs', 'package.json', 'eslint.config.mjs'].map(abs))) {
  if (!fs.existsSync(file)) continue;
  const text = fs.readFileSync(file, 'utf8');
  for (const [from] of todo) {
    const parts = from.replace(/\.ts$/, '').split('/');
    const needle = parts.slice(-2).map((p) => `'${p}'`).join(', ');
    if (text.includes(needle) || text.includes(from)) mentions.push(`${path.relative(ROOT, file)} names ${from}`);
  }
}
console.log(`apply-renames: ${todo.length} file(s) moved, ${rewritten} import(s) rewritten in ${edits.size} file(s).`);
if (mentions.length) console.log(`Check these paths written as strings:\n  ${[...new Set(mentions)].join('\n  ')}`);
