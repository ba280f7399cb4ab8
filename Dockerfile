# The demo image (docker-compose.yml): one image, three programs, each a package's built bin
# bundled into one self-contained file by `npm run build` (dist/image/):
#   the mock (default)   node dist/mock-concur.js            port 8080, state in /data
#   the partner app      node dist/partner-app.js            port 3000
#   the worker           node dist/concur-auto-connect.js …
# The mock alone (what startMockConcurContainer builds) is mock-concur/Dockerfile.
# Build it with `npm run image` (bundles, then docker build). No RUN and no shell anywhere, so
# the same file builds on a public Node image and on a minimal one with only node in it.
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE}

WORKDIR /app
# The mock's state dir, owned by the unprivileged user (a named volume mounted here takes
# the ownership from the image).
COPY --chown=10001:10001 mock-concur/image/data/ /data/
COPY dist/image/ /app/dist/

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    STATE_DIR=/data
VOLUME ["/data"]
EXPOSE 8080 3000
USER 10001:10001

# Node itself checks the mock's health endpoint: no shell, no curl. Set HEALTHCHECK_URL for
# another program (the partner app: http://127.0.0.1:3000/health).
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.HEALTHCHECK_URL || 'http://127.0.0.1:' + (process.env.PORT || 8080) + '/_mock/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# The mock handles SIGTERM itself (a clean close), so it can run as PID 1.
CMD ["node", "dist/mock-concur.js"]
