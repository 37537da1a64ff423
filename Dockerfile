# Ponte image: one image, three roles (all-in-one, server, worker) chosen by command.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm ci --omit=dev --no-audit --no-fund

# The browser UI is built with dev dependencies (Vite, Svelte) in a stage of its own.
FROM node:20-bookworm-slim AS ui
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY ui ./ui
RUN npm run build:ui

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PONTE_HOST=0.0.0.0 PONTE_DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY server ./server
COPY workflows ./workflows
COPY activities ./activities
COPY nodes ./nodes
COPY connectors ./connectors
COPY payments ./payments
COPY fiscal ./fiscal
COPY examples ./examples
COPY --from=ui /app/ui/dist ./ui/dist
COPY ui/placeholder ./ui/placeholder
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PONTE_PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["node", "--import", "tsx", "server/main.ts"]
CMD ["--role", "server"]
