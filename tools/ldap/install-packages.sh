#!/usr/bin/env bash
# Installs, from Debian, the OpenLDAP server and tools the LDAP catalog source is tested
# against: slapd (the server src/local-cluster/slapd.ts starts under its own temporary
# directory) and ldap-utils (ldapadd, ldapmodify, ldapsearch). Installs only what is
# missing, so a second run is a quick check.
#
# Usage: tools/ldap/install-packages.sh      (as root, or with sudo available)
set -euo pipefail

packages=(slapd ldap-utils)

log() { printf '[ldap-packages] %s\n' "$*" >&2; }

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  log "all present: ${packages[*]}"
  exit 0
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
log "installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
# Debian's slapd package configures a directory of its own and starts it as a system
# service; the tests start their own slapd with their own configuration, so keep the
# package's service from starting (invoke-rc.d asks policy-rc.d; 101 = action forbidden).
policy=/usr/sbin/policy-rc.d
added_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod +x "$policy"
  added_policy=true
fi
trap '[ "$added_policy" = false ] || "${sudo[@]}" rm -f "$policy"' EXIT
# No questions: debconf's defaults give the package's own (unused) directory.
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
# Should a postinst have started the system slapd anyway (no policy-rc.d honoured), stop
# that one process by its pid file — never by name, which could hit a test's own slapd.
pidfile=/var/run/slapd/slapd.pid
if [ -s "$pidfile" ]; then
  pid=$(cat "$pidfile")
  if "${sudo[@]}" kill -0 "$pid" 2>/dev/null; then
    log "stopping the package's slapd (pid $pid)"
    "${sudo[@]}" kill -TERM "$pid"
  fi
fi
log "installed ${missing[*]}"
