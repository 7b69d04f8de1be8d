// Alembic's Python import (alembic + SQLAlchemy: ~320 ms of the ~380 ms `python -m alembic heads`
// takes here) touches no database, so it need not wait for our migration lock. For the
// `PYTHON -m alembic` form and for a pip console script (a virtual environment's bin/alembic: a
// `#!PYTHON` line and `from alembic.config import main`), the run starts `PYTHON -c LAUNCHER ARGS…`
// at once: the launcher imports Alembic, then waits for one line on its stdin, which the supervisor
// passes on only once the lock is held (supervisor.ts, "early"), and only then runs Alembic's own
// main, as `python -m alembic` (prog "alembic") or the script (sys.argv[0] and sys.path[0] as when
// the script runs) would. The end of stdin without that line means the run was refused: exit.
// Other forms (`poetry run alembic`, a shell wrapper, Windows' alembic.exe) start whole once the lock is held.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const WAIT = ['if not sys.stdin.readline():', '    sys.exit(143)'];

const MODULE_LAUNCHER = ['import sys', 'from alembic.config import main', ...WAIT, 'main(prog="alembic")'].join('\n');

/** argv[1] is the script's path: Python puts its folder first on sys.path when it runs a script. */
const SCRIPT_LAUNCHER = [
  'import sys',
  'sys.argv.pop(0)',
  'import os',
  'sys.path[0] = os.path.dirname(os.path.realpath(sys.argv[0]))',
  'from alembic.config import main',
  ...WAIT,
  'sys.exit(main())',
].join('\n');

/** The early argv for the command + Alembic's arguments, or undefined when the command is neither form. */
export function earlyPythonLaunch(commandArgv: readonly string[], alembicArgs: readonly string[], readText: (file: string) => string = readHead): string[] | undefined {
  if (commandArgv.length === 3 && commandArgv[1] === '-m' && commandArgv[2] === 'alembic') return [commandArgv[0], '-c', MODULE_LAUNCHER, ...alembicArgs];
  if (commandArgv.length !== 1 || !path.isAbsolute(commandArgv[0])) return undefined;
  const python = consoleScriptPython(safeRead(readText, commandArgv[0]));
  return python ? [python, '-c', SCRIPT_LAUNCHER, commandArgv[0], ...alembicArgs] : undefined;
}

/** The interpreter of a pip console script for Alembic: `#!/abs/python` (no arguments) and the standard body. */
export function consoleScriptPython(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const [first, ...rest] = text.split(/\r?\n/);
  const m = /^#!(\/\S+)$/.exec(first.trim());
  if (!m || !/python[\d.]*$/.test(path.basename(m[1]))) return undefined;
  const body = rest.join('\n');
  return /^from alembic\.config import main$/m.test(body) && /^\s*sys\.exit\(main\(\)\)$/m.test(body) ? m[1] : undefined;
}

function readHead(file: string): string {
  return readFileSync(file, 'utf8').slice(0, 4096);
}

function safeRead(read: (file: string) => string, file: string): string | undefined {
  try { return read(file); } catch { return undefined; }
}
