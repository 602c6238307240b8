# syntax=docker/dockerfile:1
# Greenroom's operator image. Node's major version matches the `node` dev dependency
# that runs the tests (24 LTS). The build stage compiles TypeScript; the runtime stage
# holds compiled JavaScript and production dependencies only.
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
# git: the scaffolder (`greenroom scaffold`, the same image) fetches skeletons and pushes new
# repositories with the git CLI; ca-certificates for https remotes.
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates \
    && rm -rf /var/lib/apt/lists/*
LABEL org.opencontainers.image.title="greenroom" \
      org.opencontainers.image.description="Kubernetes-native internal developer portal operator" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /src/dist/src ./dist/src
# Views and static files of the dashboard are read at run time from src/http.
COPY src/http/views ./src/http/views
COPY src/http/static ./src/http/static
COPY package.json ./
COPY crds ./crds
USER 65532:65532
ENTRYPOINT ["node", "/app/dist/src/cli/main.js"]
CMD ["--help"]
