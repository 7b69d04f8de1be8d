// The editor's lint data: for each workspace folder, the pending revisions' statements linted
// against the database's catalog (read once per status refresh), kept per file; an edited `.sql`
// migration is re-linted from the editor's text on each change once the parser is loaded. An
// Alembic project's `.py` revisions join through Alembic's offline SQL (./alembic-lint-input.ts:
// trusted workspaces only, in the background after a save). Everything here is data;
// ./lint-providers.ts renders it.
import * as vscode from 'vscode';
import type { ChainLintResult } from '../core';
import type { DatabaseFacts } from '../core';
import { lintEngine, type AnalysedStatement, type LintProblem } from '../core';
import type { Log } from '../output/log';
import type { FolderSnapshot } from '../chains/folder-snapshot';
import type { SettingsReader } from '../settings/settings';
import { AlembicLintInputs } from './alembic-lint-input';
import { findMigrationByFile } from '../chains/folder-snapshot';
import type { WorkspaceChains } from '../chains/workspace-chains';

const api = lintEngine;

export interface FileLint {
  statements: AnalysedStatement[];
  problems: LintProblem[];
  /** `.py` revisions of this file whose upgrade() Alembic could not print offline, with why. */
  notLinted: { revision: string; line: number; reason: string }[];
  facts: DatabaseFacts;
}

const DEBOUNCE_MS = 200;

export class LintService implements vscode.Disposable {
  private readonly files = new Map<string, FileLint>();
  private readonly facts = new Map<string, { key: string; facts: DatabaseFacts }>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly alembic: AlembicLintInputs;
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;

  constructor(private readonly chains: WorkspaceChains, settings: SettingsReader, private readonly log: Log) {
    this.alembic = new AlembicLintInputs({ chains, settings, log, updated: () => this.schedule() });
    this.disposables.push(this.alembic);
    chains.onDidChange(() => this.schedule(), null, this.disposables);
    vscode.workspace.onDidChangeTextDocument((e) => this.relintDocument(e.document), null, this.disposables);
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('migrationChain.lint')) this.schedule(); }, null, this.disposables);
    this.schedule();
  }

  forFile(file: string): FileLint | undefined {
    return this.files.get(file);
  }

  allFiles(): ReadonlyMap<string, FileLint> {
    return this.files;
  }

  /** Lints every folder now (commands and tests await this). */
  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const next = new Map<string, FileLint>();
    for (const snapshot of this.chains.snapshots()) {
      if (!snapshot.chain || !settingsOf(snapshot).enabled) continue;
      try {
        const facts = await this.factsFor(snapshot);
        const revisions = lintedRevisions(snapshot);
        const result = await api.chain().lintRevisions(snapshot.chain, revisions, facts, this.alembic.inputFor(snapshot, revisions));
        collect(result, facts, next);
      } catch (err) {
        this.log.warn(`lint of ${snapshot.folder.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (generation !== this.generation) return; // a newer refresh is under way
    this.files.clear();
    for (const [k, v] of next) this.files.set(k, v);
    this.changed.fire();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), DEBOUNCE_MS);
  }

  /** The catalog of the folder's database, re-read when the status was refreshed; settings otherwise. */
  private async factsFor(snapshot: FolderSnapshot): Promise<DatabaseFacts> {
    const settings = settingsOf(snapshot);
    const key = `${snapshot.refreshedAt?.getTime() ?? 'none'}|${settings.postgresVersion ?? ''}|${settings.runtimeLockTimeoutMs}`;
    const cached = this.facts.get(snapshot.folder.uri);
    if (cached?.key === key) return cached.facts;
    let facts: DatabaseFacts | undefined;
    if (snapshot.status && vscode.workspace.isTrusted) {
      try {
        const { url } = await this.chains.connect(snapshot.folder.uri, 'Lint against the database');
        facts = await api.chain().factsFor({ url, runtimeLockTimeoutMs: settings.runtimeLockTimeoutMs, applicationName: 'migration-chain lint (editor)' });
      } catch (err) {
        this.log.warn(`lint: linting without table sizes (${err instanceof Error ? err.message : String(err)})`);
      }
    }
    facts ??= await api.chain().factsFor({
      ...(settings.postgresVersion !== undefined ? { serverMajor: settings.postgresVersion } : {}),
      runtimeLockTimeoutMs: settings.runtimeLockTimeoutMs,
    });
    this.facts.set(snapshot.folder.uri, { key, facts });
    return facts;
  }

  /** Re-lints one edited `.sql` migration from the editor's text (synchronous once the parser is loaded). */
  private relintDocument(document: vscode.TextDocument): void {
    const file = document.uri.fsPath;
    const previous = this.files.get(file);
    const parser = api.parser().loadedPgParser();
    if (!previous || !parser || !file.endsWith('.sql')) return;
    const found = findMigrationByFile(this.chains.snapshots(), file);
    if (!found) return;
    const text = document.getText();
    const parsed = api.parseSql().parseSqlMigration(file, text);
    if (!parsed.ok) return;
    const statements = api.sources().upgradeStatements(parsed.migration);
    const report = api.lint().lint(parser, { statements, suppressions: api.suppressions().readSuppressions(file, text) }, previous.facts);
    this.files.set(file, { statements: report.statements, problems: report.problems, notLinted: [], facts: previous.facts });
    this.changed.fire();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

/** Pending revisions when the database status is known, else every revision of the chain. */
function lintedRevisions(snapshot: FolderSnapshot): string[] {
  const graph = snapshot.chain!.graph;
  return graph.upgradePlan(snapshot.status?.heads ?? [], graph.heads);
}

function collect(result: ChainLintResult, facts: DatabaseFacts, into: Map<string, FileLint>): void {
  const entry = (file: string) => {
    let e = into.get(file);
    if (!e) { e = { statements: [], problems: [], notLinted: [], facts }; into.set(file, e); }
    return e;
  };
  for (const s of result.statements) entry(s.statement.file).statements.push(s);
  for (const p of result.problems) entry(p.file).problems.push(p);
  // Only Alembic's offline run gives a line: a `.py` revision it could not print (not every `.js` / unread `.py`).
  for (const n of result.notLinted) if (n.line !== undefined) entry(n.file).notLinted.push({ revision: n.revision, line: n.line, reason: n.reason });
}

interface LintSettings { enabled: boolean; postgresVersion?: number; runtimeLockTimeoutMs: number }

function settingsOf(snapshot: FolderSnapshot): LintSettings {
  const config = vscode.workspace.getConfiguration('migrationChain', vscode.Uri.parse(snapshot.folder.uri));
  const version = config.get<number | null>('lint.postgresVersion', null);
  const timeout = config.get<number | null>('statementLockTimeoutSeconds', null);
  // Unset: the runner's default, 5 s for a database on another host (core/run/session.ts).
  const runtime = typeof timeout === 'number' ? timeout * 1000 : snapshot.connection && !snapshot.connection.target.isLocal ? 5000 : 0;
  return {
    enabled: config.get<boolean>('lint.enabled', true) !== false,
    ...(typeof version === 'number' && Number.isInteger(version) ? { postgresVersion: version } : {}),
    runtimeLockTimeoutMs: runtime,
  };
}
