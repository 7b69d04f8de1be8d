// An Alembic project: the alembic.ini file and the folder its developers run Alembic in (relative
// paths in alembic.ini and env.py are relative to the working directory, which the users' own
// `cd backend && alembic …` makes that folder). A Flask-Migrate project is run as its developers
// run it: `flask db …` from the folder above its migrations folder (where FLASK_APP is found), with
// `-d` naming the migrations folder.
import * as path from 'node:path';
import { iniValue, isFlaskMigrateFolder, parseIni } from '../../chain/alembic-ini';
import { readFileSync } from 'node:fs';

export interface AlembicProject {
  /** Absolute path of alembic.ini (or the file given with --config). */
  iniFile: string;
  /** The working directory of every run: alembic.ini's folder, or a Flask-Migrate folder's parent. */
  dir: string;
  /** Set for a Flask-Migrate project: its migrations folder (`flask db -d`). */
  flaskMigrate?: { directory: string };
}

export function alembicProject(iniFile: string): AlembicProject {
  const abs = path.resolve(iniFile);
  const folder = path.dirname(abs);
  if (path.basename(abs) === 'alembic.ini' && !hasScriptLocation(abs) && isFlaskMigrateFolder(folder)) {
    return { iniFile: abs, dir: path.dirname(folder), flaskMigrate: { directory: folder } };
  }
  return { iniFile: abs, dir: folder };
}

function hasScriptLocation(iniFile: string): boolean {
  try {
    return iniValue(parseIni(readFileSync(iniFile, 'utf8')), 'alembic', 'script_location') !== undefined;
  } catch {
    return true; // an unreadable file is Alembic's to report
  }
}

/** What the project's command is called in messages: `alembic` or `flask db`. */
export function commandName(project: AlembicProject): string {
  return project.flaskMigrate ? 'flask db' : 'alembic';
}
