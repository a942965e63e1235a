# damc-node-full: the runtime image (damc-node:<hash>, a local image `lab images build` made, so
# FROM needs no registry) plus the built project at /opt/damc, for running a node without the
# repository (docker save / another engine). Built by `lab images build --with-project` from a
# staged copy: package.json, dist/src/**/*.js, the raw-frame addon and production node_modules.
ARG BASE
FROM ${BASE}
ARG BASE
ARG SOURCE=unknown
COPY project/ /opt/damc/
LABEL damc.image=node-full damc.base=${BASE} damc.source=${SOURCE}
# The router program, as the lab runs it for damc-sg/damc-sr; other kinds idle with it too.
CMD ["node", "--max-semi-space-size=1", "--v8-pool-size=1", "/opt/damc/dist/src/node/main.js"]
