// The Testing view's content as plain data (no vscode): one root per workspace folder ("Migration
// Chain: all revisions"), one group per branch, one item per revision; and a finished revision as
// the messages and output lines the test run shows.
import type { BranchGroup, Chain, RevisionResult } from '../core';

export interface RevisionItemModel {
  id: string;
  revision: string;
  label: string;
  description: string;
  file: string;
  /** 1-based line of the revision header. */
  line: number;
}

export interface GroupItemModel {
  id: string;
  label: string;
  revisions: RevisionItemModel[];
}

export interface RootItemModel {
  id: string;
  label: string;
  groups: GroupItemModel[];
}

export const ROOT_LABEL = 'Migration Chain: all revisions';

export function revisionItemId(folderUri: string, revision: string): string {
  return `${folderUri}#revision:${revision}`;
}

/** `groups` comes from the engine's branchGroups(chain.graph). */
export function stairwayItems(folder: { uri: string; name: string }, chain: Chain, groups: readonly BranchGroup[], multiRoot: boolean): RootItemModel {
  return {
    id: folder.uri,
    label: multiRoot ? `${ROOT_LABEL} (${folder.name})` : ROOT_LABEL,
    groups: groups.map((g) => ({
      id: `${folder.uri}#branch:${g.name}`,
      label: g.name,
      revisions: g.revisions.flatMap((revision) => {
        const m = chain.graph.get(revision);
        return m ? [{
          id: revisionItemId(folder.uri, revision),
          revision,
          label: m.message || revision,
          description: m.message ? revision : '',
          file: m.file,
          line: m.revisionLine,
        }] : [];
      }),
    })),
  };
}

export interface StairwayMessage {
  text: string;
  file: string;
  line: number;
  /** For a schema difference: the object as it should be and as it is ('(absent)' when it is not there). */
  expected?: string;
  actual?: string;
}

/** One message per finding, each linked to the line to fix. */
export function stairwayMessages(result: RevisionResult): StairwayMessage[] {
  return result.failures.flatMap((f) => f.findings.map((finding) => {
    const message: StairwayMessage = {
      text: `${stepTitle(f.step)}: ${finding.message}\n\n${f.message}`,
      file: finding.location.file,
      line: finding.location.line,
    };
    if (finding.entry) {
      message.expected = finding.entry.expected ?? '(absent)';
      message.actual = finding.entry.actual ?? '(absent)';
    }
    return message;
  }));
}

export function stepTitle(step: RevisionResult['failures'][number]['step']): string {
  switch (step) {
    case 'upgrade': return 'Upgrade failed';
    case 'verify': return 'Verify block failed';
    case 'downgrade': return 'Downgrade';
    case 're-upgrade': return 'Upgrade again after the downgrade';
    case 'declaration': return 'No downgrade';
  }
}

/** The whole story of a failed revision, for the test run's terminal and the output channel. */
export function failureOutput(result: RevisionResult): string {
  return result.failures.map((f) => `${result.revision}, ${f.step}:\n${f.message.split('\n').map((l) => (l ? `    ${l}` : l)).join('\n')}`).join('\n');
}
