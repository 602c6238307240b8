#!/usr/bin/env bash
# Builds the base image the Dockerfile's NODE_IMAGE names, from what this machine can fetch.
#
# Why: the Dockerfile starts FROM node:24-bookworm-slim, but these machines reach no
# container registry — only Debian's mirrors, the npm registry and the Go module proxy. So
# the base is made the way the official one is, from those sources: a Debian bookworm
# minbase root filesystem (mmdebstrap, with debian:bookworm-slim's dpkg path excludes, so
# later `apt-get install`s stay slim too), Node from the npm registry's platform package
# (node-linux-<arch>, the binary the `node` dev dependency installs) and npm from the `npm`
# package, at the versions and integrities pinned in versions.env, under /usr/local as in
# the official image.
#
# What differs from node:24-bookworm-slim: no yarn, no corepack, no docker-entrypoint.sh
# (the ENTRYPOINT is unset, CMD is `node`); Debian packages are those of the mirror on the
# day of the build, not of the official image's snapshot. Kept the same: /usr/local/bin/node,
# npm and npx on PATH, the `node` user (1000:1000), apt sources for bookworm, -updates and
# -security, debian:bookworm-slim's dpkg excludes and apt settings.
#
# Usage: tools/image/build-base.sh   (as root) prints the image name on the last line
# Cached: the image is labelled with the hash of its inputs (this script, lib.sh,
# versions.env, the architecture); a second run with the same inputs only checks the label.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=lib.sh
source "$here/lib.sh"

[ "$(id -u)" = 0 ] || { log "needs root (mmdebstrap --mode=root, buildah's storage)"; exit 1; }
for tool in mmdebstrap buildah openssl npm; do
  command -v "$tool" >/dev/null || { log "$tool is missing: run tools/image/install-packages.sh"; exit 1; }
done

arch=$(node_arch)
integrity_var="NODE_INTEGRITY_$arch"
node_integrity=${!integrity_var}
image="localhost/greenroom-node-base:${NODE_VERSION%%.*}-$DEBIAN_SUITE"
key=$(cat "$here/build-base.sh" "$here/lib.sh" "$here/versions.env" <(echo "$arch") | sha256sum | cut -c1-16)

if [ "$(bah inspect --type image --format '{{index .OCIv1.Config.Labels "dev.greenroom.base-key"}}' "$image" 2>/dev/null)" = "$key" ]; then
  log "base image $image is up to date ($key)"
  echo "$image"
  exit 0
fi

work=$(mktemp -d /tmp/greenroom-base-XXXXXX)
container=''
cleanup() {
  if [ -n "$container" ]; then bah rm "$container" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

log "fetching node-linux-$arch@$NODE_VERSION and npm@$NPM_VERSION from the npm registry"
(cd "$work" && npm pack --silent "node-linux-$arch@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
check() {
  local actual
  actual=$(integrity_of "$1")
  [ "$actual" = "$2" ] || { log "$1: integrity $actual, expected $2 (versions.env)"; exit 1; }
}
check "$work/node-linux-$arch-$NODE_VERSION.tgz" "$node_integrity"
check "$work/npm-$NPM_VERSION.tgz" "$NPM_INTEGRITY"

container=$(bah from scratch)
rootfs=$(bah mount "$container")

log "making a Debian $DEBIAN_SUITE minbase root filesystem"
# The path excludes are debian:bookworm-slim's (debuerreotype's "slimify"): no
# documentation, manual pages or translations, but the copyright files stay. /usr is merged
# by mmdebstrap's hook, as debootstrap does for debian:bookworm-slim, instead of by the
# usrmerge package, which would bring perl (~50 MB) into the image.
mirror=http://deb.debian.org
mmdebstrap --variant=minbase --mode=root --quiet --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/groff/*' --dpkgopt='path-exclude=/usr/share/lintian/*' \
  --dpkgopt='path-exclude=/usr/share/linda/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-include=/usr/share/locale/locale.alias' \
  "$DEBIAN_SUITE" "$rootfs" \
  "deb $mirror/debian $DEBIAN_SUITE main" \
  "deb $mirror/debian $DEBIAN_SUITE-updates main" \
  "deb $mirror/debian-security $DEBIAN_SUITE-security main"
# debian:bookworm-slim's apt settings (debuerreotype's), so that an `apt-get install` in a
# Dockerfile keeps no .deb files (~100 MB for git) and fetches no translations.
cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$rootfs/etc/apt/apt.conf.d/docker-autoremove-suggests"
echo 'Acquire::Languages "none";' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
printf 'Acquire::GzipIndexes "true";\nAcquire::CompressionTypes::Order:: "gz";\n' >"$rootfs/etc/apt/apt.conf.d/docker-gzip-indexes"
# Containers get /dev from their runtime; device nodes in a layer only get in the way.
find "$rootfs/dev" -mindepth 1 -delete

log "adding Node $NODE_VERSION and npm $NPM_VERSION under /usr/local"
tar -xzf "$work/node-linux-$arch-$NODE_VERSION.tgz" -C "$work"
cp -a "$work/package/bin" "$work/package/include" "$work/package/share" "$rootfs/usr/local/"
mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$work/npm-$NPM_VERSION.tgz" --no-same-owner --strip-components=1 -C "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
# A clean environment: the host's (NODE_COMPILE_CACHE, say) would leave files in the image.
chroot "$rootfs" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root sh -c 'node --version && npm --version' >/dev/null
# npm enables Node's compile cache in /tmp; the image starts with empty /tmp and /root.
rm -rf "$rootfs/root/.npm" "$rootfs/tmp/node-compile-cache"
bah unmount "$container" >/dev/null

bah config --os linux --arch "$(bah info --format '{{.host.arch}}')" \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="$NODE_VERSION" --cmd node \
  --label dev.greenroom.base-key="$key" \
  --label org.opencontainers.image.description="Debian $DEBIAN_SUITE minbase, Node $NODE_VERSION, npm $NPM_VERSION (greenroom tools/image/build-base.sh)" \
  "$container"
bah commit --quiet --rm "$container" "$image" >/dev/null
container=''
# The layers buildah cached for images built on the previous base can never be used again.
bah rmi --prune >/dev/null 2>&1 || true
log "built $image ($key)"
echo "$image"
