#!/usr/bin/env bash
# Builds the sign-in parts Greenroom's tests and `npm run demo -- --auth oidc|proxy` run
# against — Dex (an OpenID Connect provider) and oauth2-proxy — from the Go module proxy,
# because release downloads are not reachable from our machines. Like the control plane
# (tools/control-plane/build.sh), each lands in a cache directory keyed by its version, so
# a second run only checks that it is there.
#
# Usage: tools/sign-in/build.sh dex|oauth2-proxy   prints that part's bin directory last
# Env:   GREENROOM_CACHE   cache root (default ~/.cache/greenroom)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

cache=${GREENROOM_CACHE:-$HOME/.cache/greenroom}
src="$cache/src"
export GOFLAGS=-mod=mod
export CGO_ENABLED=0

log() { printf '[sign-in] %s\n' "$*" >&2; }

if ! command -v go >/dev/null; then
  log "the Go toolchain is needed for the first build (install Go ≥ 1.25 and put it on PATH)"
  exit 1
fi
mkdir -p "$src"
# Two test files starting Dex at once on an empty cache would both build into the same
# source directory; one build at a time, the second then finds the binary there.
exec 9>"$cache/sign-in-build.lock"
flock 9

# Dex's go.mod replaces its nested module github.com/dexidp/dex/api/v2 with ./api/v2, which
# the module zip leaves out, so `go install dex@version` fails. We build a writable copy of
# the downloaded module instead, with that replace pointed at the published api/v2.
#
# At this commit Dex's gRPC management API (server/apiserver) already uses api/v2 messages
# that no published api/v2 has, so that one package cannot compile. Greenroom never uses
# the gRPC API (people and clients come from the config file), so the copy drops the two
# lines of cmd/dex/serve.go that register it; a config that asks for `grpc.addr` then fails
# at start with a message that says why. The login page, password connector, token issuing
# and storage are Dex's own, unchanged.
build_dex() {
  local bin="$cache/bin/dex-$DEX_VERSION"
  [ -x "$bin/dex" ] && [ -x "$bin/bcrypt-hash" ] && { echo "$bin"; return; }
  local dir="$src/dex-$DEX_VERSION"
  log "building Dex $DEX_LABEL ($DEX_VERSION)"
  rm -rf "$dir" && mkdir -p "$bin" "$(dirname "$dir")"
  local module
  module=$(cd "$src" && go mod download -json "github.com/dexidp/dex@$DEX_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  [ -d "$module" ] || { log "could not download github.com/dexidp/dex@$DEX_VERSION"; exit 1; }
  cp -r "$module" "$dir" && chmod -R u+w "$dir"
  local serve="$dir/cmd/dex/serve.go"
  sed -i \
    -e '\#^\t"github.com/dexidp/dex/api/v2"$#d' \
    -e '\#^\t"github.com/dexidp/dex/server/apiserver"$#d' \
    -e 's#^\t\tapi\.RegisterDexServer(grpcSrv, apiserver\.NewAPI(.*$#\t\treturn fmt.Errorf("this Dex build leaves out the gRPC API: its api/v2 module at this commit is not published")#' \
    "$serve"
  # Each edit must have hit, or a newer Dex moved the lines and this build would be wrong.
  if grep -q 'dexidp/dex/server/apiserver"\|api\.RegisterDexServer' "$serve" ||
    ! grep -q 'leaves out the gRPC API' "$serve"; then
    log "cmd/dex/serve.go of $DEX_VERSION does not have the expected gRPC API lines; update build.sh"
    exit 1
  fi
  mkdir -p "$dir/cmd/bcrypt-hash" && cp "$here/bcrypt-hash/main.go" "$dir/cmd/bcrypt-hash/"
  (cd "$dir" &&
    go mod edit -replace "github.com/dexidp/dex/api/v2=github.com/dexidp/dex/api/v2@$DEX_API_VERSION" &&
    go build -trimpath -ldflags "-s -w -X main.version=$DEX_LABEL" -o "$bin/dex.tmp" ./cmd/dex &&
    go build -trimpath -ldflags "-s -w" -o "$bin/bcrypt-hash.tmp" ./cmd/bcrypt-hash)
  mv "$bin/bcrypt-hash.tmp" "$bin/bcrypt-hash"
  mv "$bin/dex.tmp" "$bin/dex"
  log "Dex ready in $bin"
  echo "$bin"
}

# oauth2-proxy's module has no replace directives, so `go install` builds it as released.
build_oauth2_proxy() {
  local bin="$cache/bin/oauth2-proxy-$OAUTH2_PROXY_VERSION"
  [ -x "$bin/oauth2-proxy" ] && { echo "$bin"; return; }
  local dir="$src/oauth2-proxy-$OAUTH2_PROXY_VERSION"
  log "building oauth2-proxy $OAUTH2_PROXY_VERSION"
  rm -rf "$dir" && mkdir -p "$dir" "$bin"
  (cd "$dir" && GOBIN="$dir" go install -trimpath \
    -ldflags "-s -w -X github.com/oauth2-proxy/oauth2-proxy/v7/pkg/version.VERSION=$OAUTH2_PROXY_VERSION" \
    "github.com/oauth2-proxy/oauth2-proxy/v7@$OAUTH2_PROXY_VERSION")
  mv "$dir/oauth2-proxy" "$bin/oauth2-proxy"
  log "oauth2-proxy ready in $bin"
  echo "$bin"
}

case "${1:-}" in
  dex) build_dex ;;
  oauth2-proxy) build_oauth2_proxy ;;
  *) log "usage: $0 dex|oauth2-proxy"; exit 2 ;;
esac
