# The control plane's web UI: Vite builds the SPA with Node, an unprivileged nginx serves its static
# files behind the edge. Base images are build arguments (official or kit); the runtime is an
# empty image holding only nginx, the libraries it links and the healthcheck's bash, head and
# grep, copied from the nginx base (15 MB instead of its 90).
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

FROM ${NGINX_BASE_IMAGE} AS nginx
USER 0
# Each program with the shared libraries ldd says it loads (the loader included), at their paths.
RUN set -eu; mkdir /rootfs; \
    for program in /usr/sbin/nginx /usr/bin/bash /usr/bin/head /usr/bin/grep; do \
      cp --parents "$program" /rootfs; \
      ldd "$program" | awk '/=> \// { print $3 } /^\t\// { print $1 }' | xargs -r cp -L --parents -t /rootfs; \
    done; \
    cp --parents -r /etc/nginx/nginx.conf /etc/nginx/mime.types /rootfs; \
    mkdir -p /rootfs/etc/nginx/conf.d /rootfs/usr/share/nginx/html /rootfs/tmp && chmod 1777 /rootfs/tmp

FROM scratch AS runtime
COPY --from=nginx /rootfs /
COPY docker/nginx/default.conf /etc/nginx/conf.d/default.conf
COPY --from=build /src/dist /usr/share/nginx/html
ENV PATH=/usr/sbin:/usr/bin
EXPOSE 8080
STOPSIGNAL SIGQUIT
USER 101
CMD ["nginx", "-g", "daemon off;"]
