#!/usr/bin/env bash
# For machines with Docker and kind — not this project's CI, which has no Docker engine:
# builds the image, loads it into a new kind cluster, installs the chart, applies the sample
# catalog and runs the browser smoke test (tools/smoke.ts) against the real deployment.
# Needs docker, kind, kubectl, helm and a Chromium (CHROMIUM=/path, default /usr/bin/chromium).
# KEEP=1 leaves the cluster running afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
# tools/smoke.ts runs with the project's Node 24 and playwright-core.
[ -x node_modules/.bin/node ] || npm ci --no-audit --no-fund
cluster=${CLUSTER:-greenroom-smoke}
image=greenroom:smoke

kind create cluster --name "$cluster"
[ "${KEEP:-}" = 1 ] || trap 'kind delete cluster --name "$cluster"' EXIT
docker build -t "$image" .
kind load docker-image "$image" --name "$cluster"
helm install greenroom helm/greenroom -n greenroom --create-namespace \
  --set image.repository=greenroom --set image.tag=smoke --set image.pullPolicy=Never --wait --timeout 5m
kubectl apply -n greenroom -f examples/catalog/
kubectl -n greenroom port-forward svc/greenroom 8080:80 >/dev/null &
forward=$!
trap 'kill $forward 2>/dev/null || true; [ "${KEEP:-}" = 1 ] || kind delete cluster --name "$cluster"' EXIT
sleep 3
node_modules/.bin/node tools/smoke.ts http://localhost:8080
