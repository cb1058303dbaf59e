# aks-vnet-audit in a container: the packed tarball, installed without dev dependencies, run as a non-root user.
# Not built in this project's tests (no container engine runs there); see README "Install".
#   docker build -t aks-vnet-audit .
#   docker run --rm -v "$PWD/reports:/reports" aks-vnet-audit scan --demo

# Stage 1: build dist/ and pack the tarball exactly as `npm pack` does on a workstation.
FROM node:24-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm pack --pack-destination /tmp && mv /tmp/aks-vnet-audit-*.tgz /tmp/aks-vnet-audit.tgz

# Stage 2: only the installed package and its production dependencies.
FROM node:24-slim
ENV NODE_ENV=production
COPY --from=build /tmp/aks-vnet-audit.tgz /tmp/aks-vnet-audit.tgz
RUN npm install --global --omit=dev --no-audit --no-fund /tmp/aks-vnet-audit.tgz \
  && rm /tmp/aks-vnet-audit.tgz \
  && npm cache clean --force \
  && mkdir /reports && chown node:node /reports
# The image's own unprivileged user; reports and run history go to the mounted /reports.
USER node
WORKDIR /reports
VOLUME ["/reports"]
ENTRYPOINT ["aks-vnet-audit"]
CMD ["scan", "--demo", "--out", "/reports"]
