"""What several scenarios' testinfra tests read on the host: the app's HTTP answers through
nginx, the database with sqlite3, the deployment record, the audit trail."""

import json
import shlex
import time

APP_ROOT = "/opt/delta-strangle"
DB = f"{APP_ROOT}/data/delta_trader.db"

GET_JSON = (
    "import json, urllib.request, sys; "
    "response = urllib.request.urlopen(sys.argv[1], timeout=20); "
    "print(json.dumps({'status': response.status, 'body': json.loads(response.read())}))"
)


def get_json(host, path):
    """GET through nginx on the host's loopback, as a user on the host would; status and JSON."""
    url = f"http://127.0.0.1{path}"
    return json.loads(host.check_output(f"python3 -c {shlex.quote(GET_JSON)} {shlex.quote(url)}"))


def ready(host):
    answer = get_json(host, "/api/health/ready")
    assert answer["status"] == 200, answer
    return answer["body"]


def sqlite(host, sql, db=DB):
    return host.check_output(f"sqlite3 {shlex.quote(db)} {shlex.quote(sql)}")


def deployments(host):
    content = host.file(f"{APP_ROOT}/data/deployments.jsonl").content_string
    return [json.loads(line) for line in content.splitlines()]


def scenario_facts(host, name):
    """What the scenario's side effect noted before acting (/var/tmp/<name>-facts.json)."""
    return json.loads(host.file(f"/var/tmp/{name}-facts.json").content_string)


def audit_events(host, action, at_least=1, timeout=30):
    """Payloads of the audit rows of an action, oldest first, once the log tailer has committed
    at least `at_least` of them (the backend writes the line at once; the tailer polls)."""
    sql = (
        "SELECT payload FROM backend_logs WHERE event = 'audit'"
        f" AND json_extract(payload, '$.action') = '{action}' ORDER BY id"
    )
    deadline = time.monotonic() + timeout
    while True:
        rows = [json.loads(line) for line in sqlite(host, sql).splitlines()]
        if len(rows) >= at_least or time.monotonic() >= deadline:
            return rows
        time.sleep(0.5)
