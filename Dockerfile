# One image for the four Swarmscope services and the CLI (simulator); the command picks what runs:
#   node services/health-monitor/dist/main.js | services/anomaly-detector/... | services/emergence-detector/... |
#   services/autoscaler/... | tools/cli/dist/main.js simulate ...
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN npm install -g pnpm@10 && pnpm --version
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc tsconfig.base.json tsconfig.json ./
COPY packages ./packages
COPY services ./services
COPY tools ./tools
COPY examples ./examples
RUN pnpm install --frozen-lockfile
RUN pnpm run build
# Production dependencies only in the final image.
RUN rm -rf node_modules packages/*/node_modules services/*/node_modules tools/*/node_modules examples/node_modules \
 && pnpm install --frozen-lockfile --prod --ignore-scripts

FROM node:20-bookworm-slim
# 64 MB young-generation semi-spaces, as `pnpm start` runs: per-report garbage is collected ≈ 4× less often.
# (The old generation's growth bound, V8's --heap-growing-percent, cannot ride in NODE_OPTIONS: each service sets it.)
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    NODE_OPTIONS=--max-semi-space-size=64
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 8080 8081 8082 8083 9100
CMD ["node", "services/health-monitor/dist/main.js"]
