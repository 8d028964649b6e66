#!/usr/bin/env bash
# Real OpenLDAP for tests, on loopback only: scripts/services/slapd.sh start|stop|status
#
# start  installs slapd + ldap-utils when missing (scripts/deps/debian.txt, root), writes slapd.conf under
#        .tools/services/slapd/, starts slapd on ldap://127.0.0.1:$DOCKER_ENV_SLAPD_PORT (default 23389),
#        loads scripts/services/ldap/base.ldif plus a generated 1200-member group over the protocol
#        (ldapadd, so the memberof overlay fills memberOf) and writes .tools/services/slapd.env.
#        Idempotent: a running slapd with loaded data is left alone.
# stop   kills slapd by its PID file and removes the database (the next start reloads fresh data).
#
# No system service is started or enabled; nothing listens outside 127.0.0.1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/scripts/services/lib.sh"
STATE="$ROOT/.tools/services/slapd"
ENV_FILE="$ROOT/.tools/services/slapd.env"
DATA_DIR="$ROOT/scripts/services/ldap"
PORT="${DOCKER_ENV_SLAPD_PORT:-23389}"
URL="ldap://127.0.0.1:${PORT}"
BASE_DN="dc=docker-env,dc=test"
ADMIN_DN="cn=admin,${BASE_DN}"
ADMIN_PW="docker-env-admin-pw"
# The account the tests (and the portal) bind with: an ordinary entry, so size limits apply to it.
READER_DN="cn=reader,ou=services,${BASE_DN}"
READER_PW="docker-env-reader-pw"
BULK_MEMBERS=1200

log() { echo "[slapd] $*" >&2; }

