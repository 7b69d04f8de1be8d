// The one table of migration formats, in the manner of umzug's defaultResolver: a file's extension
// names its format, and the format says everything the rest of the engine and the editor ask about
// it. Discovery and re-indexing (which files), loading (which parser), planning and stepping (how it
// runs, whether it can go down), verify (whether it has a verify block), offline SQL (whether it
// has SQL text to print) and the editor's file watcher and CodeLens selector (which globs) all read
// this table. A new format is a new entry here, its parser, and its id in `MigrationFormat`
// (model.ts); the compiler then points at the two switches over the id that remain on purpose,
// because they are code rather than facts: how a header is rewritten (advice/heads.ts reparent) and
// how a module runs (run/step.ts, by `execution.kind`).
import * as path from 'node:path';
import type { Migration, MigrationFormat, ParseResult } from './model';
import { parseJsMigration } from './parse-js';
import { decodePythonSource, parsePythonMigration, pyFunctionSource } from './parse-python';
import { parseSqlMigration } from './parse-sql';
import { dataLossDiagnostics, transactionDiagnostics } from '../sql/risky';

/** How this engine runs a format's migrations. */
export type Execution =
  /** The file's `migrate:upgrade` / `downgrade` / `verify` SQL sections, statement by statement. */
  | { kind: 'sql-sections' }
  /** The module's `upgrade(ctx)` / `downgrade(ctx)` / `verify(ctx)`, loaded only when it runs. */
  | { kind: 'module' }
  /** Not here: shown, checked and given status, but run by another tool. */
  | { kind: 'elsewhere'; why: string; hint: string };

export interface MigrationFormatSpec {
  readonly id: MigrationFormat;
  /** Lower-case file extensions, with the dot. */
  readonly extensions: readonly string[];
  /** File names that carry one of the extensions but are never migrations. */
  readonly notMigrations: readonly string[];
  /** The file's bytes as text, as the format's own tool decodes them (Python honours a coding line). */
  readonly decode: (bytes: Buffer) => string;
  /** Reads the file's text into a migration; never throws (problems are diagnostics with lines). */
  readonly parse: (file: string, text: string) => ParseResult;
  readonly execution: Execution;
  /** Whether a downgrade through `m` is possible (a `.sql` without a downgrade section is not). */
  readonly canDowngrade: (m: Migration) => boolean;
  /** Whether `m` has queries that must succeed once it is applied. */
  readonly hasVerifyBlock: (m: Migration) => boolean;
  /**
   * Where its SQL text comes from when it is not run (the lint, offline SQL): its own sections, the
   * project's Alembic in offline mode (`upgrade --sql`), or nowhere, with why.
   */
  readonly sqlText: { kind: 'sections' } | { kind: 'alembic-offline'; without: string } | { kind: 'none'; why: string };
  /** Which stairway engine moves it one revision at a time, and what to do when none of the given engines does. */
  readonly stairway: { engine: 'native' | 'alembic'; hint: string };
  /** How its author declares that a migration without a downgrade cannot be undone (the stairway's advice). */
  readonly declareIrreversible: string;
  /** Whether `revision` / New Revision writes files of this format. */
  readonly authoring: boolean;
  /**
   * A script's upgrade or downgrade function within the file text (where the stairway points a
   * finding about that side), or undefined where the format has none to find (`.sql` has sections).
   */
  readonly sideFunction: (fileText: string, side: 'upgrade' | 'downgrade') => { text: string; firstLine: number } | undefined;
}

const NATIVE_STAIRWAY = { engine: 'native', hint: 'An Alembic project\'s stairway runs only its Python revisions; a native chain (.sql / .js) runs without alembic.ini.' } as const;

const utf8 = (bytes: Buffer): string => bytes.toString('utf8');

const sql: MigrationFormatSpec = {
  id: 'sql',
  extensions: ['.sql'],
  notMigrations: [],
  decode: utf8,
  // Statements that cannot run in a transaction, and generated data-loss marks, are found per file, so they are diagnostics of the file.
  parse: (file, text) => {
    const result = parseSqlMigration(file, text);
    if (!result.ok) return result;
    const tx = [...transactionDiagnostics(result.migration), ...dataLossDiagnostics(result.migration)];
    return tx.length ? { ...result, diagnostics: [...result.diagnostics, ...tx] } : result;
  },
  execution: { kind: 'sql-sections' },
  canDowngrade: (m) => m.downgrade !== undefined,
  hasVerifyBlock: (m) => m.verify !== undefined && m.verify.text.trim() !== '',
  sqlText: { kind: 'sections' },
  stairway: NATIVE_STAIRWAY,
  declareIrreversible: 'add a `-- migrate:downgrade` section, or declare it in the header: `-- irreversible: <why it cannot be undone>`',
  authoring: true,
  sideFunction: () => undefined,
};

