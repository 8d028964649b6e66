#!/usr/bin/env bash
# Sourced by the scripts: installs Debian packages from scripts/deps/debian.txt, the project's one list.
#   deps_install PROGRAM...   installs the packages that provide the PROGRAMs missing here (names on PATH or paths)
#   deps_install_all          installs every listed package one of whose programs is missing
# Installing needs root (apt-get); as another user they print the apt-get command and fail. No package may start a
# system service while it is installed (policy-rc.d); apt-get update runs once, only when an install fails.
# DEPS_DRY_RUN=1 prints what would be installed and installs nothing.
DEPS_LIST="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/debian.txt"

# deps_have PROGRAM: true when PROGRAM (a name on PATH, or a path that may hold a glob) is there and executable
deps_have() {
  local p
  if [[ "$1" == */* ]]; then
    for p in $1; do [ -x "$p" ] && return 0; done
    return 1
  fi
  command -v "$1" >/dev/null 2>&1
}

# deps_lines: the list's package lines as "package program...", the `?` kept
deps_lines() { grep -vE '^[[:space:]]*(#|$)' "$DEPS_LIST"; }

# deps_package_of PROGRAM: the package whose line names PROGRAM
deps_package_of() {
  local pkg progs prog
  while read -r pkg progs; do
    for prog in $progs; do
      [ "$prog" = "$1" ] && { echo "${pkg#\?}"; return 0; }
    done
  done < <(deps_lines)
  echo "scripts/deps/debian.txt: no package provides $1" >&2
  return 1
}

# deps_apt PACKAGE...: apt-get install as root, services kept from starting; one apt-get update and a retry on failure
deps_apt() {
  if [ -n "${DEPS_DRY_RUN:-}" ]; then
    echo "[deps] would run: apt-get install -y --no-install-recommends $*" >&2
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages $*: install them as root (apt-get install -y --no-install-recommends $*)" >&2
    return 1
  fi
  local policy=/usr/sbin/policy-rc.d created_policy="" rc=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created_policy=1
  fi
  local apt=(apt-get -o DPkg::Lock::Timeout=180 -y -q)
  echo "[deps] installing $* with apt-get" >&2
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends "$@" >&2; then
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" update >&2
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends "$@" >&2 || rc=1
  fi
  [ -n "$created_policy" ] && rm -f "$policy"
  return "$rc"
}

deps_install() {
  local prog pkg pkgs=()
  for prog in "$@"; do
    deps_have "$prog" && continue
    pkg="$(deps_package_of "$prog")" || return 1
    [[ " ${pkgs[*]} " == *" $pkg "* ]] || pkgs+=("$pkg")
  done
  [ "${#pkgs[@]}" -eq 0 ] || deps_apt "${pkgs[@]}"
}

deps_install_all() {
  local pkg progs prog required=() optional=() failed=0
  while read -r pkg progs; do
    for prog in $progs; do
      deps_have "$prog" && continue
      if [[ "$pkg" == \?* ]]; then optional+=("${pkg#\?}"); else required+=("$pkg"); fi
      break
    done
  done < <(deps_lines)
  if [ "${#required[@]}" -gt 0 ]; then
    deps_apt "${required[@]}" || failed=1
  else
    echo "[deps] every required package of scripts/deps/debian.txt is installed" >&2
  fi
  # optional ones one by one: a package this release lacks fails alone
  for pkg in "${optional[@]}"; do
    deps_apt "$pkg" || echo "[deps] optional $pkg not installed" >&2
  done
  return "$failed"
}
