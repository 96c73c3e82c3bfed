"""One line per host for playbooks/status.yml, from what the host's tasks read (the deployment
record, /api/health/ready through the edge, the backend's trading state, the edge certificate's
end date, the free space of data/). Whatever could not be read says so in its field instead of
failing the line: a fleet's status must show the broken host too. Pure functions, unit-tested in
tests/ops/test_fleet_status.py."""

import json
from datetime import datetime, timezone


def _last_record(record_text):
    """The last entry of data/deployments.jsonl, or None (no record, or its last line unreadable)."""
    lines = [line for line in (record_text or "").splitlines() if line.strip()]
    if not lines:
        return None
    try:
        entry = json.loads(lines[-1])
    except ValueError:
        return None
    return entry if isinstance(entry, dict) else None


def _age(seconds):
    """A duration as an operator reads it: 45 s, 12 min, 5 h, 3 d."""
    seconds = float(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


def _bytes(count):
    count = float(count)
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{count:.0f} B"


def _health(ready):
    """ready: the uri result of /api/health/ready through the edge."""
    if not isinstance(ready, dict) or ready.get("status") not in (200, 503):
        said = (ready or {}).get("msg", "no answer") if isinstance(ready, dict) else "no answer"
        return f"health unreachable ({str(said).splitlines()[0][:80]})"
    if ready["status"] == 200:
        return "ready"
    reasons = (ready.get("json") or {}).get("reasons") or ["?"]
    return "not ready: " + "; ".join(str(reason) for reason in reasons)


def _trading(state):
    """state: the exec result of `control-plane ops trading-state` in the backend (None: no backend)."""
    if not isinstance(state, dict):
        return "sessions unknown (no running backend)"
    if state.get("rc") != 0:
        said = (state.get("stderr") or state.get("msg") or "").strip().splitlines()
        return f"sessions unknown ({said[-1][:80] if said else 'exit ' + str(state.get('rc'))})"
    try:
        summary = json.loads(state.get("stdout", ""))["summary"]
        return (
            f"sessions {summary['running_live']} live, {summary['running_paper']} paper, "
            f"open positions {summary['open_positions']}"
        )
    except (ValueError, KeyError, TypeError):
        return "sessions unknown (unreadable answer)"


def _certificate(end_date, now):
    """end_date: the certificate's notAfter as `openssl x509 -enddate -dateopt iso_8601` prints it
    (notAfter=2026-12-31 23:59:59Z), "" when TLS is off, None when it could not be read."""
    if end_date == "":
        return "certificate none (TLS off)"
    try:
        text = str(end_date).strip().removeprefix("notAfter=").replace(" ", "T")
        ends = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, TypeError):
        return "certificate unreadable"
    if ends.tzinfo is None:
        ends = ends.replace(tzinfo=timezone.utc)
    left = ends.timestamp() - now
    when = ends.strftime("%Y-%m-%d")
    return f"certificate ends {when} (in {_age(left)})" if left > 0 else f"certificate EXPIRED {when}"


def fleet_status_line(host, facts, now):
    """The host's status line. facts: record (text of data/deployments.jsonl), ready (uri
    result), trading (exec result or None), certificate_end (see _certificate), data_free_bytes
    (int or None); now: seconds since the epoch."""
    record = _last_record(facts.get("record"))
    if record is None:
        last = "no deployment recorded"
    else:
        last = f"last deploy {record.get('time', '?')} {record.get('result', '?')}"
        if record.get("rollout"):
            last += f" (rollout {record['rollout']})"
    ready = facts.get("ready")
    body = (ready.get("json") or {}) if isinstance(ready, dict) else {}
    # What the backend serving users reports, not what the record says it should.
    release = f"release {str(body['version'])[:12]}" if body.get("version") else "release unknown"
    backup_age = body.get("offsite_backup_age_seconds")
    backup = "off-host backup none" if backup_age is None else f"off-host backup {_age(backup_age)} old"
    free = facts.get("data_free_bytes")
    disk = "disk free unknown" if free is None else f"disk free {_bytes(free)}"
    fields = [
        release,
        _health(ready),
        _certificate(facts.get("certificate_end"), now),
        _trading(facts.get("trading")),
        last,
        backup,
        disk,
    ]
    return f"{host}: " + " | ".join(fields)


def fleet_status_lines(hosts, hostvars):
    """Every host's line, in the inventory's order; a host whose status was not read (unreachable,
    or failed before its line) says so."""
    lines = []
    for host in hosts:
        line = hostvars[host].get("app_stack_status_line")
        lines.append(str(line) if line else f"{host}: UNREACHABLE (no status read)")
    return lines


class FilterModule:
    def filters(self):
        return {"fleet_status_line": fleet_status_line, "fleet_status_lines": fleet_status_lines}
