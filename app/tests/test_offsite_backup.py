"""The off-host backup's age, read from the status file the host's backup timer writes: a metric,
and a readiness reason once it is older than the schedule allows."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from control_plane.offsite_backup import (
    OffsiteBackupStatus,
    backup_age_seconds,
    backup_overdue,
    read_offsite_status,
    status_path,
)
from control_plane.settings import Settings

DAY = 86_400.0


def write_status(settings: Settings, **fields: object) -> None:
    path = status_path(settings.data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fields))


def metric(text: str, name: str) -> float:
    return next(float(line.split()[1]) for line in text.splitlines() if line.startswith(name + " "))


def test_age_counts_from_the_last_success_or_from_the_schedule_before_one() -> None:
    scheduled = OffsiteBackupStatus(
        scheduled_since=1000.0, max_age_seconds=DAY, last_success_at=None
    )
    assert backup_age_seconds(scheduled, now=1600.0) == 600.0
    succeeded = OffsiteBackupStatus(
        scheduled_since=1000.0, max_age_seconds=DAY, last_success_at=1500.0
    )
    assert backup_age_seconds(succeeded, now=1600.0) == 100.0


def test_overdue_only_past_the_allowed_age() -> None:
    status = OffsiteBackupStatus(scheduled_since=0.0, max_age_seconds=DAY, last_success_at=10.0)
    assert backup_overdue(status, now=10.0 + DAY) is None
    reason = backup_overdue(status, now=10.0 + DAY + 1)
    assert reason == "off-host backup overdue: the last one succeeded 86401 s ago (allowed 86400 s)"
    never = OffsiteBackupStatus(scheduled_since=0.0, max_age_seconds=60.0, last_success_at=None)
    assert "off-host backup missing: none has succeeded in the 61 s since it was scheduled" in str(
        backup_overdue(never, now=61.0)
    )


def test_no_status_file_means_no_offsite_backup(tmp_path: Path) -> None:
    assert read_offsite_status(tmp_path / "absent.json") is None


@pytest.mark.parametrize(
    "text",
    ["not json", "[]", '{"scheduled_since": 1}', '{"scheduled_since": "x", "max_age_seconds": 1}'],
)
def test_a_broken_status_file_is_an_error_naming_it(tmp_path: Path, text: str) -> None:
    path = tmp_path / "offsite-backup.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=r"offsite-backup\.json is not a valid status"):
        read_offsite_status(path)


def test_a_host_without_offsite_backup_is_ready_and_reports_no_backup_metric(
    client: TestClient,
) -> None:
    body = client.get("/api/health/ready").json()
    assert body["status"] == "ready", body
    assert body["offsite_backup_age_seconds"] is None
    assert "control_plane_offsite_backup" not in client.get("/metrics").text


def test_a_recent_backup_is_ready_and_its_age_is_a_metric(
    client: TestClient, settings: Settings
) -> None:
    now = time.time()
    write_status(
        settings, scheduled_since=now - 10 * DAY, max_age_seconds=DAY, last_success_at=now - 3600
    )
    body = client.get("/api/health/ready").json()
    assert body["status"] == "ready", body
    assert 3600 <= body["offsite_backup_age_seconds"] < 3700
    metrics = client.get("/metrics").text
    assert 3600 <= metric(metrics, "control_plane_offsite_backup_age_seconds") < 3700
    last = metric(metrics, "control_plane_offsite_backup_last_success_timestamp_seconds")
    assert last == pytest.approx(now - 3600)
    assert metric(metrics, "control_plane_offsite_backup_max_age_seconds") == DAY


def test_an_overdue_backup_makes_the_backend_not_ready_saying_why(
    client: TestClient, settings: Settings
) -> None:
    now = time.time()
    write_status(
        settings, scheduled_since=now - 10 * DAY, max_age_seconds=DAY, last_success_at=now - 2 * DAY
    )
    response = client.get("/api/health/ready")
    assert response.status_code == 503
    reasons = response.json()["reasons"]
    assert len(reasons) == 1 and reasons[0].startswith(
        "off-host backup overdue: the last one succeeded 1728"
    )


def test_an_unreadable_status_is_a_readiness_reason(client: TestClient, settings: Settings) -> None:
    write_status(settings, max_age_seconds=DAY)
    response = client.get("/api/health/ready")
    assert response.status_code == 503
    assert response.json()["reasons"][0].startswith("off-host backup status: ")
    assert "control_plane_offsite_backup" not in client.get("/metrics").text
