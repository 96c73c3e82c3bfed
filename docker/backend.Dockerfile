# The control plane's backend: uv builds a locked virtualenv in a builder stage, a slim runtime
# runs it as whatever uid Compose gives, writing only to /app/data, /app/logs and /tmp. The
# runtime is an empty image holding only the interpreter, its standard library (without its
# tests and docs), the virtualenv, the shared libraries these load, sh and the CA bundle, copied
# from the Python base (no package manager, perl or coreutils: 55 MB less).
# Base images are build arguments: the official image where a registry answers, the base
# image kit's equivalent (built from Debian packages) where none does.
ARG PYTHON_BASE_IMAGE=python:3.13-slim-trixie

FROM ${PYTHON_BASE_IMAGE} AS builder
ARG UV_VERSION=0.13.9
ENV UV_PYTHON_DOWNLOADS=never UV_PYTHON=python3 UV_LINK_MODE=copy UV_COMPILE_BYTECODE=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv PIP_DISABLE_PIP_VERSION_CHECK=1
# The optional extra CA bundle (an intercepting proxy) is a BuildKit secret: used here, never stored.
# A C compiler and SQLite's headers build the full-text tokenizer (app/native, app/hatch_build.py);
# only the compiled extension reaches the runtime, inside the virtualenv.
RUN --mount=type=secret,id=ca,required=false \
    if [ -s /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca APT_CA="-o Acquire::https::CAInfo=/run/secrets/ca"; fi; \
    venv=; python3 -c 'import ensurepip' 2>/dev/null || venv=python3-venv; \
    apt-get update ${APT_CA:-} \
    && apt-get install -y --no-install-recommends ${APT_CA:-} gcc libc6-dev libsqlite3-dev $venv \
    && rm -rf /var/lib/apt/lists/* \
    && python3 -m venv /opt/uv && /opt/uv/bin/pip install --no-cache-dir "uv==${UV_VERSION}"
WORKDIR /src
COPY pyproject.toml uv.lock ./
RUN --mount=type=secret,id=ca,required=false --mount=type=cache,target=/root/.cache/uv \
    if [ -s /run/secrets/ca ]; then export SSL_CERT_FILE=/run/secrets/ca; fi; \
    /opt/uv/bin/uv sync --locked --no-dev --no-install-project
COPY hatch_build.py ./
COPY native ./native
COPY src ./src
RUN --mount=type=secret,id=ca,required=false --mount=type=cache,target=/root/.cache/uv \
    if [ -s /run/secrets/ca ]; then export SSL_CERT_FILE=/run/secrets/ca; fi; \
    /opt/uv/bin/uv sync --locked --no-dev --no-editable

FROM ${PYTHON_BASE_IMAGE} AS runtime-files
COPY --from=builder /app/.venv /app/.venv
# Any uid may run the image: the writable places are world-writable here and are replaced by
# the host's data/ and logs/ (owned by APP_UID:APP_GID) in the Compose stack. The installed
# full-text tokenizer is copied once more to the path the hosts keep it at
# (app_backup_sqlite_extension): each deploy copies it out of the image for the host's sqlite3.
RUN set -eu; mkdir -p /rootfs/tmp /rootfs/app/data /rootfs/app/logs; \
    chmod 1777 /rootfs/tmp /rootfs/app/data /rootfs/app/logs; \
    python=$(readlink -f /app/.venv/bin/python); shell=$(readlink -f /bin/sh); \
    stdlib=$(python3 -c 'import sysconfig; print(sysconfig.get_path("stdlib"))'); \
    link=/app/.venv/bin/python; while [ -L "$link" ]; do \
      link=$(cd "$(dirname "$link")" && realpath -s "$(readlink "$link")"); cp -a --parents "$link" /rootfs; \
    done; \
    cp -a --parents "$shell" "$stdlib" /app/.venv \
      /etc/passwd /etc/group /etc/ssl/certs/ca-certificates.crt /etc/ssl/openssl.cnf /usr/lib/ssl /rootfs; \
    ln -s "$(basename "$shell")" "/rootfs$(dirname "$shell")/sh"; \
    install -D -m 0644 /app/.venv/lib/python3*/site-packages/control_plane/db/word_trigram.so \
      /rootfs/usr/local/lib/delta-strangle/word_trigram.so; \
    rm -rf "/rootfs$stdlib/test" "/rootfs$stdlib/idlelib" "/rootfs$stdlib/tkinter" "/rootfs$stdlib/turtledemo" \
      "/rootfs$stdlib/ensurepip" "/rootfs$stdlib/pydoc_data" "/rootfs$stdlib/lib2to3" /rootfs/usr/lib/ssl/private; \
    { echo "$python"; echo "$shell"; find "$stdlib/lib-dynload" /app/.venv -name '*.so*' -type f; } | \
      while read -r object; do ldd "$object"; done | awk '/=> \// { print $3 } /^\t\// { print $1 }' | sort -u | \
      xargs cp -L --parents -t /rootfs

FROM scratch AS runtime
COPY --from=runtime-files /rootfs /
WORKDIR /app
ENV PATH=/app/.venv/bin:/usr/bin:/bin PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    APP_ENV=production \
    DATABASE_URL=sqlite+aiosqlite:////app/data/delta_trader.db \
    BACKEND_LOG_PATH=/app/logs/backend.log \
    HOME=/tmp
USER 10001:10001
EXPOSE 8001
# No curl in the image: the interpreter that runs the app also probes it.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python3", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8001/api/health', timeout=4).status != 200)"]
CMD ["control-plane", "serve", "--upgrade-db", "--host", "0.0.0.0", "--port", "8001"]
# Last, so a new commit does not invalidate the layers above.
ARG GIT_SHA=unknown
ARG BUILD_TIME=unknown
ENV GIT_SHA=${GIT_SHA} BUILD_TIME=${BUILD_TIME}
LABEL org.opencontainers.image.revision=${GIT_SHA} org.opencontainers.image.created=${BUILD_TIME} \
      org.opencontainers.image.title=delta-strangle-backend
