// Every `migrationChain.*` setting, typed and validated in one place (no `vscode` here, so the rules
// are unit-tested). A bad value never throws: it falls back to the default and is reported once.
import { splitCommand } from '../core';

export interface Settings {
  /** A URL typed into settings; SecretStorage wins over it (see connection.ts). */
  databaseUrl: string | undefined;
  /**
   * The URL that bypasses a connection pooler (Prisma's `directUrl`): runs that need one session
   * (non-transactional steps, reset, delegated Alembic) use it when the database URL is pooled.
   */
  directUrl: string | undefined;
  envFile: string;
  envVariable: string;
  /** Relative to the workspace folder; undefined = discover (migrations/ or alembic.ini's versions/). */
  migrationsDir: string | undefined;
  lockTimeoutSeconds: number;
  /** How long a lock whose run stopped answering blocks others (a lease unrenewed, an idle session lock); also what Release Migration Lock calls abandoned. */
  lockLeaseSeconds: number;
  /** lock_timeout for the migrations' statements; undefined = the engine's default (5 s remote, none local). */
  statementLockTimeoutSeconds: number | undefined;
  /** Globs matched against the database name, the host and `host/database` (core/db/protected.ts). */
  protectedDatabases: string[];
  /** false: upgrades of a local, unprotected database run without the modal. Reset always asks. */
  confirmUpgradeOnLocal: boolean;
  codeLensEnabled: boolean;
  /** 0 = no polling. */
  statusPollSeconds: number;
  /** argv of the Alembic command, e.g. ['poetry', 'run', 'alembic']; run without a shell. [] = find one (core/alembic/python-policy.ts). */
  alembicCommand: string[];
  /** Interpreter that reads Alembic projects through Alembic (core/alembic/python-policy.ts); undefined = find one. */
  python: string | undefined;
  /** Rehearse a reset that cannot run in one transaction on a scratch database first. */
  resetRehearse: boolean;
  /** Saving the chain's single head, applied to a local unprotected database, re-applies it (extension/chains/reapply-on-save.ts). */
  reapplyOnSave: boolean;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  databaseUrl: undefined,
  directUrl: undefined,
  envFile: '.env',
  envVariable: 'DATABASE_URL',
  migrationsDir: undefined,
  lockTimeoutSeconds: 30,
  lockLeaseSeconds: 30,
  statementLockTimeoutSeconds: undefined,
  protectedDatabases: [],
  confirmUpgradeOnLocal: true,
  codeLensEnabled: true,
  statusPollSeconds: 0,
  alembicCommand: [],
  python: undefined,
  resetRehearse: true,
  reapplyOnSave: false,
});

export interface ParsedSettings {
  settings: Settings;
  /** One line per rejected value, naming the setting. */
  problems: string[];
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `get(key)` returns the raw value of `migrationChain.<key>` (undefined when unset). */
export function parseSettings(get: (key: string) => unknown): ParsedSettings {
  const problems: string[] = [];
  const reject = (key: string, why: string) => problems.push(`migrationChain.${key} ${why}; using the default.`);

  const optionalText = (key: string): string | undefined => {
    const v = get(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') { reject(key, 'must be a string'); return undefined; }
    return v.trim() === '' ? undefined : v.trim();
  };
  const text = (key: string, fallback: string, valid: (v: string) => boolean = () => true): string => {
    const v = optionalText(key);
    if (v === undefined) return fallback;
    if (!valid(v)) { reject(key, `is not valid (${JSON.stringify(v)})`); return fallback; }
    return v;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const v = get(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') { reject(key, 'must be true or false'); return fallback; }
    return v;
  };
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const v = get(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      reject(key, `must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return v;
  };
  const globs = (key: string): string[] => {
    const v = get(key);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || !v.every((g) => typeof g === 'string')) { reject(key, 'must be a list of strings'); return []; }
    return v.map((g: string) => g.trim()).filter((g) => g !== '');
  };

  // A URL itself is never echoed into a problem message: it may hold a password.
  const url = (key: string): string | undefined => {
    const v = get(key);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') { reject(key, 'must be a string'); return undefined; }
    return v.trim() || undefined;
  };
  const alembic = text('alembic.command', '');
  const settings: Settings = {
    databaseUrl: url('databaseUrl'),
    directUrl: url('directUrl'),
    envFile: text('envFile', DEFAULT_SETTINGS.envFile),
    envVariable: text('envVariable', DEFAULT_SETTINGS.envVariable, (v) => ENV_NAME.test(v)),
    migrationsDir: optionalText('migrationsDir'),
    lockTimeoutSeconds: int('lockTimeoutSeconds', DEFAULT_SETTINGS.lockTimeoutSeconds, 0, 86_400),
    lockLeaseSeconds: int('lockLeaseSeconds', DEFAULT_SETTINGS.lockLeaseSeconds, 1, 3600),
    statementLockTimeoutSeconds: get('statementLockTimeoutSeconds') === undefined || get('statementLockTimeoutSeconds') === null
      ? undefined : int('statementLockTimeoutSeconds', 5, 0, 3600),
    protectedDatabases: globs('protectedDatabases'),
    confirmUpgradeOnLocal: bool('confirmUpgradeOnLocal', DEFAULT_SETTINGS.confirmUpgradeOnLocal),
    codeLensEnabled: bool('codeLens.enabled', DEFAULT_SETTINGS.codeLensEnabled),
    statusPollSeconds: int('statusPollSeconds', DEFAULT_SETTINGS.statusPollSeconds, 0, 86_400),
    alembicCommand: splitCommand(alembic),
    python: optionalText('python'),
    resetRehearse: bool('reset.rehearse', DEFAULT_SETTINGS.resetRehearse),
    reapplyOnSave: bool('reapplyOnSave', DEFAULT_SETTINGS.reapplyOnSave),
  };
  return { settings, problems };
}
