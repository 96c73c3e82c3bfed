"""playbooks/status.yml's line per host: each field from what the host's tasks read, and a field
that could not be read says so instead of failing the line (a broken host shows up too)."""

import json
import sys
from datetime import UTC, datetime

from repo_ansible import ROOT

sys.path.insert(0, str(ROOT / "roles/app_stack/filter_plugins"))
from fleet_status import fleet_status_line, fleet_status_lines  # noqa: E402

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC).timestamp()
SHA = "0123456789abcdef0123456789abcdef01234567"
RECORD = "\n".join(
    json.dumps(entry)
    for entry in (
        {"time": "2026-12-01T09:00:00Z", "from_sha": "", "to_sha": "a" * 40, "result": "deployed"},
        {"time": "2026-12-02T10:30:00Z", "from_sha": "a" * 40, "to_sha": SHA, "result": "rolled_back"},
    )
)
TRADING = {
    "rc": 0,
    "stdout": json.dumps({"summary": {"running_live": 1, "running_paper": 2, "open_positions": 3}}),
}


def ready(status=200, **body):
    return {"status": status, "json": {"version": SHA, "offsite_backup_age_seconds": 7200, **body}}


def test_a_healthy_host_says_everything_on_one_line():
    facts = {
        "record": RECORD,
        "ready": ready(),
        "trading": TRADING,
        "certificate_end": "notAfter=2027-01-31 12:00:00Z",
        "data_free_bytes": 12_500_000_000,
    }
    assert fleet_status_line("bot-a", facts, NOW) == (
        "bot-a: release 0123456789ab | ready | certificate ends 2027-01-31 (in 60 d)"
        " | sessions 1 live, 2 paper, open positions 3 | last deploy 2026-12-02T10:30:00Z rolled_back"
        " | off-host backup 2 h old | disk free 12.5 GB"
    )


def test_a_broken_host_says_what_could_not_be_read():
    facts = {
        "record": "",
        "ready": {"status": -1, "msg": "Status code was -1 and not [200, 503]: Connection refused"},
        "trading": None,
        "certificate_end": None,
        "data_free_bytes": None,
    }
    line = fleet_status_line("bot-b", facts, NOW)
    assert line == (
        "bot-b: release unknown"
        " | health unreachable (Status code was -1 and not [200, 503]: Connection refused)"
        " | certificate unreadable | sessions unknown (no running backend) | no deployment recorded"
        " | off-host backup none | disk free unknown"
    )


def test_not_ready_names_the_reasons_and_an_expired_certificate_stands_out():
    facts = {
        "record": RECORD,
        "ready": ready(503, reasons=["data volume has 10 bytes free", "log tailer is not running"]),
        "trading": {"rc": 1, "stderr": "Traceback\nPermissionError: secrets/OPS_API_TOKEN"},
        "certificate_end": "notAfter=2026-11-30 00:00:00Z",
        "data_free_bytes": 10,
    }
    line = fleet_status_line("bot-c", facts, NOW)
    assert "not ready: data volume has 10 bytes free; log tailer is not running" in line
    assert "certificate EXPIRED 2026-11-30" in line
    assert "sessions unknown (PermissionError: secrets/OPS_API_TOKEN)" in line
    assert line.endswith("disk free 10 B")


def test_tls_off_and_a_rollout_id_are_said():
    record = json.dumps({"time": "t", "to_sha": SHA, "result": "deployed", "rollout": "r-42"})
    facts = {
        "record": record,
        "ready": ready(),
        "trading": TRADING,
        "certificate_end": "",
        "data_free_bytes": 1,
    }
    line = fleet_status_line("bot-d", facts, NOW)
    assert "certificate none (TLS off)" in line
    assert "last deploy t deployed (rollout r-42)" in line


def test_every_host_of_the_run_has_a_line_an_unreachable_one_included():
    hostvars = {"bot-a": {"app_stack_status_line": "bot-a: release x"}, "bot-b": {}}
    assert fleet_status_lines(["bot-a", "bot-b"], hostvars) == [
        "bot-a: release x",
        "bot-b: UNREACHABLE (no status read)",
    ]
