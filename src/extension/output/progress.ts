// Long work runs in a cancellable notification; Cancel aborts the AbortSignal the engine watches
// (it cancels the running statement and rolls the current migration back).
import * as vscode from 'vscode';

export function withCancellableProgress<T>(
  title: string,
  work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>,
): Promise<T> {
  return Promise.resolve(vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      try {
        return await work(controller.signal, (message) => progress.report({ message }));
      } finally {
        subscription.dispose();
      }
    },
  ));
}
