// Command-line parsing: one table of options and commands, `node:util` parseArgs underneath.
// Every option a command does not take is a usage error, so a typo never silently does nothing.
import { parseArgs } from 'node:util';
import { editDistance, UsageError } from './core';

export const commandNames = [
  'history', 'current', 'heads', 'check', 'status', 'verify',
  'upgrade', 'downgrade', 'stamp', 'reset', 'revision', 'merge', 'repair', 'reparent', 'test', 'lint', 'env', 'unlock', 'graph',
] as const;
export type CommandName = (typeof commandNames)[number];

interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder shown in help for string options. */
  value?: string;
  description: string;
}

export const optionSpecs = {
  dir: { type: 'string', value: 'PATH', description: 'migrations folder (default: migrations/, or the versions/ folder of ./alembic.ini)' },
  config: { type: 'string', value: 'FILE', description: 'the Alembic project\'s alembic.ini (default: ./alembic.ini, else the nearest one above or below)' },
  'alembic-command': { type: 'string', value: 'CMD', description: 'how to run Alembic, e.g. "poetry run alembic" (default: the venv\'s alembic, else python3 -m alembic, else alembic)' },
  url: { type: 'string', value: 'URL', description: 'database URL (default: $DATABASE_URL, then DATABASE_URL in ./.env)' },
  debug: { type: 'boolean', description: 'log debug detail and print stack traces' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
  version: { type: 'boolean', short: 'V', description: 'print the version' },
  json: { type: 'boolean', description: 'print the result as JSON on stdout' },
  verbose: { type: 'boolean', short: 'v', description: 'show parents, file and full message of every revision' },
  sql: { type: 'boolean', description: 'print the SQL instead of running it (offline mode)' },
  force: { type: 'boolean', description: 'stamp even if a verify block of the target fails' },
  yes: { type: 'boolean', short: 'y', description: 'do not ask for confirmation (required when stdin is not a terminal)' },
  'confirm-database': { type: 'string', value: 'NAME', description: 'the database name, required for a non-local or protected database' },
  backup: { type: 'string', value: 'FILE', description: 'pg_dump the database to FILE before dropping anything' },
  'no-rehearsal': { type: 'boolean', description: 'reset a chain with a non-transactional migration without rehearsing it on a scratch database first' },
  drift: { type: 'boolean', description: 'also compare the live schema with the schema the chain builds' },
  message: { type: 'string', short: 'm', value: 'MSG', description: 'the revision message' },
  autogenerate: { type: 'boolean', description: 'Alembic projects: run the project\'s `alembic revision --autogenerate` (models against the database)' },
  phantoms: { type: 'boolean', description: 'undo the revisions applied here from another git branch (no file in this tree), with the downgrade the audit log kept' },
  models: { type: 'boolean', description: 'Alembic projects: run `alembic check` (1.9+): fail when the models have changes no revision makes' },
  'from-database': { type: 'boolean', description: 'write the revision from the difference between the chain\'s head and the database (native chains)' },
  onto: { type: 'string', value: 'PARENT', description: 'the revision that becomes the new parent' },
  'changed-since': { type: 'string', value: 'REF', description: 'test only the revisions whose files changed since the git REF' },
  from: { type: 'string', value: 'REV', description: 'test REV and the revisions after it' },
  to: { type: 'string', value: 'REV', description: 'test REV and the revisions before it' },
  junit: { type: 'string', value: 'FILE', description: 'also write the results as JUnit XML to FILE' },
  'lock-timeout': { type: 'string', value: 'SECONDS', description: 'how long to wait for another run\'s migration lock (default: the engine\'s)' },
  wait: { type: 'string', value: 'SECONDS', description: 'the longest to wait for another run\'s migration lock, then exit 5 (same as --lock-timeout; default 60)' },
  'lock-lease': { type: 'string', value: 'SECONDS', description: 'how long a lock whose run died blocks others: a pooled run\'s lease, an idle abandoned session (default 30)' },
  'direct-url': { type: 'string', value: 'URL', description: 'a direct (session) URL for runs when --url / DATABASE_URL is a pooler\'s (default: $MIGRATION_CHAIN_DIRECT_URL, then MIGRATION_CHAIN_DIRECT_URL in ./.env)' },
  'statement-lock-timeout': { type: 'string', value: 'SECONDS', description: 'lock_timeout for each migration\'s statements, retried up to 3 times (default: 5 for a remote database, 0 = none for a local one)' },
  format: { type: 'string', value: 'FORMAT', description: 'lint: text (default), json or sarif; graph: svg (default), png, dot or mermaid' },
  since: { type: 'string', value: 'REV', description: 'lint the revisions after REV (no database needed)' },
  pending: { type: 'boolean', description: 'lint the revisions the database has not applied yet' },
  'pg-version': { type: 'string', value: 'MAJOR', description: 'the PostgreSQL major to lint for when no database is connected (e.g. 16)' },
  concurrency: { type: 'string', value: 'N', description: 'targets upgraded at once (default: the environments file\'s, else 4)' },
  canary: { type: 'string', value: 'MEMBER', description: 'the member run first; the rest start only if it succeeds (default: the file\'s, else the first)' },
  'continue-on-error': { type: 'boolean', description: 'keep starting targets after one fails, and report them all (default: stop)' },
  static: { type: 'boolean', description: 'an Alembic project: read the revision files as text only, without loading them through the project\'s Alembic' },
  resume: { type: 'boolean', description: 'continue the last unfinished run of the environment with the targets it did not finish' },
} as const satisfies Record<string, OptionSpec>;
export type OptionName = keyof typeof optionSpecs;

/** Options every command takes. */
export const globalOptions: readonly OptionName[] = ['dir', 'config', 'url', 'debug', 'help'];

export interface CommandSpec {
  summary: string;
  positionals: { name: string; required: boolean; description: string }[];
  options: readonly OptionName[];
  /** Extra help text after the usage line. */
  details?: string;
}

const runOptions: readonly OptionName[] = ['lock-timeout', 'wait', 'lock-lease', 'direct-url', 'statement-lock-timeout', 'alembic-command'];

export const commandSpecs: Record<CommandName, CommandSpec> = {
  history: {
    summary: 'list revisions, heads first, with (head), (current), branch and merge marks',
    positionals: [],
    options: ['verbose', 'json', 'static', 'alembic-command'],
    details: 'Marks (current) when a database URL is configured. An Alembic project is read through its own Alembic when a Python with Alembic is found (--static: the files as text only).',
  },
  current: { summary: 'show the revision(s) recorded in the database', positionals: [], options: ['verbose', 'json'] },
  heads: { summary: 'show the head revision(s) of the chain', positionals: [], options: ['verbose', 'json', 'static', 'alembic-command'] },
  check: {
    summary: 'validate the migration files (no database); non-zero exit on any chain error',
    positionals: [],
    options: ['json', 'models', 'static', 'alembic-command'],
    details: 'Prints one `file:line: severity: message [code]` line per problem. An Alembic project is read through its own Alembic when a Python with Alembic is found, so a revision file Alembic cannot load fails the check (--static: the files as text only).\n'
      + 'With --models (Alembic projects): runs the project\'s `alembic check` (Alembic 1.9+) against the database and prints one\n'
      + 'line per operation the models need that no revision makes; exit 6 when there is one, 2 for an older Alembic.',
  },
  status: { summary: 'show the current revision and the number of pending migrations', positionals: [], options: ['json'] },
  verify: {
    summary: 'check the database against the chain (versions, tables, foreign keys, verify blocks)',
    positionals: [],
    options: ['json', 'drift'],
  },
  upgrade: {
    summary: 'apply migrations up to TARGET',
    positionals: [{ name: 'TARGET', required: false, description: 'head (default), heads, a revision, a prefix, +N, <rev>+N; with --sql also FROM:TO' }],
    options: ['sql', 'yes', ...runOptions],
    details: 'In a terminal, destructive statements and non-transactional migrations are listed and confirmed first (--yes skips that);\n'
      + 'without a terminal (deploy hooks) nothing is asked. With --sql they are listed on stderr.',
  },
  downgrade: {
    summary: 'undo migrations down to TARGET (asks for confirmation)',
    positionals: [{ name: 'TARGET', required: false, description: 'base, a revision, a prefix, -N, <rev>-N; with --sql also FROM:TO (required unless --phantoms)' }],
    options: ['sql', 'yes', 'confirm-database', 'phantoms', ...runOptions],
    details: '--phantoms (no TARGET): undo the revisions this database applied from another git branch (their files are not here)\n'
      + 'with the downgrade SQL the audit log kept at apply time, newest first. Local databases that no protected pattern\n'
      + 'names only; elsewhere they are listed and nothing changes (exit 8).',
  },
  stamp: {
    summary: 'record REV as the current revision without running migrations',
    positionals: [{ name: 'REV', required: true, description: 'the revision to record (head, base, an id or prefix)' }],
    options: ['force', ...runOptions],
  },
  reset: {
    summary: 'drop the public schema, upgrade to head and verify (asks for confirmation)',
    positionals: [],
    options: ['yes', 'confirm-database', 'backup', 'no-rehearsal', ...runOptions],
    details: 'All-or-nothing when every migration is transactional: the drop, the migrations and verify run in one transaction,\n'
      + 'committed only if verify passes. Otherwise the chain is first rehearsed on a scratch database <db>_mc_rehearsal_<random>\n'
      + '(needs CREATEDB; always dropped) and the real reset starts only if that passes.',
  },
  unlock: {
    summary: 'show who holds the migration lock, and clear it if its run is provably gone (asks for confirmation)',
    positionals: [],
    options: ['yes', 'confirm-database', 'lock-lease', 'direct-url', 'json'],
    details: 'Provably gone: a lease that has expired, or a session holding the lock that has been idle (not in a transaction) for longer\n'
      + 'than --lock-lease. A live holder is named and left alone (exit 8). A protected database needs its name typed or --confirm-database.',
  },
  revision: {
    summary: 'create a new migration file whose parent is the current head',
    positionals: [],
    options: ['message', 'from-database', 'autogenerate', 'alembic-command'],
    details: 'With --from-database: the chain\'s head is built on a scratch database <db>_mc_revision_<random> (needs CREATEDB;\n'
      + 'always dropped), diffed against the database (which must be at the head) both ways, and the pair rehearsed there:\n'
      + 'the revision is written only when its upgrade gives exactly the database\'s schema and its downgrade the head\'s.\n'
      + 'Statements that lose data get a `-- data-loss:` comment. Nothing is applied to the database. Exit 6 when refused.\n'
      + 'With --autogenerate (Alembic projects): the project\'s own `alembic revision --autogenerate -m MSG`, then the new\n'
      + 'revision\'s offline SQL and its lint are printed.',
  },
  merge: { summary: 'create a merge revision whose parents are all current heads', positionals: [], options: ['message'] },
  repair: {
    summary: 'accept the current file of an applied revision that was edited after apply (asks for confirmation)',
    positionals: [{ name: 'REV', required: true, description: 'the edited revision (an id or unique prefix)' }],
    options: ['yes', 'confirm-database'],
    details: 'Records the file\'s checksum in migration_chain_log; nothing is run. Check first that the database already matches the file.',
  },
  lint: {
    summary: 'report the locks, rewrites and scans of pending statements that can block production traffic',
    positionals: [],
    options: ['format', 'since', 'pending', 'pg-version'],
    details: 'Without --since or --pending: the pending revisions when a database URL is configured, else every revision.\n'
      + 'With a database the catalog gives the server version and table sizes. Rules and fixes: docs/lint/.\n'
      + 'Exit 0 when no finding is an error, 10 (lintFailed) when one is or a statement does not parse.',
  },
  reparent: {
    summary: 'point REV\'s down_revision at PARENT, to put one branch after the other (asks for confirmation)',
    positionals: [{ name: 'REV', required: true, description: 'the revision whose down_revision changes (the first of the branch to move)' }],
    options: ['onto', 'yes'],
    details: 'Only safe while no database has applied the branch; `check` says per pair of heads whether it is. Otherwise use `merge`.',
  },
  test: {
    summary: 'stairway test: upgrade, downgrade and upgrade again every revision on a scratch database, comparing schemas',
    positionals: [],
    options: ['changed-since', 'from', 'to', 'junit', 'json', 'alembic-command'],
    details: 'The scratch database is created on the server of the database URL (the role needs CREATEDB) and always dropped;\n'
      + 'the database itself is not changed. Exit 9 when a revision fails. --changed-since without a value is not allowed:\n'
      + 'name the ref (e.g. origin/main); the editor\'s "Run changed" defaults to the upstream branch\'s merge base.\n'
      + 'An Alembic project\'s revisions run through its own Alembic (alembic upgrade R, alembic downgrade R@parent).',
  },
  graph: {
    summary: 'print the revision graph as SVG, PNG, Graphviz DOT or Mermaid (heads at the top, one lane per branch)',
    positionals: [],
    options: ['format'],
    details: 'Example: migration-chain graph --format svg > chain.svg. With ./migration-chain.environments.json every node\n'
      + 'is marked with where each environment stands (this reads every environment\'s databases; no environments file: no marks).\n'
      + 'Missing parents and files that do not parse are drawn as dashed ghost nodes. --format png writes the SVG drawn by resvg\n'
      + '(at twice its size, less where a side would pass 32,767 px) and refuses a terminal: redirect it (> chain.png). See docs/graph.md.',
  },
  env: {
    summary: 'environments and tenant fleets: env list | env status [ENV] | env diff A B | env upgrade ENV',
    positionals: [
      { name: 'ACTION', required: true, description: 'list, status, diff or upgrade' },
      { name: 'A', required: false, description: 'an environment (status, upgrade, diff); a tenant as ENV:MEMBER (diff)' },
      { name: 'B', required: false, description: 'the second environment (diff)' },
    ],
    options: ['json', 'verbose', 'yes', 'confirm-database', 'concurrency', 'canary', 'continue-on-error', 'resume', ...runOptions],
    details: 'Environments come from ./migration-chain.environments.json; without it there is one, `default` (--url, DATABASE_URL, .env).\n'
      + 'A protected environment needs --confirm-database ENV (or its name typed in a terminal). Run records: .migration-chain/runs/.',
  },
};

export interface ParsedOptions {
  dir?: string;
  config?: string;
  alembicCommand?: string;
  url?: string;
  debug: boolean;
  help: boolean;
  version: boolean;
  json: boolean;
  verbose: boolean;
  sql: boolean;
  force: boolean;
  yes: boolean;
  confirmDatabase?: string;
  backup?: string;
  noRehearsal: boolean;
  drift: boolean;
  message?: string;
  onto?: string;
  changedSince?: string;
  from?: string;
  to?: string;
  junit?: string;
  lockTimeoutMs?: number;
  /** --lock-lease: how long a dead run's lock blocks others. */
  leaseMs?: number;
  /** --direct-url: the session URL runs use instead of a pooled --url. */
  directUrl?: string;
  statementLockTimeoutMs?: number;
  /** lint: text, json or sarif; graph: svg, png, dot or mermaid (checked per command in parseCommandLine). */
  format: 'text' | 'json' | 'sarif' | 'svg' | 'png' | 'dot' | 'mermaid';
  since?: string;
  pending: boolean;
  pgVersion?: number;
  concurrency?: number;
  canary?: string;
  continueOnError: boolean;
  resume: boolean;
  fromDatabase: boolean;
  autogenerate: boolean;
  models: boolean;
  phantoms: boolean;
  static: boolean;
}

export interface ParsedCommandLine {
  /** Undefined only for a bare `--help` / `--version`. */
  command?: CommandName;
  positionals: string[];
  options: ParsedOptions;
}


export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const parsed = parseRaw(protectRelativeTargets(argv));
  const [first, ...rest] = parsed.positionals;
  const options = toParsedOptions(parsed.values);

  if (first === undefined) {
    if (options.help || options.version) return { positionals: [], options };
    throw new UsageError('No command given.');
  }
  if (!isCommandName(first)) {
    const guess = closest(first, commandNames);
    throw new UsageError(`Unknown command "${first}".`, guess ? `Did you mean \`migration-chain ${guess}\`?` : undefined);
  }
  const spec = commandSpecs[first];
  const allowed = new Set<string>([...globalOptions, ...spec.options]);
  for (const token of parsed.tokens) {
    if (token.kind === 'option' && !allowed.has(token.name)) {
      throw new UsageError(`\`${first}\` does not take ${token.rawName}.`, `Run \`migration-chain ${first} --help\`.`);
    }
  }
  if (options.help) return { command: first, positionals: rest, options };

  const required = spec.positionals.filter((p) => p.required).length;
  if (rest.length < required) {
    throw new UsageError(`\`${first}\` needs ${spec.positionals.map((p) => p.name).join(' ')}.`, `Run \`migration-chain ${first} --help\`.`);
  }
  if (rest.length > spec.positionals.length) {
    throw new UsageError(`\`${first}\` got an unexpected argument "${rest[spec.positionals.length]}".`, `Run \`migration-chain ${first} --help\`.`);
  }
  if (first === 'revision' && !options.message?.trim()) {
    throw new UsageError('`revision` needs a message: -m MSG.', 'Example: migration-chain revision -m "add settings table"');
  }
  if (first === 'downgrade' && (options.phantoms ? rest.length > 0 : rest.length === 0)) {
    throw new UsageError(options.phantoms ? '`downgrade --phantoms` takes no TARGET.' : '`downgrade` needs TARGET.', 'Run `migration-chain downgrade --help`.');
  }
  if (first === 'revision' && options.fromDatabase && options.autogenerate) {
    throw new UsageError('`revision` takes --from-database (native chains) or --autogenerate (Alembic projects), not both.');
  }
  if (first === 'lint' && options.since !== undefined && options.pending) {
    throw new UsageError('`lint` takes --since REV or --pending, not both.');
  }
  const formats = first === 'graph' ? ['svg', 'png', 'dot', 'mermaid'] : ['text', 'json', 'sarif'];
  if (parsed.values.format !== undefined && !formats.includes(options.format)) {
    throw new UsageError(`--format expects ${formats.slice(0, -1).join(', ')} or ${formats[formats.length - 1]} for \`${first}\`, got "${String(parsed.values.format)}".`);
  }
  if (first === 'graph' && parsed.values.format === undefined) options.format = 'svg';
  if (first === 'reparent' && !options.onto?.trim()) {
    throw new UsageError('`reparent` needs the new parent: --onto PARENT.', 'Example: migration-chain reparent b1 --onto a2');
  }
  return { command: first, positionals: rest, options };
}

