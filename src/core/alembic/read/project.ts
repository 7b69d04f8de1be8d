// An Alembic project: the alembic.ini file and the folder it sits in, where Alembic runs (relative
// paths in alembic.ini and env.py are relative to the working directory, which the users' own
// `cd backend && alembic …` makes that folder).
import * as path from 'node:path';

export interface AlembicProject {
  /** Absolute path of alembic.ini (or the file given with --config). */
  iniFile: string;
  /** The folder holding it: the working directory of every Alembic run. */
  dir: string;
}

export function alembicProject(iniFile: string): AlembicProject {
  const abs = path.resolve(iniFile);
  return { iniFile: abs, dir: path.dirname(abs) };
}
