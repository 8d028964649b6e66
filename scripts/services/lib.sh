#!/usr/bin/env bash
# Helpers shared by the service scripts.

# apt_install PKG...: installs Debian packages when running as root; runs `apt-get update` once if needed.
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "missing $*: install them (as root: apt-get install -y $*)" >&2
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1; then
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends "$@" >/dev/null
  fi
}
