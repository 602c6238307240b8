#!/usr/bin/env bash
# Installs, from Debian, the OpenLDAP server and tools the LDAP catalog source is tested
# against: slapd (the server src/local-cluster/slapd.ts starts under its own temporary
# directory) and ldap-utils (ldapadd, ldapmodify, ldapsearch). Installs only what is
# missing, so a second run is a quick check.
#
# Usage: tools/ldap/install-packages.sh      (as root, or with sudo available)
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib/apt-install.sh
source "$(dirname "$0")/../lib/apt-install.sh"
# No questions: debconf's defaults give the package's own (unused) directory.
apt_install_missing ldap-packages slapd ldap-utils
[ ${#APT_INSTALLED[@]} -gt 0 ] || exit 0
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
log() { printf '[ldap-packages] %s\n' "$*" >&2; }
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
