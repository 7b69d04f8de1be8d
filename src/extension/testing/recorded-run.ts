// A TestRun that also keeps what it reported, per revision item: the outcome and the messages with
// their locations. The extension-host tests assert on it (VS Code does not let another extension
// read a controller's results).
import * as vscode from 'vscode';

export interface ReportedItem {
  id: string;
  state: 'enqueued' | 'started' | 'passed' | 'failed' | 'errored' | 'skipped';
  messages: { text: string; file?: string; line?: number; expected?: string; actual?: string }[];
}

export interface ReportedRun {
  items: Map<string, ReportedItem>;
  output: string[];
}

export function recordRun(run: vscode.TestRun): vscode.TestRun & { reported: ReportedRun } {
  const reported: ReportedRun = { items: new Map(), output: [] };
  const set = (item: vscode.TestItem, state: ReportedItem['state'], messages: readonly vscode.TestMessage[] = []) => {
    reported.items.set(item.id, {
      id: item.id,
      state,
      messages: messages.map((m) => ({
        text: typeof m.message === 'string' ? m.message : m.message.value,
        file: m.location?.uri.fsPath,
        line: m.location ? m.location.range.start.line + 1 : undefined,
        expected: m.expectedOutput,
        actual: m.actualOutput,
      })),
    });
  };
  const asArray = (m: vscode.TestMessage | readonly vscode.TestMessage[]) => (Array.isArray(m) ? m as readonly vscode.TestMessage[] : [m as vscode.TestMessage]);
  return {
    name: run.name,
    token: run.token,
    isPersisted: run.isPersisted,
    onDidDispose: run.onDidDispose,
    reported,
    enqueued: (item) => { set(item, 'enqueued'); run.enqueued(item); },
    started: (item) => { set(item, 'started'); run.started(item); },
    skipped: (item) => { set(item, 'skipped'); run.skipped(item); },
    passed: (item, duration) => { set(item, 'passed'); run.passed(item, duration); },
    failed: (item, message, duration) => { set(item, 'failed', asArray(message)); run.failed(item, message, duration); },
    errored: (item, message, duration) => { set(item, 'errored', asArray(message)); run.errored(item, message, duration); },
    appendOutput: (output, location, test) => { reported.output.push(output); run.appendOutput(output, location, test); },
    addCoverage: (c) => run.addCoverage(c),
    end: () => run.end(),
  };
}
