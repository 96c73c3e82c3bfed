# The edge: Caddy terminating TLS in front of the SPA and the API. Its configuration is not in the
# image: Ansible renders /etc/caddy (a read-only mount) and the certificates live in /data.
# Base image is a build argument: the official caddy:2.11 or the kit's Debian build.
ARG CADDY_BASE_IMAGE=caddy:2.11
FROM ${CADDY_BASE_IMAGE}
CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
