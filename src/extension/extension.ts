// Entry point: builds the one Context that owns every disposable. The engine (and pg) load on
// first use, not here. If activation fails the user is told (VS Code would only log it).
import * as vscode from 'vscode';
import { Context } from './context';

export function activate(extension: vscode.ExtensionContext): Context {
  const started = performance.now();
  try {
    const ctx = new Context(extension);
    extension.subscriptions.push(ctx);
    ctx.activationMs = performance.now() - started;
    ctx.log.info(`Migration Chain ${String((extension.extension.packageJSON as { version?: unknown }).version)} activated in ${ctx.activationMs.toFixed(1)} ms`);
    return ctx;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(`Migration Chain failed to start: ${message}`);
    throw err;
  }
}

export function deactivate(): void {}
