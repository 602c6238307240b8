#!/usr/bin/env bash
# Installs, from Debian, what a local node needs beside the binaries build.sh compiles:
# containerd (with ctr), runc, the CNI plugins (bridge, host-local, loopback, portmap),
# iptables for kube-proxy and the bridge plugin, and umoci to pack images without a daemon.
# Installs only what is missing, so a second run is a quick check.
#
# Usage: tools/node/install-packages.sh      (as root, or with sudo available)
set -euo pipefail

packages=(containerd runc containernetworking-plugins iptables umoci)

log() { printf '[node-packages] %s\n' "$*" >&2; }

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
# Debian's containerd package enables a system service; the node starts its own
# containerd under the cluster's directory, so keep the package's service from starting.
policy=/usr/sbin/policy-rc.d
added_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod +x "$policy"
  added_policy=true
fi
trap '[ "$added_policy" = false ] || "${sudo[@]}" rm -f "$policy"' EXIT
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
log "installed ${missing[*]}"
