#!/usr/bin/env bash
# Installs real PgBouncer for the pooler tests: Debian's pgbouncer package (the network reaches apt,
# not PgBouncer's site). Called by the test harness (test/support/pgbouncer.ts) when no pgbouncer
# binary is found; safe to run again. Only the binary is used: the harness starts its own instance
# with a generated ini, so the package's system service is stopped if the install started it.
set -euo pipefail

if command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ]; then
  echo "install-pgbouncer: pgbouncer is already installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-pgbouncer: apt-get is not available here. Install PgBouncer (Debian/Ubuntu: apt-get install -y pgbouncer), then run the tests again." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "install-pgbouncer: not root and no sudo; run as root: apt-get install -y pgbouncer" >&2
    exit 1
  fi
fi
. "$(dirname "$0")/apt-wait.sh"
apt_run $SUDO apt-get update -qq
# policy-rc.d-less containers may try to start the service; it is not ours to keep running.
apt_run $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer
$SUDO service pgbouncer stop >/dev/null 2>&1 || true
/usr/sbin/pgbouncer --version | head -1 | sed 's/^/install-pgbouncer: /'
