#!/usr/bin/env bash
# Installs, from Debian, what a local node needs beside the binaries build.sh compiles:
# containerd (with ctr), runc, the CNI plugins (bridge, host-local, loopback, portmap),
# iptables for kube-proxy and the bridge plugin, and umoci to pack images without a daemon.
# Installs only what is missing, so a second run is a quick check.
#
# Usage: tools/node/install-packages.sh      (as root, or with sudo available)
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib/apt-install.sh
source "$(dirname "$0")/../lib/apt-install.sh"
apt_install_missing node-packages containerd runc containernetworking-plugins iptables umoci
