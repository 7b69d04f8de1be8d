// Plain data for a parsed migration chain. Parsers produce `Migration`s; graph.ts turns them into
// a `RevisionGraph` and chain.ts bundles both per folder. Nothing here touches the database.
import type { ChainDiagnostic } from '../errors';

export type MigrationFormat = 'sql' | 'js' | 'py';

/** Which way a run moves: apply migrations (up) or undo them (down). */
export type Direction = 'up' | 'down';

/** A block of SQL in a `.sql` file; `line` is the 1-based file line of the block's first text line. */
export interface SqlSection {
  text: string;
  line: number;
}

export interface Migration {
  /** Absolute path. */
  file: string;
  format: MigrationFormat;
  revision: string;
  /** Parents; [] for a base, several for a merge. */
  downRevisions: string[];
  /** Alembic `depends_on`: extra ordering edges that are not parents. */
  dependsOn: string[];
  branchLabels: string[];
  message: string;
  /** false when the header opts out of the per-migration transaction. */
  transactional: boolean;
  /** 1-based line of the `revision` header (CodeLens and diagnostics anchor here). */
  revisionLine: number;
  /** 1-based line of the `down_revision` header, or the revision line when absent. */
  downRevisionLine: number;
  /** `.sql` only. A missing downgrade section means the migration cannot be undone. */
  upgrade?: SqlSection;
  downgrade?: SqlSection;
  verify?: SqlSection;
  /** `.js`: whether the module text defines a downgrade / verify function (headers are read as text, never executed). */
  hasDowngrade: boolean;
  hasVerify: boolean;
  /**
   * Declared on purpose with a reason (`-- irreversible: <reason>` in `.sql`, a module-level
   * `irreversible = "<reason>"` in `.py` / `.js`): the stairway test upgrades it and does not ask
   * for a downgrade.
   */
  irreversible?: { reason: string; line: number };
  /** sha256 (hex) of the upgrade text with CRLF/CR normalised to LF; for js/py the whole file text. */
  checksum: string;
}

/** What a parser returns for one file: a migration, or the reason there is none. */
export type ParseResult =
  | { ok: true; migration: Migration; diagnostics: ChainDiagnostic[] }
  | { ok: false; diagnostics: ChainDiagnostic[] };

/** Where a target string resolved to. `revisions` is empty for `base`. */
export interface ResolvedTarget {
  input: string;
  revisions: string[];
}