function parseRaw(args: string[]) {
  const options = Object.fromEntries(
    Object.entries(optionSpecs).map(([name, spec]) => [name, 'short' in spec ? { type: spec.type, short: spec.short } : { type: spec.type }]),
  ) as Record<OptionName, { type: 'string' | 'boolean'; short?: string }>;
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    // parseArgs throws TypeErrors with an ERR_PARSE_ARGS_* code and a readable message.
    const message = err instanceof Error ? err.message.replace(/\. To specify a positional argument.*$/s, '.') : String(err);
    throw new UsageError(message);
  }
}

/**
 * `downgrade -1` is Alembic's "one step down", but parseArgs reads `-1` as an option. Tokens of that
 * shape that are not an option's value move behind `--`, where they are plain positionals.
 */
export function protectRelativeTargets(argv: readonly string[]): string[] {
  const valueOptions = new Set(
    Object.entries(optionSpecs).flatMap(([name, spec]) =>
      spec.type === 'string' ? [`--${name}`, ...('short' in spec ? [`-${spec.short}`] : [])] : []),
  );
  const kept: string[] = [];
  const moved: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      return [...kept, '--', ...moved, ...argv.slice(i + 1)];
    }
    const isValue = i > 0 && valueOptions.has(argv[i - 1]);
    if (!isValue && /^-\d+$/.test(arg)) moved.push(arg);
    else kept.push(arg);
  }
  return moved.length ? [...kept, '--', ...moved] : kept;
}

