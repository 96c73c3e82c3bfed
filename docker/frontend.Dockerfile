# The control plane's web UI: Vite builds the SPA with Node, an unprivileged nginx serves its static
# files behind the edge. Base images are build arguments (official or kit).
# Built from the repository root, whose .dockerignore admits only frontend/ and docker/nginx/
# (named build contexts need a newer BuildKit than Debian 12's engine has).
ARG NODE_BASE_IMAGE=node:22-trixie-slim
ARG NGINX_BASE_IMAGE=nginxinc/nginx-unprivileged:1.28

FROM ${NODE_BASE_IMAGE} AS build
WORKDIR /src
COPY frontend/package.json frontend/package-lock.json ./
# The optional extra CA bundle (an intercepting proxy) is a BuildKit secret: used here, never stored.
RUN --mount=type=secret,id=ca,required=false --mount=type=cache,target=/root/.npm \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi; \
    npm ci --no-audit --no-fund
COPY frontend/ ./
ARG VITE_API_BASE_URL=/api
ARG VITE_ENABLE_API_DEBUG=false
RUN npm run build

FROM ${NGINX_BASE_IMAGE} AS runtime
COPY docker/nginx/default.conf /etc/nginx/conf.d/default.conf
COPY --from=build /src/dist /usr/share/nginx/html
EXPOSE 8080
