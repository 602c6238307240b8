#!/usr/bin/env bash
# Builds actionlint, which checks the GitHub Actions workflows under .github/workflows/,
# from the Go module proxy (release downloads are not reachable from our machines). Like
# the control plane (tools/control-plane/build.sh), it lands in a cache directory keyed by
# its version, so a second run only checks that it is there. Its module has no replace
# directives, so `go install` builds it as released (it reads its version from the module).
#
# Usage: tools/ci-lint/build.sh      prints the bin directory on the last line
# Env:   GREENROOM_CACHE   cache root (default ~/.cache/greenroom)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

cache=${GREENROOM_CACHE:-$HOME/.cache/greenroom}
bin="$cache/bin/actionlint-$ACTIONLINT_VERSION"
src="$cache/src"
export GOFLAGS=-mod=mod
export CGO_ENABLED=0

log() { printf '[ci-lint] %s\n' "$*" >&2; }

[ -x "$bin/actionlint" ] && { echo "$bin"; exit 0; }
if ! command -v go >/dev/null; then
  log "the Go toolchain is needed for the first build (install Go ≥ 1.25 and put it on PATH)"
  exit 1
fi
mkdir -p "$bin" "$src"
# Two callers on an empty cache would build into the same directory; the second waits and
# then finds the binary.
exec 9>"$cache/ci-lint-build.lock"
flock 9
[ -x "$bin/actionlint" ] && { echo "$bin"; exit 0; }

dir="$src/actionlint-$ACTIONLINT_VERSION"
log "building actionlint $ACTIONLINT_VERSION"
rm -rf "$dir" && mkdir -p "$dir"
(cd "$dir" && GOBIN="$dir" go install -trimpath -ldflags "-s -w" \
  "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION")
mv "$dir/actionlint" "$bin/actionlint"
log "actionlint ready in $bin"
echo "$bin"