function toParsedOptions(values: Record<string, string | boolean | undefined>): ParsedOptions {
  const str = (name: OptionName) => (typeof values[name] === 'string' ? values[name] : undefined);
  const bool = (name: OptionName) => values[name] === true;
  return {
    dir: str('dir'),
    config: str('config'),
    alembicCommand: str('alembic-command'),
    static: bool('static'),
    url: str('url'),
    debug: bool('debug'),
    help: bool('help'),
    version: bool('version'),
    json: bool('json'),
    verbose: bool('verbose'),
    sql: bool('sql'),
    force: bool('force'),
    yes: bool('yes'),
    confirmDatabase: str('confirm-database'),
    backup: str('backup'),
    noRehearsal: bool('no-rehearsal'),
    drift: bool('drift'),
    message: str('message'),
    onto: str('onto'),
    changedSince: str('changed-since'),
    from: str('from'),
    to: str('to'),
    junit: str('junit'),
    lockTimeoutMs: parseWait(str('wait'), str('lock-timeout')),
    leaseMs: parseLease(str('lock-lease')),
    directUrl: str('direct-url'),
    statementLockTimeoutMs: parseSeconds('--statement-lock-timeout', str('statement-lock-timeout')),
    format: parseFormat(str('format')),
    since: str('since'),
    pending: bool('pending'),
    pgVersion: parsePgVersion(str('pg-version')),
    concurrency: parseConcurrency(str('concurrency')),
    canary: str('canary'),
    continueOnError: bool('continue-on-error'),
    resume: bool('resume'),
    fromDatabase: bool('from-database'),
    autogenerate: bool('autogenerate'),
    models: bool('models'),
    phantoms: bool('phantoms'),
  };
}

