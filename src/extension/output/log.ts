// The one output channel. Implements the engine's Logger, so every core call narrates into it, and
// redacts every line (see redact.ts). Created once by the Context.
import * as vscode from 'vscode';
import type { Logger } from '../core';
import { secretFormsOf } from '../core';
import { Redactor } from './redact';

export const CHANNEL_NAME = 'Migration Chain';

export class Log implements Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  private readonly redactor = new Redactor();

  constructor() {
    this.channel = vscode.window.createOutputChannel(CHANNEL_NAME, { log: true });
  }

  /** Registers a database URL so that its password is masked in everything written later. */
  rememberUrl(url: string): void {
    for (const form of secretFormsOf(url)) this.redactor.add(form);
    this.redactor.add(url);
  }

  info(message: string): void { this.channel.info(this.redactor.redact(message)); }
  warn(message: string): void { this.channel.warn(this.redactor.redact(message)); }
  error(message: string | Error): void {
    const text = message instanceof Error ? message.stack ?? message.message : message;
    this.channel.error(this.redactor.redact(text));
  }
  debug(message: string): void { this.channel.debug(this.redactor.redact(message)); }
  trace(message: string): void { this.channel.trace(this.redactor.redact(message)); }

  /** The same masking for text written elsewhere (a test run's terminal). */
  redact(text: string): string { return this.redactor.redact(text); }

  show(): void { this.channel.show(true); }

  dispose(): void { this.channel.dispose(); }
}
