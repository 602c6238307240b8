# Shared by build-base.sh and build.sh (sourced): where buildah keeps its images, and how
# it is called. Its storage lives in Greenroom's cache, not /var/lib/containers, so the
# images can be found (and removed) with the rest of what the project builds.
# shellcheck shell=bash

cache=${GREENROOM_CACHE:-$HOME/.cache/greenroom}
images="$cache/images"
# overlay on the cache's file system (ext4 here); GREENROOM_BUILDAH_DRIVER=vfs where
# overlay mounts are refused (vfs copies every layer in full: slower, bigger).
storage_driver=${GREENROOM_BUILDAH_DRIVER:-overlay}

log() { printf '[image] %s\n' "$*" >&2; }

# buildah with our storage. chroot isolation: RUN steps need no OCI runtime, user
# namespace or network namespace, none of which this sandbox is known to grant.
bah() {
  buildah --root "$images/buildah/storage" --runroot "$images/buildah/run" \
    --storage-driver "$storage_driver" "$@"
}

# The sha512 integrity string npm's registry gives for a file (`sha512-<base64>`).
integrity_of() { printf 'sha512-%s' "$(openssl dgst -sha512 -binary "$1" | base64 -w0)"; }

# Node's name for this machine's architecture (node-linux-<arch> packages).
node_arch() {
  case "$(uname -m)" in
    x86_64) echo x64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) log "no Node package for $(uname -m)"; return 1 ;;
  esac
}
