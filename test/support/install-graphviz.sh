#!/usr/bin/env bash
# Installs Graphviz (`dot`) and libxml2-utils (`xmllint`) for the graph export tests, which check
# our DOT with the real Graphviz parser and our SVG with a real XML parser. Idempotent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=apt-wait.sh
. "$here/apt-wait.sh"
if command -v dot >/dev/null && command -v xmllint >/dev/null; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
apt_run apt-get install -y --no-install-recommends graphviz libxml2-utils >/dev/null
command -v dot >/dev/null && command -v xmllint >/dev/null
