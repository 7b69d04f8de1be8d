// The static reader's chain against Alembic's own reading (graph-helper.ts): every disagreement with
// the file and line to look at, and the chain the editor shows once Alembic has answered, where files
// the static reader refused (a value that is not a literal, …) take Alembic's reading.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Chain } from '../../chain/chain';
import { checksumText } from '../../chain/checksum';
import { stripBom } from '../../chain/header';
import { RevisionGraph } from '../../chain/graph';
import { maskPython } from '../../chain/literals';
import type { Migration } from '../../chain/model';
import { decodePythonSource, hasRealFunction } from '../../chain/parse-python';
import type { ChainDiagnostic } from '../../errors';
import type { AlembicGraph, AlembicRevisionInfo } from './graph-helper';

export type DisagreementKind =
  | 'missing-revision'      // Alembic reads a revision from a file the static reader does not list
  | 'extra-revision'        // the static reader reads a revision from a file Alembic does not load
  | 'different-revision'    // same file, another id
  | 'different-parents'
  | 'different-labels'
  | 'different-depends-on'
  | 'read-by-alembic-only'  // the static reader refused the file; Alembic read it
  | 'alembic-error'         // Alembic cannot load this revision file (its own runs would stop there too)
  | 'alembic-unavailable';  // the reading through Alembic failed as a whole: the static reading stands, with a warning

export interface AlembicDisagreement {
  kind: DisagreementKind;
  file: string;
  /** 1-based. */
  line: number;
  revision?: string;
  message: string;
}

/** Every way the two readings differ, in file order. `iniFile` carries the problems that belong to no revision file. */
export function compareWithAlembic(chain: Chain, graph: AlembicGraph, iniFile: string): AlembicDisagreement[] {
  const out: AlembicDisagreement[] = [];
  const staticByFile = new Map(chain.migrations.map((m) => [key(m.file), m]));
  const refused = refusedFiles(chain);
  const alembicByFile = new Map(graph.revisions.map((r) => [key(r.path), r]));
  const failedInAlembic = new Set(graph.errors.filter((e) => e.scope === 'file' && e.file).map((e) => key(e.file!)));

  for (const info of graph.revisions) {
    const m = staticByFile.get(key(info.path));
    if (!m) {
      const why = refused.get(key(info.path));
      out.push(why
        ? {
          kind: 'read-by-alembic-only', file: info.path, line: why.line ?? 1, revision: info.revision,
          message: `Read through Alembic: revision ${info.revision}, down_revision ${shown(info.downRevisions)}. The static reader cannot read this file (${why.message})`,
        }
        : {
          kind: 'missing-revision', file: info.path, line: 1, revision: info.revision,
          message: `Alembic reads revision ${info.revision} from this file; Migration Chain's reader does not list it.`,
        });
      continue;
    }
    if (m.revision !== info.revision) {
      out.push({ kind: 'different-revision', file: m.file, line: m.revisionLine, revision: m.revision,
        message: `Alembic reads revision ${info.revision} here; Migration Chain's reader reads ${m.revision}.` });
      continue;
    }
    const differs = (kind: DisagreementKind, what: string, ours: readonly string[], theirs: readonly string[], line: number) => {
      if (!sameSet(ours, theirs)) {
        out.push({ kind, file: m.file, line, revision: m.revision,
          message: `${what} of ${m.revision}: Alembic reads ${shown(theirs)}; Migration Chain's reader reads ${shown(ours)}.` });
      }
    };
    differs('different-parents', 'down_revision', m.downRevisions, info.downRevisions, m.downRevisionLine);
    differs('different-labels', 'branch_labels', m.branchLabels, info.branchLabels, m.revisionLine);
    differs('different-depends-on', 'depends_on', m.dependsOn, info.dependsOn, m.revisionLine);
  }

  const wholeProjectFailed = graph.errors.some((e) => e.scope === 'project');
  for (const m of chain.migrations) {
    const k = key(m.file);
    if (alembicByFile.has(k) || failedInAlembic.has(k) || wholeProjectFailed) continue;
    out.push({ kind: 'extra-revision', file: m.file, line: m.revisionLine, revision: m.revision,
      message: `Migration Chain's reader reads revision ${m.revision} from this file; Alembic does not load it as a revision.` });
  }
  for (const e of graph.errors) {
    // Only a revision file Alembic cannot load is the chain's error. A failure of the reading as a
    // whole (no Alembic, an Alembic this helper does not know, a configuration it refuses) never
    // blocks a run by itself: the static reading stands, as when no Python is found.
    if (e.scope === 'file' && e.file) {
      out.push({ kind: 'alembic-error', file: e.file, line: e.line ?? 1, message: `Alembic cannot load this revision file: ${e.message}` });
    } else {
      out.push({ kind: 'alembic-unavailable', file: e.file ?? iniFile, line: e.line ?? 1,
        message: `Not checked through Alembic (read from the files as text only): ${e.message}` });
    }
  }
  return out.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
}

