#!/usr/bin/env bash
# The alert rules (monitoring/prometheus/alerts.yml): promtool's check and their unit tests
# (alerts.test.yml), and every query of the Grafana dashboard (monitoring/grafana/) parsed as
# PromQL, with Debian's Prometheus from the base image kit (make setup builds it). Whether the
# dashboard's queries find data is molecule backup_restore's check, against a running Prometheus.
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

# Each panel's query as a recording rule, which promtool parses without a server.
dashboard_rules=$(mktemp -d)
trap 'rm -rf "$dashboard_rules"' EXIT
python3 - "$ROOT/monitoring/grafana/control-plane.json" >"$dashboard_rules/dashboard.yml" <<'PY'
import json
import sys

with open(sys.argv[1], encoding="utf-8") as handle:
    panels = json.load(handle)["panels"]
rules = [
    {"record": f"dashboard:panel_{panel['id']}:{target['refId']}",
     # The dashboard's Host variable, at "All".
     "expr": target["expr"].replace("$instance", ".*")}
    for panel in panels
    for target in panel["targets"]
]
print(json.dumps({"groups": [{"name": "grafana-dashboard", "rules": rules}]}))
PY
chmod a+rx "$dashboard_rules"
docker run --rm --network none --user "$(id -u):$(id -g)" \
  -v "$dashboard_rules:/dashboard:ro" "$image" promtool check rules /dashboard/dashboard.yml