find_slapd() {
  for c in /usr/sbin/slapd "$(command -v slapd 2>/dev/null || true)"; do
    [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
  done
  return 1
}

install_packages() {
  find_slapd >/dev/null && deps_have ldapadd && deps_have ldapsearch && return 0
  deps_install /usr/sbin/slapd ldapadd ldapsearch || { log "could not install slapd"; exit 1; }
  # Debian's postinst may have started its own slapd despite policy-rc.d: stop only that service.
  if [ -f /var/run/slapd/slapd.pid ]; then
    kill "$(cat /var/run/slapd/slapd.pid)" 2>/dev/null || true
  fi
}

module_dir() {
  for d in /usr/lib/ldap /usr/lib/x86_64-linux-gnu/ldap /usr/lib/aarch64-linux-gnu/ldap /usr/lib64/openldap /usr/lib/openldap; do
    [ -f "$d/back_mdb.la" ] || [ -f "$d/back_mdb.so" ] && { echo "$d"; return 0; }
  done
  echo /usr/lib/ldap
}

schema_dir() {
  for d in /etc/ldap/schema /etc/openldap/schema; do
    [ -f "$d/core.schema" ] && { echo "$d"; return 0; }
  done
  log "no OpenLDAP schema directory found"; exit 1
}

pid_running() {
  [ -f "$STATE/slapd.pid" ] && kill -0 "$(cat "$STATE/slapd.pid")" 2>/dev/null
}

write_conf() {
  local mods schemas
  mods="$(module_dir)"; schemas="$(schema_dir)"
  mkdir -p "$STATE/db"
  cat > "$STATE/slapd.conf" <<CONF
include ${schemas}/core.schema
include ${schemas}/cosine.schema
include ${schemas}/inetorgperson.schema
include ${schemas}/nis.schema

pidfile  ${STATE}/slapd.pid
argsfile ${STATE}/slapd.args
modulepath ${mods}
moduleload back_mdb
moduleload memberof

# Like a production directory: ordinary accounts get at most 500 entries per search unless they page
# (pages of up to 1000), so a client that forgets paging fails on the 1200-member group.
sizelimit size.soft=500 size.hard=500 size.pr=1000 size.prtotal=unlimited

database mdb
maxsize 268435456
suffix "${BASE_DN}"
rootdn "${ADMIN_DN}"
rootpw ${ADMIN_PW}
directory ${STATE}/db
index objectClass eq
index uid,mail,cn,memberUid eq
index member,uniqueMember,memberOf eq

overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf
memberof-refint TRUE

access to attrs=userPassword
  by self write
  by anonymous auth
  by * none
access to *
  by users read
  by * none
CONF
}

wait_ready() {
  local i
  for i in $(seq 1 100); do
    ldapsearch -x -LLL -H "$URL" -D "$ADMIN_DN" -w "$ADMIN_PW" -s base -b "$BASE_DN" dn >/dev/null 2>&1 && return 0
    # base entry not loaded yet: the server answers 32 (noSuchObject)
    ldapsearch -x -LLL -H "$URL" -D "$ADMIN_DN" -w "$ADMIN_PW" -s base -b "" namingContexts >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  log "slapd did not answer on $URL"; return 1
}

bulk_ldif() {
  local i uid
  {
    for i in $(seq 1 "$BULK_MEMBERS"); do
      uid="$(printf 'bulk%04d' "$i")"
      printf 'dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nuid: %s\ncn: Bulk User %04d\nsn: User%04d\nmail: %s@docker-env.test\n\n' \
        "$uid" "$BASE_DN" "$uid" "$i" "$i" "$uid"
    done
    printf 'dn: cn=big-team,ou=groups,%s\nobjectClass: groupOfNames\ncn: big-team\ndescription: %s members, for paging\n' "$BASE_DN" "$BULK_MEMBERS"
    for i in $(seq 1 "$BULK_MEMBERS"); do
      printf 'member: uid=bulk%04d,ou=people,%s\n' "$i" "$BASE_DN"
    done
    printf '\n'
  }
}

load_data() {
  if ldapsearch -x -LLL -H "$URL" -D "$ADMIN_DN" -w "$ADMIN_PW" -b "cn=big-team,ou=groups,$BASE_DN" -s base dn >/dev/null 2>&1; then
    return 0
  fi
  log "loading test data"
  ldapadd -x -c -H "$URL" -D "$ADMIN_DN" -w "$ADMIN_PW" -f "$DATA_DIR/base.ldif" >/dev/null
  bulk_ldif > "$STATE/bulk.ldif"
  ldapadd -x -H "$URL" -D "$ADMIN_DN" -w "$ADMIN_PW" -f "$STATE/bulk.ldif" >/dev/null
}

write_env() {
  mkdir -p "$(dirname "$ENV_FILE")"
  cat > "$ENV_FILE" <<ENV
export DOCKER_ENV_TEST_LDAP_URL='${URL}'
export DOCKER_ENV_TEST_LDAP_BIND_DN='${READER_DN}'
export DOCKER_ENV_TEST_LDAP_BIND_PASSWORD='${READER_PW}'
export DOCKER_ENV_TEST_LDAP_BASE_DN='${BASE_DN}'
export DOCKER_ENV_TEST_LDAP_ADMIN_DN='${ADMIN_DN}'
export DOCKER_ENV_TEST_LDAP_ADMIN_PASSWORD='${ADMIN_PW}'
ENV
}

start() {
  install_packages
  mkdir -p "$STATE"
  if ! pid_running; then
    write_conf
    local slapd; slapd="$(find_slapd)"
    log "starting $slapd on $URL"
    "$slapd" -h "${URL}/" -f "$STATE/slapd.conf"
    # slapd daemonizes; the pid file appears once it is up
    local i
    for i in $(seq 1 50); do pid_running && break; sleep 0.1; done
    pid_running || { log "slapd failed to start (try: $slapd -d 1 -h ${URL}/ -f $STATE/slapd.conf)"; exit 1; }
  fi
  wait_ready
  load_data
  write_env
  log "ready: $URL (env in ${ENV_FILE#$ROOT/}; 'source' it before running the LDAP tests)"
}

stop() {
  stop_pid "$STATE/slapd.pid" >/dev/null || true
  rm -f "$STATE/slapd.pid"
  rm -rf "$STATE/db" "$ENV_FILE"
  log "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if pid_running; then echo "running (pid $(cat "$STATE/slapd.pid")) on $URL"; else echo "stopped"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
