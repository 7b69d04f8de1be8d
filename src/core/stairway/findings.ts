// Turns what went wrong in a step into failures a person can act on: which objects differ between
// two snapshots, in which direction, and the line of the migration file to fix (the downgrade
// section for something left behind, the statement that mentions the object otherwise).
import { formatSpec, hasSqlText } from '../chain/formats';
import * as fs from 'node:fs/promises';
import { LineIndex } from '../chain/header';
import type { Migration, SqlSection } from '../chain/model';
import { linkSources } from '../drift/sources';
import { MigrationChainError, SqlError, type SourceLocation } from '../errors';
import type { SchemaDiffEntry } from '../schema/diff';
import type { VerifyBlockResult } from '../verify/blocks';
import type { StairwayFailure, StairwayFinding, StairwayStep } from './model';

type Side = 'upgrade' | 'downgrade';

/** The downgrade did not bring the schema back to the parents' snapshot (`expected`). */
export async function downgradeDiffFailure(m: Migration, entries: readonly SchemaDiffEntry[], parents: readonly string[]): Promise<StairwayFailure> {
  const section = await scriptSectionLocation(m, 'downgrade');
  const inDowngrade = await mentions(m, 'downgrade', entries);
  const inUpgrade = await mentions(m, 'upgrade', entries);
  const findings = entries.map((e, i): StairwayFinding => {
    const made = inUpgrade[i];
    switch (e.change) {
      case 'extra':
        return {
          entry: e, location: section,
          message: `${e.kind} ${e.name} is left behind by the downgrade${made ? ` (the upgrade creates it at line ${made.line})` : ''}`,
        };
      case 'missing':
        return {
          entry: e, location: inDowngrade[i] ?? section,
          message: `${e.kind} ${e.name} is lost: the downgrade removes it, but the upgrade did not create it`,
        };
      case 'changed':
        return { entry: e, location: inDowngrade[i] ?? section, message: `${e.kind} ${e.name} is not restored by the downgrade` };
    }
  });
  const to = parents.length === 0 ? 'base' : parents.join(' + ');
  return failure('downgrade', `After downgrading ${m.revision} to ${to}, the schema differs from ${to}'s:`, findings);
}

/** Upgrading again after the downgrade did not rebuild the first upgrade's snapshot (`expected`). */
export async function reupgradeDiffFailure(m: Migration, entries: readonly SchemaDiffEntry[]): Promise<StairwayFailure> {
  const section = await scriptSectionLocation(m, 'upgrade');
  const inUpgrade = await mentions(m, 'upgrade', entries);
  const findings = entries.map((e, i): StairwayFinding => ({
    entry: e,
    location: inUpgrade[i] ?? section,
    message: e.change === 'missing'
      ? `${e.kind} ${e.name} is missing after upgrading again`
      : e.change === 'extra'
        ? `${e.kind} ${e.name} appears only after upgrading again`
        : `${e.kind} ${e.name} differs after upgrading again`,
  }));
  return failure('re-upgrade', `Upgrading ${m.revision} again after its downgrade does not rebuild the same schema:`, findings);
}

/** A step's migration failed to run (SQL error, script error). */
export function errorFailure(step: StairwayStep, m: Migration, err: unknown, what: string): StairwayFailure {
  const location: SourceLocation = err instanceof SqlError && err.location
    ? err.location
    : sectionLocation(m, step === 'downgrade' ? 'downgrade' : 'upgrade');
  const text = err instanceof Error ? err.message : String(err);
  const hint = err instanceof MigrationChainError && err.hint ? `\nhint: ${err.hint}` : '';
  return { step, message: `${what}: ${text}${hint}`, findings: [{ message: text.split('\n')[0], location }] };
}

export function verifyFailure(m: Migration, result: VerifyBlockResult, when: string): StairwayFailure {
  const message = `The verify block of ${m.revision} fails ${when}: ${result.detail}`;
  return { step: 'verify', message, findings: [{ message, location: { file: m.file, line: result.line } }] };
}

/** No downgrade and no declaration: say how to write either. */
export function undeclaredFailure(m: Migration): StairwayFailure {
  const declare = formatSpec(m).declareIrreversible;
  const message = `${m.revision} has no downgrade and is not declared irreversible: ${declare}.`;
  return { step: 'declaration', message, findings: [{ message, location: { file: m.file, line: m.revisionLine } }] };
}

function failure(step: StairwayStep, summary: string, findings: StairwayFinding[]): StairwayFailure {
  const lines = [summary];
  for (const f of findings) {
    lines.push('', `${f.message}  (${f.location.file}:${f.location.line})`);
    if (f.entry?.expected !== undefined) lines.push(...indent('expected: ', f.entry.expected));
    if (f.entry?.actual !== undefined) lines.push(...indent('actual:   ', f.entry.actual));
  }
  return { step, message: lines.join('\n'), findings };
}

function indent(label: string, text: string): string[] {
  const [first, ...rest] = text.split('\n');
  const pad = ' '.repeat(label.length + 2);
  return [`  ${label}${first}`, ...rest.map((l) => `${pad}${l}`)];
}

/** The section's first statement line in a `.sql` file; the revision line of a script. */
export function sectionLocation(m: Migration, side: Side): SourceLocation {
  const section: SqlSection | undefined = side === 'upgrade' ? m.upgrade : m.downgrade;
  return { file: m.file, line: section?.line ?? m.revisionLine };
}

/**
 * Like `sectionLocation`, but a script's side is its function's line (`def downgrade()` of a `.py`):
 * a finding about the downgrade must open the downgrade, not the revision header or upgrade().
 */
async function scriptSectionLocation(m: Migration, side: Side): Promise<SourceLocation> {
  const fn = await scriptFunction(m, side);
  return fn ? { file: m.file, line: fn.firstLine } : sectionLocation(m, side);
}

/** A script's function of that side (`def downgrade()` of a `.py` revision), by the format table; undefined when none is found. */
async function scriptFunction(m: Migration, side: Side): Promise<{ text: string; firstLine: number } | undefined> {
  if (m.upgrade || m.downgrade) return undefined;
  let fileText: string;
  try {
    fileText = await fs.readFile(m.file, 'utf8');
  } catch {
    return undefined; // a file that vanished since the chain was read gets the header line
  }
  return formatSpec(m).sideFunction(fileText, side);
}

/**
 * Per entry, the first line of the section that names its object: the `.sql` section, a script's
 * function of that side (a mention in upgrade() says nothing about the downgrade), or the whole
 * script when its format has no function to find.
 */
async function mentions(m: Migration, side: Side, entries: readonly SchemaDiffEntry[]): Promise<(SourceLocation | undefined)[]> {
  const section = side === 'upgrade' ? m.upgrade : m.downgrade;
  let text: string;
  let firstLine = 1;
  const fn = section ? undefined : await scriptFunction(m, side);
  if (section) {
    text = section.text;
    firstLine = section.line;
  } else if (fn) {
    text = fn.text;
    firstLine = fn.firstLine;
  } else if (!hasSqlText(m)) {
    try {
      text = await fs.readFile(m.file, 'utf8');
    } catch {
      return entries.map(() => undefined);
    }
  } else {
    return entries.map(() => undefined);
  }
  const linked = linkSources(entries, [{ migration: m, text, firstLine, lines: new LineIndex(text) }]);
  return linked.map((e) => (e.source ? { file: e.source.file, line: e.source.line } : undefined));
}
