"""What several scenarios' testinfra tests read on the host: the app's HTTP answers through
the edge over HTTPS (certificate verified), the database with the host's sqlite3, the deployment record,
the audit trail."""

import json
import os
import shlex
import time
from datetime import datetime

APP_ROOT = "/opt/delta-strangle"
DB = f"{APP_ROOT}/data/delta_trader.db"
# The host's sqlite3 with the app's SQLite extension (app_backup_sqlite3), which the deploy copies
# out of the release's backend image (app_backup_sqlite_extension): the full-text index needs it.
SQLITE3 = "/usr/local/bin/delta-sqlite3"
SQLITE_EXTENSION = "/usr/local/lib/delta-strangle/word_trigram.so"
# The root of the edge's internal CA (TLS mode internal, the sandbox inventory's default).
EDGE_ROOT_CA = f"{APP_ROOT}/edge/data/caddy/pki/authorities/local/root.crt"
# Whom http() trusts by default: a scenario in another TLS mode names its CA file on the host.
EDGE_CA_FILE = os.environ.get("EDGE_CA_FILE", EDGE_ROOT_CA)

HTTP_CLIENT = """
import json, ssl, sys, urllib.request, urllib.error
method, url, headers, body, ca_file, follow = sys.argv[1:7]
request = urllib.request.Request(url, method=method, headers=json.loads(headers), data=body.encode() or None)
handlers = [urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=ca_file or None))]
if follow != "yes":
    class Refuse(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None
    handlers.append(Refuse())
try:
    response = urllib.request.build_opener(*handlers).open(request, timeout=20)
except urllib.error.HTTPError as error:
    response = error
print(json.dumps({"status": response.status, "headers": {k.lower(): v for k, v in response.headers.items()},
                  "body": response.read().decode()}))
"""


def http(host, method, path, headers=None, body="", *, base=None, ca_file=EDGE_CA_FILE, follow=True):
    """A request made on the host to the edge, as a user on the host would: by default
    https://<the host's name><path>, its certificate verified against ca_file ("" for the system's
    trust store). Status, headers (lower-case names) and body text."""
    # The inventory's name, as /etc/hosts has it: systemd replaces a kernel host name it finds invalid
    # (delta-molecule-backup_restore, an underscore) with its fallback name.
    base = base or f"https://{host.backend.get_hostname()}"
    args = [method, f"{base}{path}", json.dumps(headers or {}), body, ca_file, "yes" if follow else "no"]
    command = "python3 -c " + shlex.quote(HTTP_CLIENT) + " " + " ".join(shlex.quote(a) for a in args)
    return json.loads(host.check_output(command))


def ready(host):
    answer = http(host, "GET", "/api/health/ready")
    assert answer["status"] == 200, answer
    return json.loads(answer["body"])


def container_id(host, service):
    """The container of a service, asked the way an operator on the host asks (the one compose command)."""
    return host.check_output(f"{APP_ROOT}/scripts/compose.sh ps -q {service}")


def process_uids(host, container):
    """The real, effective, saved and filesystem uids of a container's main process, as the host's
    kernel reports them (the app images hold no `id`)."""
    pid = host.check_output(f"docker inspect -f '{{{{.State.Pid}}}}' {container}")
    status = host.file(f"/proc/{pid}/status").content_string
    return set(next(line.split()[1:] for line in status.splitlines() if line.startswith("Uid:")))


def poll(probe, done, timeout=30, interval=0.5):
    """probe() again every `interval` seconds until done(its result) or `timeout`; the last result."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if done(result) or time.monotonic() >= deadline:
            return result
        time.sleep(interval)


def sqlite(host, sql, db=DB):
    return host.check_output(f"{SQLITE3} {shlex.quote(db)} {shlex.quote(sql)}")


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
    return poll(
        lambda: [json.loads(line) for line in sqlite(host, sql).splitlines()],
        lambda rows: len(rows) >= at_least,
        timeout,
    )


# TEST-ONLY: the receiver molecule/shared/prepare.yml starts beside every host, at the address
# vault_notify_urls names in the sandbox's vault.
NOTIFY_RECEIVER = "http://10.213.0.10:8025/received"
# When prepare.yml prepared this host (UTC, ISO 8601): the receiver outlives a run, and what it got
# before then came from an earlier host of the same name.
PREPARED_AT = "/var/tmp/molecule-prepared-at"
# The host container's own network (the one the tests reach it on), not the receiver's network
# prepare.yml also connects it to: a docker inspect template for one of that network's fields.
NOTIFY_NETWORK = "delta-molecule-notify"


def own_network_field(field):
    return (
        "{{range $name, $net := .NetworkSettings.Networks}}"
        f'{{{{if ne $name "{NOTIFY_NETWORK}"}}}}{{{{$net.{field}}}}}{{{{end}}}}'
        "{{end}}"
    )


def notifications(host, event, at_least=1, timeout=90):
    """The messages (Apprise's JSON: title, message, type) the receiver got from this host for an
    event, oldest first, once there are at least `at_least` (notifications are sent in the
    background)."""
    lines = (f"host: {host.backend.get_hostname()}", f"event: {event}")

    fetch = f"import urllib.request; print(urllib.request.urlopen({NOTIFY_RECEIVER!r}).read().decode())"

    prepared_at = datetime.fromisoformat(host.file(PREPARED_AT).content_string.strip())

    def mine():
        received = json.loads(host.check_output("python3 -c " + shlex.quote(fetch)))
        bodies = [
            entry["body"]
            for entry in received
            if isinstance(entry["body"], dict) and datetime.fromisoformat(entry["received_at"]) >= prepared_at
        ]
        return [
            body for body in bodies if all(line in body.get("message", "").splitlines() for line in lines)
        ]

    return poll(mine, lambda found: len(found) >= at_least, timeout, interval=2)
