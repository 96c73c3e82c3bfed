#!/bin/sh
# The one compose command line of the production stack. Ansible runs the same one (its
# docker_compose_v2 tasks take the same files from app_stack's vars), so what an operator types is
# what the deploy ran:
#   scripts/compose.sh ps | logs --tail 100 backend | exec backend control-plane ...
# The release's image tags, GIT_SHA and env checksum come from release.env, which app_stack writes
# beside .env.prod; without it compose would resolve :latest, a tag never built.
# Overrides (the stack tests run a second stack this way): DELTA_APP_ROOT (default: this checkout),
# ENV_FILE (default .env.prod), RELEASE_ENV_FILE (default release.env), COMPOSE_PROJECT_NAME.
set -eu
root=${DELTA_APP_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
exec docker compose --project-directory "$root" --file docker-compose.prod.yml \
  --env-file "${ENV_FILE:-.env.prod}" --env-file "${RELEASE_ENV_FILE:-release.env}" "$@"
