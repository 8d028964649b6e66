#!/usr/bin/env bash
# Sourced by the project's scripts: makes Node >= 22 and the committed Yarn release available,
# installing Node 22 from the npm registry into the git-ignored .tools/ when the system Node is older.
# Safe to source repeatedly; a second run is a no-op. It sets no shell options in the caller.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_PKG_DIR="$ROOT/.tools/node22"
NODE_VERSION_RANGE="22"

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if command -v node >/dev/null 2>&1 && [ "$(node_major node)" -ge 22 ] && [ -z "${DOCKER_ENV_FORCE_LOCAL_NODE:-}" ]; then
  :
else
  platform="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
  pkg="node-${platform}-${arch}"
  bin="$NODE_PKG_DIR/node_modules/$pkg/bin"
  if [ ! -x "$bin/node" ]; then
    echo "[env] installing Node ${NODE_VERSION_RANGE} ($pkg) into .tools/" >&2
    mkdir -p "$NODE_PKG_DIR"
    npm install --prefix "$NODE_PKG_DIR" --no-save --no-audit --no-fund "$pkg@$NODE_VERSION_RANGE" >&2 || return 1
  fi
  export PATH="$bin:$PATH"
  # native addons (better-sqlite3, ssh2) must build against this Node's headers, not the system's
  export npm_config_nodedir="$NODE_PKG_DIR/node_modules/$pkg"
fi

DOCKER_ENV_YARN_JS="$(ls "$ROOT"/.yarn/releases/yarn-*.cjs | head -n1)"
yarn() { node "$DOCKER_ENV_YARN_JS" "$@"; }
export -f yarn 2>/dev/null || true
export DOCKER_ENV_YARN_JS
# Put a `yarn` shim on PATH too, for tools that spawn yarn themselves (backstage-cli).
mkdir -p "$ROOT/.tools/bin"
if true; then
  printf '#!/bin/sh\nexec node "%s" "$@"\n' "$DOCKER_ENV_YARN_JS" > "$ROOT/.tools/bin/yarn"
  chmod +x "$ROOT/.tools/bin/yarn"
fi
export PATH="$ROOT/.tools/bin:$PATH"
export YARN_ENABLE_TELEMETRY=0
export BACKSTAGE_CLI_TELEMETRY=0 2>/dev/null || true
