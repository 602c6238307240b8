#!/usr/bin/env bash
# Builds the images a local node needs without a registry or a Docker engine: the pause
# image the kubelet's sandboxes run (Kubernetes' own build/pause/linux/pause.c, compiled
# statically) and a tiny "smoke" image whose one static binary prints a line and exits,
# for tests that need a container to run. Each is a single-layer OCI image packed with
# umoci (rootless) and written as an OCI archive that `ctr images import` takes.
# The archives land in a cache keyed by version, so a second run only checks them.
#
# Usage: tools/node/build-images.sh      prints the image directory on the last line
# Env:   GREENROOM_CACHE   cache root (default ~/.cache/greenroom)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../control-plane/versions.env
source "$here/../control-plane/versions.env"

cache=${GREENROOM_CACHE:-$HOME/.cache/greenroom}
out="$cache/images/k8s-$K8S_VERSION"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log() { printf '[node-images] %s\n' "$*" >&2; }

for tool in go gcc umoci tar; do
  command -v "$tool" >/dev/null || { log "$tool is needed (tools/node/install-packages.sh installs umoci)"; exit 1; }
done
mkdir -p "$out"

# pack NAME TAG BINARY: a one-layer image whose entrypoint is /BINARY's name, as
# $out/NAME.tar, an OCI layout with TAG as its reference name.
pack() {
  local name=$1 tag=$2 binary=$3
  local layout="$work/$name-layout" bundle="$work/$name-bundle"
  umoci init --layout "$layout"
  umoci new --image "$layout:$tag"
  umoci unpack --rootless --image "$layout:$tag" "$bundle" >/dev/null
  install -m 0755 "$binary" "$bundle/rootfs/$(basename "$binary")"
  umoci repack --image "$layout:$tag" "$bundle"
  umoci config --image "$layout:$tag" --config.entrypoint "/$(basename "$binary")" \
    --config.user 65535:65535 --author greenroom
  umoci gc --layout "$layout"
  tar -C "$layout" -cf "$out/$name.tar.tmp" .
  mv "$out/$name.tar.tmp" "$out/$name.tar"
}

# The tag is the one Kubernetes' pause Makefile builds for this version; containerd's
# sandbox_image names it, so no pull is ever attempted.
build_pause() {
  local source_dir tag
  source_dir=$(cd "$work" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  tag=$(sed -n 's/^TAG ?= \(.*\)$/\1/p' "$source_dir/build/pause/Makefile")
  [ -n "$tag" ] || { log "no TAG in $source_dir/build/pause/Makefile"; exit 1; }
  echo "$tag" >"$out/pause.tag"
  [ -f "$out/pause.tar" ] && return
  log "building pause $tag from k8s.io/kubernetes@$K8S_VERSION"
  gcc -Os -Wall -Werror -static -DVERSION="v$tag-greenroom" \
    -o "$work/pause" "$source_dir/build/pause/linux/pause.c"
  strip "$work/pause"
  pack pause "$tag" "$work/pause"
}

build_smoke() {
  [ -f "$out/smoke.tar" ] && return
  log "building the smoke image"
  cat >"$work/smoke.c" <<'C'
#include <stdio.h>
int main(void) { puts("greenroom smoke: a container ran on the local node"); return 0; }
C
  gcc -Os -static -o "$work/smoke" "$work/smoke.c"
  strip "$work/smoke"
  pack smoke v1 "$work/smoke"
}

# probe: a static Go binary (standard library only, so no module download) that asks
# kube-apiserver who it is, through the `kubernetes` Service with the pod's own
# ServiceAccount token, and prints the answer — kube-proxy, the advertised address and
# ServiceAccount admission in one request. Busybox's wget cannot do this: it fails the
# TLS handshake with kube-apiserver.
build_probe() {
  # Keyed by its source as well: the probe changes with the tests that use it.
  local sum
  sum=$(sha256sum "$here/probe/main.go" | cut -d' ' -f1)
  [ -f "$out/probe.tar" ] && [ "$(cat "$out/probe.sum" 2>/dev/null)" = "$sum" ] && return
  log "building the probe image"
  mkdir -p "$work/probe"
  printf 'module greenroom.dev/build/probe\n\ngo 1.24\n' >"$work/probe/go.mod"
  cp "$here/probe/main.go" "$work/probe/main.go"
  (cd "$work/probe" && CGO_ENABLED=0 GOFLAGS= go build -trimpath -ldflags "-s -w" -o "$work/probe-bin/probe" .)
  pack probe v1 "$work/probe-bin/probe"
  echo "$sum" >"$out/probe.sum"
}

build_pause
build_smoke
build_probe
log "ready in $out"
echo "$out"
