#!/usr/bin/env bash
# Installs, with apt, the Debian packages Greenroom's image is built with when there is no
# Docker engine and no registry (tools/image/build-base.sh and build.sh): mmdebstrap makes
# the Debian root filesystem of the base image, buildah builds the Dockerfile and exports
# the image as an OCI archive, umoci unpacks it for the layout test, skopeo inspects it.
# Idempotent: prints what it installs, or that everything is present. Needs root (apt).
set -euo pipefail

# buildah's recommended packages (crun, fuse-overlayfs, slirp4netns, uidmap) are what a
# rootless build needs; we build as root with chroot isolation, so the short list is enough.
packages=(buildah mmdebstrap umoci skopeo)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "[image] all present: ${packages[*]}"
  exit 0
fi
echo "[image] installing with apt: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
