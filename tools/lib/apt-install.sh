# Sourced by the install-packages.sh scripts: installs with apt the Debian packages of a list
# that are missing, and only those, so a second run is a quick check.
#   apt_install_missing TAG PACKAGE...   sets APT_INSTALLED to what it installed (none: empty)
# Needs root, or sudo. Debian's packages of daemons (containerd, slapd) start a system
# service on install; Greenroom starts its own under a temporary directory, so the services
# are kept from starting while installing: invoke-rc.d asks policy-rc.d (101 = forbidden).
# shellcheck shell=bash

apt_install_missing() {
  local tag=$1
  shift
  local missing=() package
  APT_INSTALLED=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    printf '[%s] all present: %s\n' "$tag" "$*" >&2
    return 0
  fi
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  printf '[%s] installing %s\n' "$tag" "${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  local policy=/usr/sbin/policy-rc.d added_policy=false status=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod +x "$policy"
    added_policy=true
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || status=$?
  [ "$added_policy" = false ] || "${sudo[@]}" rm -f "$policy"
  [ "$status" -eq 0 ] || return "$status"
  # shellcheck disable=SC2034 # read by the script that sourced this one
  APT_INSTALLED=("${missing[@]}")
  printf '[%s] installed %s\n' "$tag" "${missing[*]}" >&2
}