const js: MigrationFormatSpec = {
  id: 'js',
  extensions: ['.js', '.cjs', '.mjs'],
  notMigrations: [],
  decode: utf8,
  parse: parseJsMigration,
  execution: { kind: 'module' },
  canDowngrade: (m) => m.hasDowngrade,
  hasVerifyBlock: (m) => m.hasVerify,
  sqlText: { kind: 'none', why: 'its SQL is not available as text' },
  stairway: NATIVE_STAIRWAY,
  declareIrreversible: 'export a `downgrade` function, or declare it: `exports.irreversible = \'<why it cannot be undone>\'`',
  authoring: false,
  // A module's functions are written many ways (exports.x =, module.exports = {...}): the whole file is searched.
  sideFunction: () => undefined,
};

const py: MigrationFormatSpec = {
  id: 'py',
  extensions: ['.py'],
  notMigrations: ['__init__.py'],
  decode: decodePythonSource,
  parse: parsePythonMigration,
  execution: {
    kind: 'elsewhere',
    why: 'Alembic Python migrations, which this tool does not execute',
    hint: 'Run them with the project\'s own `alembic` command; status, history and verify still work here.',
  },
  canDowngrade: (m) => m.hasDowngrade,
  // Alembic has no verify hook; a `.py` file's verify() would need Python to run.
  hasVerifyBlock: () => false,
  sqlText: { kind: 'alembic-offline', without: 'its SQL comes from Alembic\'s offline mode, which needs the project\'s alembic.ini and Alembic' },
  stairway: { engine: 'alembic', hint: 'Alembic revisions run through their project\'s Alembic: run from the folder of alembic.ini, or pass --config PATH/alembic.ini.' },
  declareIrreversible: 'write a `downgrade()` body, or declare it at module level: `irreversible = "<why it cannot be undone>"`',
  authoring: false,
  sideFunction: pyFunctionSource,
};

/** Every format, by id. `satisfies` makes a new id in MigrationFormat fail to compile until it has an entry. */
export const FORMATS = { sql, js, py } as const satisfies Record<MigrationFormat, MigrationFormatSpec>;

const byExtension = new Map<string, MigrationFormatSpec>();
for (const spec of Object.values(FORMATS)) for (const ext of spec.extensions) byExtension.set(ext, spec);

/** The format of a migration file by its name, or undefined for anything else (hidden files included). */
export function formatOf(fileName: string): MigrationFormat | undefined {
  const base = path.basename(fileName);
  if (base.startsWith('.')) return undefined;
  const spec = byExtension.get(path.extname(base).toLowerCase());
  return spec && !spec.notMigrations.includes(base) ? spec.id : undefined;
}

/** The table entry of a migration's format. */
export function formatSpec(m: Migration): MigrationFormatSpec {
  return FORMATS[m.format];
}

export function canDowngrade(m: Migration): boolean {
  return FORMATS[m.format].canDowngrade(m);
}

export function hasVerifyBlock(m: Migration): boolean {
  return FORMATS[m.format].hasVerifyBlock(m);
}

/** Whether its SQL comes from Alembic's offline mode (the lint's and the previews' `.py` input). */
export function sqlFromAlembic(m: Pick<Migration, 'format'>): boolean {
  return FORMATS[m.format].sqlText.kind === 'alembic-offline';
}

/** Whether the file's SQL is text this engine can print or scan (offline mode, version-table detection). */
export function hasSqlText(m: Migration): boolean {
  return FORMATS[m.format].execution.kind === 'sql-sections';
}

/** Every migration file extension without its dot, in table order (`sql`, `js`, `cjs`, ...). */
export function migrationExtensions(): string[] {
  return Object.values(FORMATS).flatMap((spec) => spec.extensions.map((e) => e.slice(1)));
}

/** A glob matching every migration file anywhere below a folder, e.g. for a file watcher or a document selector. */
export function migrationFileGlob(): string {
  return `**/*.{${migrationExtensions().join(',')}}`;
}
