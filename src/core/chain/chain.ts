// A migrations folder as read: every file that parsed, the graph over them, every problem found.
// Its own module so the plain data (model.ts) never imports the graph that is built from it.
import type { ChainDiagnostic } from '../errors';
import type { RevisionGraph } from './graph';
import type { Migration } from './model';

/** The result of reading a migrations folder: every file that parsed, the graph, every problem. */
export interface Chain {
  /** Where the files are; for an Alembic project with several version locations, the first (new revisions go there). */
  dir: string;
  /** An Alembic project's version locations, all of them (absent for a native chain: `dir` only). */
  dirs?: string[];
  migrations: Migration[];
  graph: RevisionGraph;
  diagnostics: ChainDiagnostic[];
}
