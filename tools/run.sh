#!/usr/bin/env bash
# The README's two commands land here: `npm run demo` and `npm test`. Each one does its own
# set-up on a fresh clone — installs the npm packages (which bring Node 24) and builds the
# control plane from the Go module proxy on first use — so nothing has to be run before it.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[greenroom] %s\n' "$*" >&2; }

# npm writes node_modules/.package-lock.json on every install; when it is missing or older
# than the lock file, the tree does not match package-lock.json and `npm ci` brings it back.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund >&2
fi
node=node_modules/.bin/node
export PATH="$PWD/node_modules/.bin:$PATH"

command=${1:-}
shift || true
case "$command" in
  demo)
    log "making sure the control plane is built (the first build takes a while)"
    bash tools/control-plane/build.sh >/dev/null
    case " $* " in
      *" oidc "*|*"--auth=oidc"*) log "making sure Dex is built (the first build takes a few minutes)"; bash tools/sign-in/build.sh dex >/dev/null ;;
    esac
    exec "$node" src/cli/main.ts demo "$@"
    ;;
  bench)
    bash tools/control-plane/build.sh >/dev/null
    log "compiling (the benchmark runs the operator as the image does, from dist/)"
    "$node" node_modules/typescript/bin/tsc -p tsconfig.build.json
    "$node" bench/catalog.ts "$@"
    # In process, no cluster; after the catalog bench, which rewrites BENCHMARKS.md, since
    # this one replaces only its own "Search" section of it.
    log "search benchmark"
    "$node" --expose-gc bench/search.ts
    # The same at ten times the size (issue 18): 100,000 entities and 50,000 pages; its own section.
    log "search benchmark at 100,000 entities"
    BENCH_SEARCH_ENTITIES=100000 BENCH_SEARCH_SITES=5000 "$node" --expose-gc bench/search.ts
    # Its own control plane and operator process (from dist/); replaces only its own
    # "Scorecards" section of BENCHMARKS.md.
    log "scorecards benchmark"
    "$node" bench/scorecards.ts
    # Reads as 50 signed-in people next to anonymous ones (issue 13); its own section too.
    log "signed-in reads benchmark"
    "$node" bench/access.ts
    # A git CatalogSource of 10,000 catalog files (issue 16); its own section too.
    log "catalog sources benchmark"
    "$node" bench/catalog-sources.ts
    # GitHub's REST and GraphQL descriptions on the API tab (issue 17), in process; its own section too.
    log "API definitions benchmark"
    "$node" bench/api-definitions.ts
    # Docs sites up to the page limit, plain and with techdocs-core's extensions (issue 19), in
    # the bounded build process as the operator runs it; its own section too.
    log "docs builds benchmark"
    "$node" bench/docs.ts
    # The Runtime tab at 10,000 Components (30,000 Pods, 20,000 Warning Events), in process; its own section too.
    log "runtime tab benchmark"
    "$node" --expose-gc bench/runtime.ts
    # The catalog at 100,000 entities (issue 18): its own control plane and operator process
    # (from dist/); about 25 minutes, most of it creating the entities and writing statuses.
    log "catalog at ten times the size (100,000 entities)"
    "$node" bench/scale.ts
    # On a real node (root, and what tools/node/install-packages.sh installs): from helm
    # install to the sample catalog on the dashboard; its own section too.
    log "time-to-value benchmark (a real node)"
    bash tools/control-plane/build.sh node >/dev/null
    bash tools/node/build-images.sh >/dev/null
    exec "$node" bench/time-to-value.ts
    ;;
  bench:peer)
    # Backstage's catalog backend next to Greenroom on the same catalog (bench/peer). Apart from
    # `bench`: it installs about 500 Backstage packages (once, into ~/.cache/greenroom/peer) and
    # runs for half an hour or more; it needs Debian's postgresql package.
    bash tools/control-plane/build.sh >/dev/null
    log "compiling (the operator runs from dist/, as the image runs it)"
    "$node" node_modules/typescript/bin/tsc -p tsconfig.build.json
    exec "$node" bench/peer/run.ts "$@"
    ;;
  test)
    start=$(date +%s)
    log "building the control plane (cached after the first run)"
    bash tools/control-plane/build.sh >/dev/null
    # Dex and oauth2-proxy for the sign-in tests: built here, once, rather than inside a
    # test's beforeAll, whose timeout a cold build (each 2.5 to 4.5 minutes on 2 cores) would exceed.
    log "building Dex and oauth2-proxy (cached after the first run)"
    bash tools/sign-in/build.sh dex >/dev/null
    bash tools/sign-in/build.sh oauth2-proxy >/dev/null
    # The real node (test/node): kubelet, kube-proxy and kube-scheduler built like the control
    # plane (about 4 minutes cold), the pause and test images packed with umoci, and Debian's
    # containerd, runc and CNI plugins, which .ci/run installs (tools/node/install-packages.sh).
    log "building the node: kubelet, kube-proxy, kube-scheduler and images (cached after the first run)"
    bash tools/control-plane/build.sh node >/dev/null
    for tool in containerd ctr runc umoci iptables; do
      command -v "$tool" >/dev/null || { log "$tool is missing: run tools/node/install-packages.sh (the real-node tests need it)"; exit 1; }
    done
    bash tools/node/build-images.sh >/dev/null
    # Greenroom's own image, from the Dockerfile by buildah on a base made from Debian and the
    # npm registry (about 4 minutes cold, seconds when nothing changed): the image test and the
    # end-to-end suite on the real node use it.
    log "building Greenroom's image with buildah (cached by layer)"
    bash tools/image/build.sh >/dev/null
    log "building actionlint (cached after the first run)"
    bash tools/ci-lint/build.sh >/dev/null
    log "type-checking"
    "$node" node_modules/typescript/bin/tsc -p tsconfig.json --noEmit
    # The layers of src/ (.dependency-cruiser.cjs; `npm run deps` alone): a cycle or an import
    # of a higher layer fails the test command here, before the minutes of jest.
    log "checking the layers (dependency-cruiser)"
    if ! "$node" node_modules/dependency-cruiser/bin/dependency-cruiser.mjs src --config .dependency-cruiser.cjs; then
      log "an import above breaks the layers of src/: move the shared part down (see .dependency-cruiser.cjs)"
      exit 1
    fi
    # Format and lint before the tests, which take minutes: a finding fails the command at once.
    log "checking the format (prettier)"
    "$node" node_modules/prettier/bin/prettier.cjs --check --log-level warn . \
      || { log "the files listed above are not formatted: run npm run format"; exit 1; }
    log "linting (eslint)"
    "$node" node_modules/eslint/bin/eslint.js . \
      || { log "lint findings above: npm run lint -- --fix fixes what eslint can; fix the rest by hand"; exit 1; }
    mkdir -p test-results
    rm -f test-results/jest.json test-results/jest-node.json
    status=0
    "$node" --experimental-vm-modules --disable-warning=ExperimentalWarning node_modules/jest/bin/jest.js --ci \
      --json --outputFile=test-results/jest.json "$@" || status=$?
    # The real-node tests change the host (a bridge, iptables chains, sysctls, mounts; all put
    # back after), so they run alone, after the rest, one file at a time. Given paths or jest
    # options (`npm test -- test/unit/x.test.ts`), only the main suite runs.
    if [ $# -eq 0 ]; then
      log "real-node tests (test/node: containerd, kubelet, kube-proxy on this host)"
      "$node" --experimental-vm-modules --disable-warning=ExperimentalWarning node_modules/jest/bin/jest.js --ci \
        --config test/node/jest.config.js --json --outputFile=test-results/jest-node.json || status=$?
    fi
    # Jest's own summary is not one CI reads, so close with the plain line it does (both runs).
    "$node" -e '
      const fs = require("fs");
      const runs = ["test-results/jest.json", "test-results/jest-node.json"].filter((f) => fs.existsSync(f)).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
      const sum = (key) => runs.reduce((n, r) => n + r[key], 0);
      console.log(`jest: ${sum("numPassedTests")} passed, ${sum("numFailedTests") + sum("numRuntimeErrorTestSuites")} failed`);
    ' || true
    log "test command took $(($(date +%s) - start)) s"
    exit "$status"
    ;;
  *)
    echo "usage: tools/run.sh demo|test|bench|bench:peer [args]" >&2
    exit 2
    ;;
esac
