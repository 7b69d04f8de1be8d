// Linting revisions of a chain: the upgrade statements of each revision in run order, linted as
// one run (a table created by an earlier revision is new for the later ones), with the suppression
// comments of their files. Reads the target database's catalog when a URL is given.
import { formatSpec } from '../chain/formats';
import { readFile } from 'node:fs/promises';
import type { Chain } from '../chain/chain';
import type { Migration } from '../chain/model';
import { withConnection } from '../db/client';
import { offlinePyInput, type OfflineAlembic, type PyLintInput } from './alembic-offline';
import { readDatabaseFacts } from './catalog-facts';
import { emptyFacts, type DatabaseFacts } from './facts';
import { lint } from './lint';
import type { LintReport, LintStatement, Suppression } from './model';
import { loadPgParser } from './parser';
import { upgradeStatements } from './sources';
import { readSuppressions } from './suppressions';

export interface ChainLintResult extends LintReport {
  /** Revisions linted, in run order. */
  revisions: string[];
  /** Revisions whose SQL the linter cannot see (`.js` code; `.py` whose upgrade() cannot run offline), with why. */
  notLinted: { revision: string; file: string; line?: number; format: Migration['format']; reason: string }[];
}

/** What to lint the SQL against: a database URL (catalog and version), else a version setting. */
export interface LintTarget {
  url?: string;
  /** Used when there is no URL. */
  serverMajor?: number;
  /** The session lock_timeout the runner will set (ms; 0 = none). */
  runtimeLockTimeoutMs?: number;
  applicationName?: string;
}

export async function factsFor(target: LintTarget): Promise<DatabaseFacts> {
  if (target.url) {
    return withConnection(target.url, { applicationName: target.applicationName ?? 'migration-chain lint' },
      (client) => readDatabaseFacts(client, target.runtimeLockTimeoutMs ?? 0));
  }
  return emptyFacts({ ...(target.serverMajor !== undefined ? { serverMajor: target.serverMajor } : {}), runtimeLockTimeoutMs: target.runtimeLockTimeoutMs ?? 0 });
}

/**
 * `alembic`: how to start the project's Alembic, for `.py` revisions (resolved only when there are
 * some; a throw becomes their not-linted reason), or their offline SQL already read
 * (`offlineLintInput`: the editor keeps it while the files are unchanged). Without it `.py`
 * revisions are not linted.
 */
export async function lintRevisions(chain: Chain, revisions: readonly string[], facts: DatabaseFacts, alembic?: (() => OfflineAlembic | Promise<OfflineAlembic>) | PyLintInput): Promise<ChainLintResult> {
  const parser = await loadPgParser();
  const py = typeof alembic === 'function' ? await offlineLintInput(chain, revisions, alembic) : alembic;
  const statements: LintStatement[] = [];
  const suppressions: Suppression[] = [...py?.suppressions ?? []];
  const notLinted: ChainLintResult['notLinted'] = [];
  for (const revision of revisions) {
    const m = chain.graph.get(revision);
    if (!m) continue;
    const text = formatSpec(m).sqlText;
    if (text.kind === 'alembic-offline' && py) {
      statements.push(...py.statements.filter((s) => s.revision === revision));
      notLinted.push(...py.notLinted.filter((n) => n.revision === revision).map((n) => ({ ...n, format: m.format })));
      continue;
    }
    if (text.kind !== 'sections') {
      notLinted.push({ revision, file: m.file, format: m.format, reason: text.kind === 'alembic-offline' ? text.without : text.why });
      continue;
    }
    statements.push(...upgradeStatements(m));
    // A suppression sits next to its statement, so the upgrade section holds it: no file read.
    if (m.upgrade) suppressions.push(...readSuppressions(m.file, m.upgrade.text, m.upgrade.line));
  }
  return { ...lint(parser, { statements, suppressions }, facts), revisions: [...revisions], notLinted };
}

/** The `.py` revisions' statements through Alembic's offline SQL (one Alembic process per run of them). */
export function offlineLintInput(chain: Chain, revisions: readonly string[], alembic: () => OfflineAlembic | Promise<OfflineAlembic>): Promise<PyLintInput> {
  return offlinePyInput(chain, revisions, alembic, (f) => readFile(f, 'utf8'));
}
