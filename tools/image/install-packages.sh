#!/usr/bin/env bash
# Installs, with apt, the Debian packages Greenroom's image is built with when there is no
# Docker engine and no registry (tools/image/build-base.sh and build.sh): mmdebstrap makes
# the Debian root filesystem of the base image, buildah builds the Dockerfile and exports
# the image as an OCI archive, umoci unpacks it for the layout test, skopeo inspects it.
# Idempotent: prints what it installs, or that everything is present. Needs root (apt).
set -euo pipefail

# buildah's recommended packages (crun, fuse-overlayfs, slirp4netns, uidmap) are what a
# rootless build needs; we build as root with chroot isolation, so the short list is enough.
# shellcheck source-path=SCRIPTDIR source=../lib/apt-install.sh
source "$(dirname "$0")/../lib/apt-install.sh"
apt_install_missing image buildah mmdebstrap umoci skopeo
