#!/usr/bin/env bash
# Builds the control plane Greenroom's tests and demo run against — etcd, kube-apiserver,
# kube-controller-manager, kubectl and helm (and, asked for, a node's kubelet, kube-proxy
# and kube-scheduler) — from the Go module proxy, because release
# downloads are not reachable from our machines. Binaries land in a cache keyed by version,
# so a second run only checks that they are there.
#
# Usage: tools/control-plane/build.sh        prints the bin directory on the last line
#        tools/control-plane/build.sh node   also kubelet, kube-proxy and kube-scheduler
# Env:   GREENROOM_CACHE   cache root (default ~/.cache/greenroom)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

cache=${GREENROOM_CACHE:-$HOME/.cache/greenroom}
bin="$cache/bin/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-helm-$HELM_VERSION"
src="$cache/src"
export GOFLAGS=-mod=mod
export CGO_ENABLED=0

log() { printf '[control-plane] %s\n' "$*" >&2; }

have() { [ -x "$bin/$1" ]; }

if ! command -v go >/dev/null; then
  log "the Go toolchain is needed for the first build (install Go ≥ 1.25 and put it on PATH)"
  exit 1
fi
mkdir -p "$bin" "$src"

build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# etcd's server module replaces its sibling modules with relative paths, so it cannot be
# built with `go install`; a wrapper module that requires it at one version can.
build_etcd() {
  have etcd && return
  local dir="$src/etcd-$ETCD_VERSION"
  log "building etcd $ETCD_VERSION"
  rm -rf "$dir" && mkdir -p "$dir"
  cat >"$dir/go.mod" <<MOD
module greenroom.dev/build/etcd

go 1.24

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
MOD
  cat >"$dir/tools.go" <<'GO'
//go:build tools

package tools

import _ "go.etcd.io/etcd/server/v3"
GO
  (cd "$dir" && go mod tidy >&2 &&
    go build -trimpath -o "$bin/etcd.tmp" \
      -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=release-$ETCD_VERSION" \
      go.etcd.io/etcd/server/v3)
  mv "$bin/etcd.tmp" "$bin/etcd"
}

# k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with
# ./staging/...; a wrapper module maps each of them to its published v0.X.Y instead.
# The list is read off that version's own go.mod so it follows the version we pin.
# The wrapper names every command either build uses (tools.go), so the control plane and
# the node share one module graph and one Go build cache.
kubernetes_wrapper() {
  local dir=$1
  [ -f "$dir/go.sum" ] && grep -q cmd/kubelet "$dir/tools.go" 2>/dev/null && return
  local staging_version="v0.${K8S_VERSION#v1.}"
  rm -rf "$dir" && mkdir -p "$dir"
  local upstream_mod
  upstream_mod=$(cd "$dir" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  {
    printf 'module greenroom.dev/build/kubernetes\n\ngo 1.25\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$K8S_VERSION"
    sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/k8s.io/.*$#\1#p' "$upstream_mod" |
      while read -r module; do printf '\t%s => %s %s\n' "$module" "$module" "$staging_version"; done
    printf ')\n'
  } >"$dir/go.mod"
  local count
  count=$(grep -c "=> k8s.io/" "$dir/go.mod")
  log "wrapper module maps $count staging modules to $staging_version"
  [ "$count" -gt 20 ] || { log "could not read the staging list from $upstream_mod"; exit 1; }
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for command in "${KUBERNETES_COMMANDS[@]}"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$command"; done
    printf ')\n'
  } >"$dir/tools.go"
  (cd "$dir" && go mod tidy >&2)
}

# Builds the named commands of k8s.io/kubernetes (e.g. kube-apiserver) into the bin
# directory with the version ldflags Kubernetes' own build sets.
build_kubernetes_commands() {
  local dir="$src/kubernetes-$K8S_VERSION"
  kubernetes_wrapper "$dir"
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  local commit
  commit=$(cd "$dir" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" |
    sed -n 's/^[[:space:]]*"Hash": "\([0-9a-f]*\)".*$/\1/p' | head -n1)
  local ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitCommit=${commit:-unknown} -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
  done
  local packages=()
  for command in "$@"; do packages+=("k8s.io/kubernetes/cmd/$command"); done
  rm -rf "$dir/out" && mkdir -p "$dir/out"
  (cd "$dir" && go build -trimpath -ldflags "$ldflags" -o "$dir/out/" "${packages[@]}")
  mv "$dir/out/"* "$bin/"
}

KUBERNETES_COMMANDS=(kube-apiserver kube-controller-manager kubectl kubelet kube-proxy kube-scheduler)

build_control_plane() {
  have kube-apiserver && have kube-controller-manager && have kubectl && return
  log "building kube-apiserver, kube-controller-manager, kubectl $K8S_VERSION"
  build_kubernetes_commands kube-apiserver kube-controller-manager kubectl
}

# The node's binaries are checked apart from the control plane's, so a cache built before
# they existed is extended rather than rebuilt (232 s cold for the kubelet alone).
build_node() {
  have kubelet && have kube-proxy && have kube-scheduler && return
  log "building kubelet, kube-proxy, kube-scheduler $K8S_VERSION"
  build_kubernetes_commands kubelet kube-proxy kube-scheduler
}

# Helm's Makefile sets, besides the version, the Kubernetes version `helm template` and
# `helm lint` assume without a cluster; without those flags helm assumes 1.20, which the
# chart's kubeVersion (>= 1.30) refuses. The cached helm is checked by that behaviour, so a
# cache built before the flags rebuilds helm once.
build_helm() {
  local kube_version
  kube_version=$(helm_kube_version)
  helm_assumes "$kube_version" && return
  local dir="$src/helm-$HELM_VERSION"
  log "building helm $HELM_VERSION (assuming Kubernetes $kube_version without a cluster)"
  rm -rf "$dir" && mkdir -p "$dir"
  local ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  ldflags+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    ldflags+=" -X $pkg.k8sVersionMajor=${kube_version%%.*} -X $pkg.k8sVersionMinor=${kube_version#*.}"
  done
  (cd "$dir" && GOBIN="$dir" go install -trimpath -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION")
  mv "$dir/helm" "$bin/helm"
  helm_assumes "$kube_version" || { log "the helm just built does not assume Kubernetes $kube_version"; exit 1; }
}

# The Kubernetes version (e.g. 1.37) Helm's Makefile derives from the k8s.io/client-go its
# go.mod requires: one major above the module's, the same minor (v0.37.0 → 1.37).
helm_kube_version() {
  local mod client_go
  mod=$(cd "$src" && go mod download -json "helm.sh/helm/v3@$HELM_VERSION" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  client_go=$(sed -n 's#^[[:space:]]*k8s\.io/client-go v\([0-9]*\)\.\([0-9]*\)\..*$#\1.\2#p' "$mod")
  [ -n "$client_go" ] || { log "no k8s.io/client-go requirement in $mod"; exit 1; }
  echo "$((${client_go%%.*} + 1)).${client_go#*.}"
}

# Whether the cached helm renders a chart for Kubernetes $1 when no cluster says otherwise.
# The probe chart is this run's own: test files starting control planes at once run this
# script side by side.
helm_assumes() {
  have helm || return 1
  local chart assumed
  chart=$(mktemp -d "$src/helm-probe.XXXXXX")
  mkdir "$chart/templates"
  printf 'apiVersion: v2\nname: probe\nversion: 0.0.0\n' >"$chart/Chart.yaml"
  printf 'kubeVersion: {{ .Capabilities.KubeVersion.Version }}\n' >"$chart/templates/probe.yaml"
  assumed=$("$bin/helm" template probe "$chart" | sed -n 's/^kubeVersion: //p')
  rm -rf "$chart"
  [ "$assumed" = "v$1.0" ]
}

build_etcd
build_helm
build_control_plane
case "${1:-}" in
  "") ;;
  node) build_node ;;
  *) log "unknown part: $1 (expected nothing or 'node')"; exit 2 ;;
esac
log "ready in $bin"
echo "$bin"
