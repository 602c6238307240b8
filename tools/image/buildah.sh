#!/usr/bin/env bash
# buildah on the storage Greenroom's image builds use (lib.sh), e.g.
#   tools/image/buildah.sh images
# The tests mount built images through it.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
bah "$@"
