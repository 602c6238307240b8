#!/usr/bin/env bash
# Builds Greenroom's image from its Dockerfile without a Docker engine, and exports it as an
# OCI archive containerd can import.
#
# The Dockerfile stays the source of truth: buildah runs it as it is (its RUN steps —
# apt-get install of git, ca-certificates and tini, npm ci, the TypeScript compile — run for
# real inside the build), with only NODE_IMAGE pointing at the base built here from Debian
# and the npm registry (build-base.sh), because no registry can be pulled from.
#
# Usage: tools/image/build.sh   (as root, from anywhere) prints the archive's path on the
#        last line. Then, into a containerd (a node of the local cluster, or any host):
#          ctr -n k8s.io images import --base-name greenroom.local/greenroom ARCHIVE
#        which names the image greenroom.local/greenroom:<version of package.json>.
# Env:   GREENROOM_CACHE          cache root (default ~/.cache/greenroom)
#        GREENROOM_BUILDAH_DRIVER buildah storage driver (default overlay; vfs where
#                                 overlay mounts are refused)
# Warm: buildah keeps each step's layer (--layers), so an unchanged step is not run again.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

[ "$(id -u)" = 0 ] || { log "needs root (buildah's storage and chroot isolation)"; exit 1; }
"$here/install-packages.sh" >&2

base=$("$here/build-base.sh" | tail -n 1)
version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$root/package.json" | head -n 1)
revision=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)
image="greenroom.local/greenroom:$version"
archive="$images/greenroom-$version.oci.tar"

log "building $image from $root/Dockerfile on $base"
# Each RUN step gets the build's own HOME, /root, lent from the cache as a mount: npm keeps
# its download cache there between builds, and, where TLS to the npm registry goes through
# an intercepting proxy (this sandbox: its CA is in NODE_EXTRA_CA_CERTS), its .npmrc names
# that CA. /root exists in the base, so the mount leaves nothing in any layer (a mount point
# that does not exist would stay behind as an empty file) and the image trusts only what
# Debian's ca-certificates does.
home="$images/build-home"
mkdir -p "$home"
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  cp "$NODE_EXTRA_CA_CERTS" "$home/extra-ca.crt"
  echo 'cafile=/root/extra-ca.crt' >"$home/.npmrc"
else
  rm -f "$home/extra-ca.crt" "$home/.npmrc"
fi
# chroot isolation: the default (oci) would need runc to set up namespaces this sandbox may
# refuse; the build's RUN steps need nothing more than a chroot and the host's network.
bah bud --isolation chroot --layers --force-rm --pull=never --volume "$home:/root" \
  --build-arg NODE_IMAGE="$base" --build-arg VERSION="$version" --build-arg REVISION="$revision" \
  -f "$root/Dockerfile" -t "$image" "$root" >&2

# The export (compressing every layer) is most of a warm build: skipped when the archive
# already holds this image.
id=$(bah images --quiet --no-trunc "$image")
if [ ! -f "$archive" ] || [ "$(cat "$archive.id" 2>/dev/null)" != "$id" ]; then
  rm -f "$archive" "$archive.id"
  # The archive's reference is only the tag: `ctr images import --base-name` adds the name.
  bah push --quiet "$image" "oci-archive:$archive:$version" >&2
  echo "$id" >"$archive.id"
fi
log "image $image: $(bah images --format '{{.Size}}' "$image") uncompressed; archive $(du -h "$archive" | cut -f1)"
echo "$archive"
