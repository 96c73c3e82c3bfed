#!/usr/bin/env bash
# The alert rules (monitoring/prometheus/alerts.yml): promtool's check and their unit tests
# (alerts.test.yml), with Debian's Prometheus from the base image kit (make setup builds it).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ROOT=$(repo_root)
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"

image=${PROMETHEUS_BASE_IMAGE:?no Prometheus image recorded: run make setup}
docker run --rm --network none --user "$(id -u):$(id -g)" \
  -v "$ROOT/monitoring/prometheus:/rules:ro" -w /rules "$image" \
  sh -c 'promtool check rules alerts.yml && promtool test rules alerts.test.yml'
