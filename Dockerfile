# syntax=docker/dockerfile:1
# Greenroom's image: the operator, the scaffolder of template runs and the CLI. Node's major
# version matches the `node` dev dependency that runs the tests (24 LTS). The build stage
# compiles TypeScript; the runtime stage holds compiled JavaScript and production
# dependencies only, runs as a numeric non-root user and writes nothing outside /tmp, so it
# works with a read-only root filesystem (the chart mounts an emptyDir at /tmp, HOME=/tmp).
#
# Size, measured on the image tools/image/build.sh builds from this file (amd64): about
# 530 MB unpacked, 140 MB as a compressed archive. Node 24 under /usr/local is ~205 MB of it
# (its binary ~120 MB, headers ~65 MB), Debian bookworm slim with git and its libraries
# ~170 MB, production node_modules ~140 MB (@kubernetes/client-node alone ~65 MB), the
# compiled code and views ~3 MB.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the `node` dev dependency would download a second Node binary.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY tools ./tools
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json

FROM ${NODE_IMAGE} AS production-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
# git: template runs fetch skeletons and push new repositories, docs sources are fetched,
# with the git CLI. tini as PID 1: forwards SIGTERM to Node (which drains and hands the
# Lease back) and reaps the git processes a scaffolder leaves to it.
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates tini \
    && rm -rf /var/lib/apt/lists/*
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="greenroom" \
      org.opencontainers.image.description="Kubernetes-native internal developer portal: catalog, templates, docs and search as custom resources" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/greenroom-dev/greenroom" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
ENV NODE_ENV=production HOME=/tmp
WORKDIR /app
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /src/dist/src ./dist/src
# Views and static files of the dashboard are read at run time from src/http.
COPY src/http/views ./src/http/views
COPY src/http/static ./src/http/static
COPY package.json ./
COPY crds ./crds
USER 65532:65532
# The dashboard and read API; /metrics on its own port.
EXPOSE 8080 9090
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/src/cli/main.js"]
CMD ["--help"]
