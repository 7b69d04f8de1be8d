#!/usr/bin/env bash
# Installs real Alembic for the tests that compare against it or run it: Debian's python3-alembic and
# python3-psycopg2 (the network reaches apt, not PyPI). Called by the database test hooks when no
# Python on PATH can import both; safe to run again.
set -euo pipefail

if /usr/bin/python3 -c 'import alembic, psycopg2' 2>/dev/null; then
  echo "install-alembic: python3-alembic and python3-psycopg2 are already installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-alembic: apt-get is not available here. Install Alembic and psycopg2 for a python3 on PATH" >&2
  echo "  (Debian/Ubuntu: apt-get install -y python3-alembic python3-psycopg2), then run the tests again." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "install-alembic: not root and no sudo; run as root: apt-get install -y python3-alembic python3-psycopg2" >&2
    exit 1
  fi
fi
. "$(dirname "$0")/apt-wait.sh"
apt_run $SUDO apt-get update -qq
apt_run $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-alembic python3-psycopg2
/usr/bin/python3 -c 'import alembic, psycopg2; print("install-alembic: Alembic", alembic.__version__)'