function parseConcurrency(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 256) {
    throw new UsageError(`--concurrency expects a whole number from 1 to 256, got "${text}".`, 'Example: --concurrency 8');
  }
  return n;
}

function parseFormat(text: string | undefined): ParsedOptions['format'] {
  if (text === undefined) return 'text';
  if (text === 'text' || text === 'json' || text === 'sarif' || text === 'svg' || text === 'png' || text === 'dot' || text === 'mermaid') return text;
  throw new UsageError(`--format expects text, json or sarif (lint), or svg, png, dot or mermaid (graph), got "${text}".`);
}

function parsePgVersion(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const major = Number(text);
  if (!Number.isInteger(major) || major < 9 || major > 99) throw new UsageError(`--pg-version expects a PostgreSQL major version such as 16, got "${text}".`);
  return major;
}

/** --wait is the start-up name of --lock-timeout: the longest a run waits for the lock. */
function parseWait(wait: string | undefined, lockTimeout: string | undefined): number | undefined {
  if (wait !== undefined && lockTimeout !== undefined) throw new UsageError('--wait and --lock-timeout are the same setting: pass one of them.');
  return wait !== undefined ? parseSeconds('--wait', wait) : parseSeconds('--lock-timeout', lockTimeout);
}

function parseLease(text: string | undefined): number | undefined {
  const ms = parseSeconds('--lock-lease', text);
  if (ms !== undefined && ms < 1000) throw new UsageError(`--lock-lease must be at least 1 second, got "${text}".`, 'Example: --lock-lease 30');
  return ms;
}

function parseSeconds(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new UsageError(`${option} expects a number of seconds, got "${text}".`, `Example: ${option} 30`);
  }
  return Math.round(seconds * 1000);
}

function isCommandName(name: string): name is CommandName {
  return (commandNames as readonly string[]).includes(name);
}

/** The command within edit distance 2 of `name`, for "did you mean". */
function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate);
    if (distance <= 2 && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
