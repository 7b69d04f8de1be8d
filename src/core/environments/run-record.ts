// The record of a fleet run, kept at `.migration-chain/runs/<id>.json` under the project root and
// rewritten (atomically: temp file + rename) at every target's start and end, so that after a crash
// or a cancel `--resume` knows which targets were not finished. It holds names, masked URLs and
// error messages — never a URL with its password.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MigrationChainError } from '../errors';

const RUNS_DIR = path.join('.migration-chain', 'runs');

export type TargetRunState = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'cancelled';
export type FailurePolicy = 'stop' | 'continue';

export interface TargetRecord {
  id: string;
  display: string;
  schema?: string;
  state: TargetRunState;
  canary?: boolean;
  from?: string[];
  to?: string[];
  applied?: string[];
  error?: string;
  errorCode?: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface RunRecord {
  version: 1;
  id: string;
  environment: string;
  /** The Alembic-style target every member is upgraded to (e.g. `head`). */
  target: string;
  state: 'running' | 'completed' | 'failed' | 'cancelled';
  startedAt: string;
  finishedAt?: string;
  /** Set when this record was continued by `--resume`. */
  resumedAt?: string[];
  options: { concurrency: number; perServerConcurrency?: number; canary?: string; onFailure: FailurePolicy };
  targets: TargetRecord[];
}

export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

export function runRecordPath(root: string, id: string): string {
  return path.join(root, RUNS_DIR, `${id}.json`);
}

export function writeRunRecord(root: string, record: RunRecord): void {
  const file = runRecordPath(root, record.id);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(record, null, 2)}\n`);
  fs.renameSync(temp, file);
}

/** The same write without blocking the event loop (a fleet's running members keep their queries going); callers chain them. */
export async function writeRunRecordAsync(root: string, record: RunRecord): Promise<void> {
  const file = runRecordPath(root, record.id);
  const text = `${JSON.stringify(record, null, 2)}\n`;
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await fs.promises.writeFile(temp, text);
  await fs.promises.rename(temp, file);
}

export function readRunRecord(file: string): RunRecord {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new MigrationChainError('io', `Cannot read the run record ${file}: ${(err as Error).message}`);
  }
  if (!isRunRecord(json)) throw new MigrationChainError('io', `${file} is not a Migration Chain run record.`);
  return json;
}

/** The newest record of `environment` that did not complete (the one `--resume` continues), if any. */
export function latestUnfinishedRun(root: string, environment: string): RunRecord | undefined {
  const dir = path.join(root, RUNS_DIR);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return undefined;
  }
  // Ids start with a UTC timestamp, so name order is start order.
  for (const name of names.sort().reverse()) {
    const record = readRunRecord(path.join(dir, name));
    if (record.environment === environment) return record.state === 'completed' ? undefined : record;
  }
  return undefined;
}

function isRunRecord(v: unknown): v is RunRecord {
  if (!v || typeof v !== 'object') return false;
  const r = v as Partial<RunRecord>;
  return r.version === 1 && typeof r.id === 'string' && typeof r.environment === 'string' && typeof r.target === 'string'
    && Array.isArray(r.targets) && r.targets.every((t) => !!t && typeof t.id === 'string' && typeof t.state === 'string');
}