/**
 * The chain as shown once Alembic has answered: files the static reader refused and Alembic read
 * join the graph with Alembic's values (their refusals give way to a warning saying so), and every
 * disagreement is a diagnostic on its file. Without such files the graph object is kept as it is.
 */
export function applyAlembicGraph(chain: Chain, graph: AlembicGraph, iniFile: string): { chain: Chain; disagreements: AlembicDisagreement[] } {
  const disagreements = compareWithAlembic(chain, graph, iniFile);
  const adopted = disagreements.filter((d) => d.kind === 'read-by-alembic-only');
  const adoptedFiles = new Set(adopted.map((d) => key(d.file)));
  const infoByFile = new Map(graph.revisions.map((r) => [key(r.path), r]));
  const graphDiagnostics = new Set(chain.graph.diagnostics);
  const fileDiagnostics = chain.diagnostics.filter((d) => !graphDiagnostics.has(d) && !(d.file && adoptedFiles.has(key(d.file)) && d.severity === 'error'));
  const toDiagnostic = (d: AlembicDisagreement): ChainDiagnostic => ({
    code: d.kind === 'alembic-error' || d.kind === 'alembic-unavailable' ? 'alembic-error' : 'alembic-disagreement',
    severity: d.kind === 'read-by-alembic-only' || d.kind === 'alembic-unavailable' ? 'warning' : 'error',
    message: d.message, file: d.file, line: d.line, revision: d.revision,
  });
  if (adopted.length === 0) {
    return { chain: { ...chain, diagnostics: [...chain.diagnostics, ...disagreements.map(toDiagnostic)] }, disagreements };
  }
  const migrations = [...chain.migrations, ...adopted.map((d) => migrationFrom(infoByFile.get(key(d.file))!, d.line))];
  const rebuilt = new RevisionGraph(migrations);
  return {
    chain: { dir: chain.dir, migrations, graph: rebuilt, diagnostics: [...fileDiagnostics, ...rebuilt.diagnostics, ...disagreements.map(toDiagnostic)] },
    disagreements,
  };
}

function migrationFrom(info: AlembicRevisionInfo, line: number): Migration {
  let text = '';
  try {
    // As the static reader checksums a .py file: decoded, without its BOM.
    text = stripBom(decodePythonSource(fs.readFileSync(info.path)));
  } catch {
    // deleted since Alembic read it: the next refresh drops it
  }
  return {
    file: info.path, format: 'py', revision: info.revision, downRevisions: [...info.downRevisions],
    dependsOn: [...info.dependsOn], branchLabels: [...info.branchLabels], message: info.doc, transactional: true,
    revisionLine: line, downRevisionLine: line, hasDowngrade: hasRealFunction(maskPython(text), 'downgrade'), hasVerify: false,
    checksum: checksumText(text),
  };
}

/** Files with an error and no migration: what the static reader refused, with its first reason. */
function refusedFiles(chain: Chain): Map<string, ChainDiagnostic> {
  const read = new Set(chain.migrations.map((m) => key(m.file)));
  const out = new Map<string, ChainDiagnostic>();
  for (const d of chain.diagnostics) {
    if (d.severity !== 'error' || !d.file || read.has(key(d.file)) || out.has(key(d.file))) continue;
    out.set(key(d.file), d);
  }
  return out;
}

function key(file: string): string {
  const p = path.resolve(file);
  return process.platform === 'win32' ? p.toLowerCase() : p;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const s = new Set(a);
  return s.size === new Set(b).size && b.every((v) => s.has(v));
}

function shown(ids: readonly string[]): string {
  return ids.length === 0 ? 'none' : ids.join(', ');
}
