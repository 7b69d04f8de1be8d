// The sample project a person opens: a copy of the repository's `migrations/` plus a `.env` naming
// the database, which is how the extension finds its connection (DESIGN: SecretStorage, setting,
// .env, environment). Also a folder whose chain is broken, for the Problems panel.
import * as fs from 'fs';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..', '..', '..');
export const SEED_MIGRATIONS = path.join(REPO, 'migrations');

export function writeSampleProject(dir: string, databaseUrl: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(SEED_MIGRATIONS, path.join(dir, 'migrations'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.env'), `# Read by Migration Chain (setting migrationChain.envFile)\nDATABASE_URL=${databaseUrl}\n`);
  return dir;
}

/** The broken file and the line its missing parent is named on (1-based). */
export interface BrokenChain {
  dir: string;
  file: string;
  missingParent: string;
  line: number;
}

/** A two-revision chain whose second revision names a parent no file defines. */
export function writeBrokenProject(dir: string): BrokenChain {
  const migrations = path.join(dir, 'migrations');
  fs.mkdirSync(migrations, { recursive: true });
  fs.writeFileSync(path.join(migrations, 'a1b2c3d4e5f6_create_notes.sql'), [
    '-- revision: a1b2c3d4e5f6',
    '-- down_revision: None',
    '-- message: create notes',
    '',
    '-- migrate:upgrade',
    'CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL);',
    '',
    '-- migrate:downgrade',
    'DROP TABLE notes;',
    '',
  ].join('\n'));
  const missingParent = 'f00dfeedbeef';
  const lines = [
    '-- A revision whose parent was deleted: the chain is broken here.',
    '-- revision: 0badc0ffee00',
    `-- down_revision: ${missingParent}`,
    '-- message: add note tags',
    '',
    '-- migrate:upgrade',
    'ALTER TABLE notes ADD COLUMN tags text[];',
    '',
    '-- migrate:downgrade',
    'ALTER TABLE notes DROP COLUMN tags;',
    '',
  ];
  const file = path.join(migrations, '0badc0ffee00_add_note_tags.sql');
  fs.writeFileSync(file, lines.join('\n'));
  return { dir, file, missingParent, line: lines.findIndex((l) => l.includes('down_revision')) + 1 };
}

/** A multi-root workspace file listing the folders (by path relative to the file). */
export function writeCodeWorkspace(file: string, folders: string[]): string {
  const base = path.dirname(file);
  fs.writeFileSync(file, JSON.stringify({
    folders: folders.map((f) => ({ path: path.relative(base, f) || '.' })),
    settings: {},
  }, null, 2));
  return file;
}
