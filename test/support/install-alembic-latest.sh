#!/usr/bin/env bash
# Installs the newest Alembic that `pip install alembic` gives (with psycopg2-binary for the database
# tests) into a virtual environment the tests own: .test-artifacts/alembic-venv-latest (git-ignored),
# or the folder given as $1. Safe to run again: when the venv already imports both it only prints the
# version (add --upgrade to ask pip for a newer Alembic). Prints the venv's python as its last line.
# Used by `npm run test:alembic` (test/alembic/run.ts) and by any suite that needs today's Alembic.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="${1:-.test-artifacts/alembic-venv-latest}"
UPGRADE="${2:-}"
PY="$VENV/bin/python"

if [ -x "$PY" ] && [ "$UPGRADE" != "--upgrade" ] && "$PY" -c 'import alembic, psycopg2' 2>/dev/null; then
  echo "install-alembic-latest: Alembic $("$PY" -c 'import alembic; print(alembic.__version__)') in $VENV" >&2
  echo "$(cd "$VENV" && pwd)/bin/python"
  exit 0
fi
# The python3 on PATH builds the venv (here pyenv's; Debian's needs python3-venv, which may be absent).
BASE=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import venv, ensurepip' 2>/dev/null; then BASE="$candidate"; break; fi
done
if [ -z "$BASE" ]; then
  echo "install-alembic-latest: no python3 with the venv and ensurepip modules (Debian: apt-get install -y python3-venv)" >&2
  exit 1
fi
mkdir -p "$(dirname "$VENV")"
[ -x "$PY" ] || "$BASE" -m venv "$VENV" >&2
"$PY" -m pip install --quiet --disable-pip-version-check --upgrade alembic psycopg2-binary >&2
echo "install-alembic-latest: Alembic $("$PY" -c 'import alembic; print(alembic.__version__)') in $VENV" >&2
echo "$(cd "$VENV" && pwd)/bin/python"
