// Alembic's Python import (alembic + SQLAlchemy: ~320 ms of the ~380 ms `python -m alembic heads`
// takes here) touches no database, so it need not wait for our migration lock. For the
// `PYTHON -m alembic` form, the run starts `PYTHON -c LAUNCHER ARGS…` at once: the launcher imports
// Alembic, then waits for one line on its stdin, which the supervisor passes on only once the lock is
// held (supervisor.ts, "early"), and only then runs Alembic's own `main(prog="alembic")`, exactly what
// `python -m alembic` runs. The end of stdin without that line means the run was refused: exit.
// Other forms (a venv's `alembic` script, `poetry run alembic`, …) start whole once the lock is held.

const LAUNCHER = [
  'import sys',
  'from alembic.config import main',
  'if not sys.stdin.readline():',
  '    sys.exit(143)',
  'main(prog="alembic")',
].join('\n');

/** The early argv for `alembicArgv` (command + Alembic's arguments), or undefined when the command is not `PYTHON -m alembic`. */
export function earlyPythonLaunch(commandArgv: readonly string[], alembicArgs: readonly string[]): string[] | undefined {
  if (commandArgv.length !== 3 || commandArgv[1] !== '-m' || commandArgv[2] !== 'alembic') return undefined;
  return [commandArgv[0], '-c', LAUNCHER, ...alembicArgs];
}
